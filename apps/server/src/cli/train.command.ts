import { cpus } from 'node:os';
import { type Command, InvalidArgumentError } from 'commander';
import { createWorkerTrainingExecutor } from '../adapters/worker-training-executor.js';
import { loadFlowDataset } from '../datasets/index.js';
import { renderTrainingReport } from '../training/report-text.js';
import { saveTrainingOutput, trainModel } from '../training/training.service.js';
import { defaultTrainingConfig, loadTrainingConfig } from '../training/training-config.js';
import { startProgress } from './progress.js';
import { parseCount, parseUrlLabel, trainUrlModel } from './train-url.js';

/** `--target binary|category`, checked when the command line is parsed. */
export function parseTarget(value: string): 'binary' | 'category' {
  if (value !== 'binary' && value !== 'category') {
    throw new InvalidArgumentError(`expected "binary" or "category", got "${value}"`);
  }
  return value;
}

export function parseThreads(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 256)
    throw new InvalidArgumentError(`expected a whole number 0..256, got "${value}"`);
  return n;
}

/** Reads a flow file with a byte progress bar; shared by train and evaluate. */
export async function loadWithProgress(
  path: string,
  options: Omit<Parameters<typeof loadFlowDataset>[1], 'onProgress'>,
): ReturnType<typeof loadFlowDataset> {
  let progress: ReturnType<typeof startProgress> | undefined;
  try {
    return await loadFlowDataset(path, {
      ...options,
      onProgress: (read, total) => {
        progress ??= startProgress('reading', total);
        progress.update(read);
      },
    });
  } finally {
    progress?.stop();
  }
}

export function registerTrainCommand(program: Command): void {
  program
    .command('train')
    .description('train a model on a labelled flow file (CSV or CSV.gz)')
    .requiredOption(
      '--data <file>',
      'labelled flows (NSL-KDD, UNSW-NB15 or CICIDS2017 CSV) or, with --schema url, labelled URLs (url,label CSV); optionally gzipped',
    )
    .option('--schema <id>', 'auto | nsl-kdd | unsw-nb15 | cicids2017 | cicids2017-improved | url', 'auto')
    .option(
      '--target <target>',
      'binary (benign/attack) or category (attack category)',
      parseTarget,
      'binary',
    )
    .option('--config <file>', 'training parameters (YAML); defaults when omitted')
    .option('--out <dir>', 'folder for model.json and report.json', 'models/latest')
    .option('--threads <n>', 'training threads, 0 = one per core (overrides the config)', parseThreads)
    .option('--json', 'print the JSON report instead of the text report')
    .option('--label <class>', 'url: class of every row of a file without a label column', parseUrlLabel)
    .option('--max-per-domain <n>', 'url: keep at most n URLs per registrable domain', parseCount)
    .option('--benign-domains <file>', 'url: CSV with a domain column whose home pages are added as benign')
    .action(async (opts) => {
      if (opts.schema === 'url') return trainUrlModel(opts);
      const config = opts.config ? await loadTrainingConfig(opts.config) : defaultTrainingConfig();
      const loaded = await loadWithProgress(opts.data, { schema: opts.schema, target: opts.target });
      for (const w of loaded.warnings) console.error(`warning: ${w}`);
      const threads = opts.threads ?? config.threads;
      const executor = createWorkerTrainingExecutor(threads === 0 ? cpus().length : threads);
      let progress: ReturnType<typeof startProgress> | undefined;
      try {
        const outcome = await trainModel({
          dataset: loaded.dataset,
          schema: { id: loaded.schema.id, version: loaded.schema.version },
          target: opts.target,
          config,
          executor,
          source: opts.data,
          onRound: (round, total, detail) => {
            progress ??= startProgress('training', total);
            progress.update(round, detail);
          },
        });
        progress?.stop();
        const paths = await saveTrainingOutput(opts.out, outcome);
        if (opts.json) {
          console.log(JSON.stringify(outcome.report, null, 2));
        } else {
          console.log(
            renderTrainingReport(outcome, { schema: loaded.schema.id, rows: loaded.dataset.nRows }),
          );
          console.log(`model:  ${paths.model}\nreport: ${paths.report}`);
        }
      } finally {
        progress?.stop();
        await executor.close();
      }
    });
}
