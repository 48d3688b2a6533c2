import type { JobHandlersFactory } from '../../jobs/handlers.js';
import { createAppMetrics } from '../metrics/metrics.js';
import { createActiveModels } from '../models/active-models.service.js';
import { DEFAULT_SCORE_WORKERS } from './batch-parallel.js';
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
export function createBatchJobHandlers(
  options: { chunkRows?: number; scoreWorkers?: number } = {},
): JobHandlersFactory {
  return (deps) => {
    const models = createActiveModels(deps.store.db, createAppMetrics(), { pollMs: 0 });
    return {
      'batch.process': (payload, ctx) =>
        processBatch(
          {
            db: deps.store.db,
            models,
            clock: () => new Date(),
            chunkRows: options.chunkRows,
            scoreWorkers: options.scoreWorkers ?? DEFAULT_SCORE_WORKERS,
            history: deps.config.history,
          },
          payload.batchId,
          ctx,
        ),
    };
  };
}

export const batchJobHandlers: JobHandlersFactory = createBatchJobHandlers();
