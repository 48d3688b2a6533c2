import type { AppConfig } from '../config/env.js';
import type { Store } from '../db/database.js';
import { batchJobHandlers } from '../modules/batches/batch-jobs.js';
import { scanJobHandlers } from '../modules/scans/scan-jobs.js';
import type { JobHandlers, JobQueue } from './job-queue.js';

/** What job handlers are built from, in the server process or in `vigil worker`. */
export interface JobDeps {
  readonly store: Store;
  readonly config: AppConfig;
  /** The queue running the handlers, to enqueue follow-up jobs. */
  readonly queue: JobQueue;
}

/** A module's handlers, built once per worker from its dependencies. */
export type JobHandlersFactory = (deps: JobDeps) => JobHandlers;

/**
 * The modules that own jobs. Add one line per module here (e.g. `batchJobHandlers` from
 * modules/batches), so that both the server and `vigil worker` run them.
 */
const factories: JobHandlersFactory[] = [batchJobHandlers, scanJobHandlers];

/** Adds a module's handlers at run time (tests, plugins); the list above is the usual place. */
export function registerJobHandlers(factory: JobHandlersFactory): void {
  factories.push(factory);
}

/** Builds every registered module's handlers into one map; a job name claimed twice is an error. */
export function createJobHandlers(deps: JobDeps): JobHandlers {
  const all: Record<string, unknown> = {};
  for (const factory of factories) {
    for (const [name, handler] of Object.entries(factory(deps))) {
      if (!handler) continue;
      if (name in all) throw new Error(`two job handlers for "${name}"`);
      all[name] = handler;
    }
  }
  return all as JobHandlers;
}
