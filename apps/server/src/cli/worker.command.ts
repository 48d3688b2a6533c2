import type { Command } from 'commander';
import { loadConfig } from '../config/env.js';
import { migrateToLatest } from '../db/database.js';
import { startJobWorker } from '../jobs/create-job-queue.js';
import { openConfiguredStore } from './with-store.js';

/**
 * `vigil worker`: runs background jobs (batches) next to the API servers. Jobs come from BullMQ
 * when REDIS_URL is set, else from the `jobs` table of the PostgreSQL store; results go to the store.
 */
export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description(
      'run background jobs: from BullMQ when REDIS_URL is set, else from the PostgreSQL store (DATABASE_URL)',
    )
    .option('-c, --concurrency <n>', 'jobs run at once', '1')
    .action(async (opts: { concurrency: string }) => {
      const concurrency = Number(opts.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1) {
        throw new Error(`--concurrency must be a whole number ≥ 1, got "${opts.concurrency}"`);
      }
      const config = loadConfig(process.env);
      if (!config.databaseUrl) {
        throw new Error(
          'vigil worker needs DATABASE_URL (PostgreSQL): the embedded PGlite store can be opened by one ' +
            'process only, so without DATABASE_URL the server (vigil serve / vigil start) runs jobs in-process',
        );
      }
      const store = await openConfiguredStore(config);
      let started: Awaited<ReturnType<typeof startJobWorker>>;
      try {
        if (config.migrateOnStart) await migrateToLatest(store.db);
        started = await startJobWorker(store, config, { concurrency });
      } catch (err) {
        await store.close();
        throw err;
      }
      const { queue, jobNames } = started;

      let stopping = false;
      const stop = (signal: NodeJS.Signals) => {
        if (stopping) process.exit(1);
        stopping = true;
        console.log(
          `vigil worker: ${signal}, stopping; running jobs go back to the queue at their next checkpoint`,
        );
        queue
          .close()
          .then(() => store.close())
          .then(
            () => process.exit(0),
            (err: unknown) => {
              console.error(
                `vigil worker: shutdown failed: ${err instanceof Error ? err.message : String(err)}`,
              );
              process.exit(1);
            },
          );
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      // Said once the signals are handled: whoever waits for this line may stop the worker at once.
      console.log(
        `vigil worker: ${queue.kind} queue, concurrency ${concurrency}, jobs: ${jobNames.join(', ') || '(none registered)'}`,
      );
    });
}
