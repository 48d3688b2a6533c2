import { join } from 'node:path';
import { generateSyntheticFlows } from '@vigil/detect';
import { type Command, InvalidArgumentError } from 'commander';
import { SYNTHETIC_SCHEMA, trainDemoModel } from '../training/demo-model.js';
import { renderTrainingReport } from '../training/report-text.js';
import { saveTrainingOutput } from '../training/training.service.js';
import { startProgress } from './progress.js';

function parseRows(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 100 || n > 5_000_000) {
    throw new InvalidArgumentError(`expected a whole number of rows 100..5000000, got "${value}"`);
  }
  return n;
}

function parseSeed(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff)
    throw new InvalidArgumentError(`expected a seed 0..4294967295, got "${value}"`);
  return n;
}

/**
 * End-to-end run with nothing but Vigil itself: generate labelled flows, train the default
 * gradient-boosted model on all cores, score the held-out test part and save the model.
 */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('generate labelled synthetic flows, train and evaluate a model on them, print the report')
    .option('--rows <n>', 'number of flows to generate', parseRows, 50_000)
    .option('--seed <n>', 'seed for data generation and training', parseSeed, 42)
    .option('--target <target>', 'binary (benign/attack) or category (attack family)', 'binary')
    .option('--out <dir>', 'folder for model.json and report.json', join('.vigil', 'models', 'demo'))
    .action(async (opts) => {
      if (opts.target !== 'binary' && opts.target !== 'category') {
        throw new InvalidArgumentError(`--target: expected "binary" or "category", got "${opts.target}"`);
      }
      const dataset = generateSyntheticFlows({ rows: opts.rows, seed: opts.seed, target: opts.target });
      console.log(
        `Generated ${dataset.nRows} synthetic flows (${dataset.features.length} features, seed ${opts.seed}).`,
      );
      let progress: ReturnType<typeof startProgress> | undefined;
      try {
        const outcome = await trainDemoModel(dataset, {
          seed: opts.seed,
          target: opts.target,
          source: `synthetic rows=${opts.rows} seed=${opts.seed}`,
          onRound: (round, total, detail) => {
            progress ??= startProgress('training', total);
            progress.update(round, detail);
          },
        });
        progress?.stop();
        const paths = await saveTrainingOutput(opts.out, outcome);
        console.log(renderTrainingReport(outcome, { schema: SYNTHETIC_SCHEMA.id, rows: dataset.nRows }));
        console.log(`model:  ${paths.model}\nreport: ${paths.report}`);
      } finally {
        progress?.stop();
      }
    });
}
