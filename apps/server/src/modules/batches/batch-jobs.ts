import type { JobHandlersFactory } from '../../jobs/handlers.js';
import { createAppMetrics } from '../metrics/metrics.js';
import { createActiveModels } from '../models/active-models.service.js';
import { processBatch } from './batch-processor.js';

declare module '../../jobs/job-queue.js' {
  interface JobPayloads {
    /** Score an uploaded batch file from its checkpoint (modules/batches). */
    'batch.process': { batchId: number };
  }
}

/**
 * The batches module's job handlers, for the server process and `vigil worker` alike. The worker
 * keeps its own production models (no polling: each run reloads its batch's kind when it starts),
 * so it works the same in a process without the API.
 */
export const batchJobHandlers: JobHandlersFactory = (deps) => {
  const models = createActiveModels(deps.store.db, createAppMetrics(), { pollMs: 0 });
  return {
    'batch.process': (payload, ctx) =>
      processBatch({ db: deps.store.db, models, clock: () => new Date() }, payload.batchId, ctx),
  };
};
