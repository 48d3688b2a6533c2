import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { migrateToLatest, openStore, type Store } from '../src/db/database.js';
import { createJobQueue } from '../src/jobs/create-job-queue.js';
import type { JobQueue } from '../src/jobs/job-queue.js';
import { deleteRedisKeys, describeEachQueue, waitFor, waitForState } from './support/job-queues.js';

declare module '../src/jobs/job-queue.js' {
  interface JobPayloads {
    'test.crash': { items: number; chunk: number; delayMs: number };
  }
}

// The worker runs as a separate process on the built dist, as `vigil worker` would.
const WORKER = fileURLToPath(new URL('./fixtures/crash-worker.mjs', import.meta.url));
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const ITEMS = 2_000;
const CHUNK = 100;

/** A running fixture worker and the lines it printed so far. */
interface Worker {
  child: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
}

function startWorker(env: Record<string, string>, args: string[] = [WORKER]): Worker {
  const { DATABASE_URL: _db, REDIS_URL: _redis, ...inherited } = process.env;
  const child = spawn(process.execPath, args, {
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let partial = '';
  child.stdout!.on('data', (data: Buffer) => {
    const text = partial + data.toString();
    const parts = text.split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
  });
  child.stderr!.on('data', (data: Buffer) => lines.push(`stderr: ${data.toString().trim()}`));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, lines, exited };
}

describeEachQueue(
  'kill -9 of a worker mid-job',
  (target) => {
    const adminUrl = process.env.TEST_DATABASE_URL!;
    const redisUrl = target === 'bullmq' ? process.env.TEST_REDIS_URL! : undefined;
    let dbName: string;
    let prefix: string;
    let admin: Store;
    let store: Store;
    let databaseUrl: string;
    let producer: JobQueue;
    const workers: Worker[] = [];

    beforeEach(async () => {
      dbName = `vigil_test_${randomBytes(6).toString('hex')}`;
      prefix = `vigil-test-${randomBytes(6).toString('hex')}`;
      workers.length = 0;
      admin = await openStore({ databaseUrl: adminUrl });
      await sql.raw(`create database ${dbName}`).execute(admin.db);
      const url = new URL(adminUrl);
      url.pathname = `/${dbName}`;
      databaseUrl = url.toString();
      store = await openStore({ databaseUrl });
      await migrateToLatest(store.db);
      await sql`create table crash_results (
        job_id text not null, item integer not null, attempt integer not null, primary key (job_id, item))`.execute(
        store.db,
      );
      await sql`create table crash_checkpoints (job_id text primary key, next_item integer not null)`.execute(
        store.db,
      );
      producer = await createJobQueue({ config: { redisUrl }, db: store.db, bullmq: { prefix } });
    });

    afterEach(async () => {
      for (const w of workers) w.child.kill('SIGKILL');
      await Promise.all(workers.map((w) => w.exited));
      await producer.close();
      await store.close();
      await sql.raw(`drop database if exists ${dbName} with (force)`).execute(admin.db);
      await admin.close();
      if (redisUrl) await deleteRedisKeys(redisUrl, `${prefix}:*`);
    });

    it(`finishes the job with exactly ${ITEMS} results after SIGKILL and a second worker`, async () => {
      const env = {
        DATABASE_URL: databaseUrl,
        QUEUE_PREFIX: prefix,
        ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
      };
      const jobId = await producer.enqueue('test.crash', { items: ITEMS, chunk: CHUNK, delayMs: 20 });

      // Kill after a random number of chunks, a random moment into the next one.
      const chunks = ITEMS / CHUNK;
      const killAfter = randomInt(2, chunks - 3) * CHUNK;
      const killDelayMs = randomInt(0, 25);
      const first = startWorker(env);
      workers.push(first);
      await waitFor(
        () => `the first worker to write ${killAfter} items; it printed:\n${first.lines.join('\n')}`,
        () => first.lines.includes(`chunk ${killAfter}`),
      );
      await new Promise((resolve) => setTimeout(resolve, killDelayMs));
      first.child.kill('SIGKILL');
      await first.exited;

      const midway = await producer.get(jobId);
      expect(midway?.state, `killed after ${killAfter} items + ${killDelayMs} ms`).toBe('running');
      const partial = await sql<{ n: number }>`select count(*)::int as n from crash_results`.execute(
        store.db,
      );
      expect(partial.rows[0]!.n).toBeLessThan(ITEMS);

      const second = startWorker(env);
      workers.push(second);
      const done = await waitForState(producer, jobId, 'done');
      expect(done.attempts).toBeGreaterThanOrEqual(2);
      const resumedFrom = second.lines.find((l) => l.startsWith('start attempt='));
      expect(resumedFrom, second.lines.join('\n')).toMatch(/^start attempt=\d+ from=(\d+)$/);
      expect(Number(resumedFrom!.split('from=')[1])).toBeGreaterThanOrEqual(killAfter);

      const { rows } = await sql<{ n: number; distinct_items: number; lowest: number; highest: number }>`
        select count(*)::int as n, count(distinct item)::int as distinct_items,
               min(item) as lowest, max(item) as highest
        from crash_results where job_id = ${jobId}`.execute(store.db);
      expect(rows[0]).toEqual({ n: ITEMS, distinct_items: ITEMS, lowest: 0, highest: ITEMS - 1 });
      const byRun = await sql<{ attempt: number }>`
        select distinct attempt from crash_results order by attempt`.execute(store.db);
      expect(byRun.rows.length, 'rows from both the killed and the second worker').toBeGreaterThanOrEqual(2);

      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    });

    it('`vigil worker` starts on this queue and stops cleanly on SIGTERM', async () => {
      const env = { DATABASE_URL: databaseUrl, ...(redisUrl ? { REDIS_URL: redisUrl } : {}) };
      const cli = startWorker(env, [CLI, 'worker', '--concurrency', '2']);
      workers.push(cli);
      const kind = redisUrl ? 'bullmq' : 'embedded';
      await waitFor(
        () => `vigil worker to start; it printed:\n${cli.lines.join('\n')}`,
        () => cli.lines.some((l) => l.startsWith(`vigil worker: ${kind} queue, concurrency 2`)),
      );
      cli.child.kill('SIGTERM');
      expect(await cli.exited).toBe(0);
    });
  },
  { targets: ['embedded-postgres', 'bullmq'], alsoNeeds: ['TEST_DATABASE_URL'] },
);

it('`vigil worker` without DATABASE_URL says why and that the server runs jobs in-process', async () => {
  const cli = startWorker({ VIGIL_DATA_DIR: 'memory://' }, [CLI, 'worker']);
  expect(await cli.exited).toBe(1);
  expect(cli.lines.join('\n')).toContain(
    'vigil worker needs DATABASE_URL (PostgreSQL): the embedded PGlite store can be opened by one process only',
  );
});
