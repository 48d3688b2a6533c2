import { cpus } from 'node:os';
import type { Dataset } from '@vigil/ml';
import { createWorkerTrainingExecutor } from '../adapters/worker-training-executor.js';
import { type TrainOutcome, type TrainRequest, trainModel } from './training.service.js';
import { defaultTrainingConfig } from './training-config.js';

/** The schema of generated synthetic flows (generateSyntheticFlows). */
export const SYNTHETIC_SCHEMA = { id: 'synthetic-flows', version: 1 } as const;

/**
 * Trains the demo model on generated synthetic flows: the default GBDT, stopped once the validation
 * loss has not improved for 20 rounds (generated data is easy to overfit), on worker threads, one
 * per core. `vigil demo`, the first `vigil start` and the benchmarks all train it this way.
 */
export async function trainDemoModel(
  dataset: Dataset,
  options: Pick<TrainRequest, 'source' | 'onRound'> & { seed: number; target?: 'binary' | 'category' },
): Promise<TrainOutcome> {
  const defaults = defaultTrainingConfig();
  const executor = createWorkerTrainingExecutor(cpus().length);
  try {
    return await trainModel({
      dataset,
      schema: SYNTHETIC_SCHEMA,
      target: options.target ?? 'binary',
      config: { ...defaults, seed: options.seed, gbdt: { ...defaults.gbdt, earlyStoppingRounds: 20 } },
      executor,
      source: options.source,
      onRound: options.onRound,
    });
  } finally {
    await executor.close();
  }
}
