import type { AppConfig } from '../config/env.js';
import type { Db, Store } from '../db/database.js';
import { type BullMqQueueOptions, createBullMqQueue } from './bullmq-queue.js';
import { EmbeddedJobQueue, type EmbeddedQueueOptions } from './embedded-queue.js';
import { createJobHandlers } from './handlers.js';
import type { JobQueue } from './job-queue.js';

export interface CreateJobQueueOptions {
  config: Pick<AppConfig, 'redisUrl'>;
  /** The store; the embedded queue keeps its jobs there. */
  db: Db;
  /** Tuning (leases, polling, backoff), mostly for tests. */
  embedded?: EmbeddedQueueOptions;
  bullmq?: Omit<BullMqQueueOptions, 'redisUrl'>;
}

/** BullMQ on Redis when REDIS_URL is set, else the embedded runner on the store's `jobs` table. */
export async function createJobQueue(options: CreateJobQueueOptions): Promise<JobQueue> {
  const { redisUrl } = options.config;
  if (redisUrl) return createBullMqQueue({ ...options.bullmq, redisUrl });
  return new EmbeddedJobQueue(options.db, options.embedded);
}

/**
 * The queue a server or `vigil worker` runs: built from config and working every registered
 * module's handlers (jobs/handlers.ts). Close it before the store.
 */
export async function startJobWorker(
  store: Store,
  config: AppConfig,
  options: { concurrency?: number } = {},
): Promise<{ queue: JobQueue; jobNames: string[] }> {
  const queue = await createJobQueue({ config, db: store.db });
  try {
    const handlers = createJobHandlers({ store, config, queue });
    await queue.work(handlers, options);
    return { queue, jobNames: Object.keys(handlers) };
  } catch (err) {
    await queue.close();
    throw err;
  }
}
