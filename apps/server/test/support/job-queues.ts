import { randomBytes } from 'node:crypto';
import { describe, it } from 'vitest';
import type { Db } from '../../src/db/database.js';
import { createBullMqQueue } from '../../src/jobs/bullmq-queue.js';
import { EmbeddedJobQueue } from '../../src/jobs/embedded-queue.js';
import type { JobInfo, JobQueue, JobState } from '../../src/jobs/job-queue.js';
import { openTestStore, type TestStore } from './stores.js';

/**
 * The job queue implementations under test, each on its real backend: the embedded runner on
 * PGlite and on PostgreSQL (TEST_DATABASE_URL), and BullMQ on Redis (TEST_REDIS_URL). A missing
 * service skips locally and fails under CI=true, as in stores.ts.
 */
export interface QueueBackend {
  /** Another queue instance on the same backend: a second worker process, as far as the queue knows. */
  queue(): Promise<JobQueue>;
  /** The store of the embedded queue (undefined for BullMQ), to look at or stage `jobs` rows. */
  db?: Db;
  /** Closes every queue made here, then drops the backend's data. */
  dispose(): Promise<void>;
}

export type QueueTarget = 'embedded-pglite' | 'embedded-postgres' | 'bullmq';

// Fast leases, heartbeats and backoff, so that tests wait milliseconds rather than seconds.
export const FAST_EMBEDDED = { leaseMs: 3_000, heartbeatMs: 100, pollMs: 50, backoffMs: 10 };
export const FAST_BULLMQ = {
  heartbeatMs: 100,
  backoffMs: 10,
  lockDurationMs: 5_000,
  stalledIntervalMs: 5_000,
};

const needs: Record<QueueTarget, string | undefined> = {
  'embedded-pglite': undefined,
  'embedded-postgres': 'TEST_DATABASE_URL',
  bullmq: 'TEST_REDIS_URL',
};

export async function openQueueBackend(target: QueueTarget): Promise<QueueBackend> {
  const queues: JobQueue[] = [];
  const track = (queue: JobQueue) => {
    queues.push(queue);
    return queue;
  };
  const closeAll = () => Promise.all(queues.map((q) => q.close()));
  if (target === 'bullmq') {
    const redisUrl = process.env.TEST_REDIS_URL!;
    const prefix = `vigil-test-${randomBytes(6).toString('hex')}`;
    return {
      queue: async () => track(await createBullMqQueue({ redisUrl, prefix, ...FAST_BULLMQ })),
      dispose: async () => {
        await closeAll();
        await deleteRedisKeys(redisUrl, `${prefix}:*`);
      },
    };
  }
  const store: TestStore = await openTestStore(target === 'embedded-pglite' ? 'pglite' : 'postgres');
  return {
    db: store.db,
    queue: async () => track(new EmbeddedJobQueue(store.db, FAST_EMBEDDED)),
    dispose: async () => {
      await closeAll();
      await store.dispose();
    },
  };
}

export async function deleteRedisKeys(redisUrl: string, pattern: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/**
 * `describe` once per queue target; a missing service skips locally and fails under CI=true.
 * `alsoNeeds` names further variables every target needs (e.g. TEST_DATABASE_URL for results).
 */
export function describeEachQueue(
  name: string,
  body: (target: QueueTarget) => void,
  options: { targets?: readonly QueueTarget[]; alsoNeeds?: readonly string[] } = {},
): void {
  const targets = options.targets ?? ['embedded-pglite', 'embedded-postgres', 'bullmq'];
  for (const target of targets) {
    const missing = [needs[target], ...(options.alsoNeeds ?? [])].filter(
      (variable): variable is string => variable !== undefined && !process.env[variable],
    );
    if (missing.length > 0) {
      const variables = [...new Set(missing)].join(' and ');
      if (process.env.CI === 'true') {
        describe(`${name} [${target}]`, () => {
          it(`needs ${variables}`, () => {
            throw new Error(`CI=true but ${variables} is not set: .ci/run must start the service`);
          });
        });
      } else {
        describe.skip(`${name} [${target}] (skipped: set ${variables} to run it)`, () => {
          it(`needs ${variables}`, () => {});
        });
      }
      continue;
    }
    describe(`${name} [${target}]`, () => body(target));
  }
}

/** Polls `check` until it returns true; fails with `what` after `timeoutMs`. */
export async function waitFor(
  what: string | (() => string),
  check: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function waitForState(queue: JobQueue, jobId: string, state: JobState): Promise<JobInfo> {
  let info: JobInfo | undefined;
  await waitFor(
    () => `job ${jobId} to be ${state} (last seen: ${JSON.stringify(info)})`,
    async () => {
      info = await queue.get(jobId);
      return info?.state === state;
    },
  );
  return info!;
}
