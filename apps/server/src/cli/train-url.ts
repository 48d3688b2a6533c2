import { cpus } from 'node:os';
import { URL_SCHEMA } from '@vigil/detect';
import { InvalidArgumentError } from 'commander';
import { createWorkerTrainingExecutor } from '../adapters/worker-training-executor.js';
import { renderTrainingReport } from '../training/report-text.js';
import { saveTrainingOutput, trainModel } from '../training/training.service.js';
import { defaultTrainingConfig, loadTrainingConfig } from '../training/training-config.js';
import { loadUrlDataset } from '../training/url-dataset-file.js';
import { startProgress } from './progress.js';

/** `--label benign|malicious`. */
export function parseUrlLabel(value: string): 'benign' | 'malicious' {
  if (value !== 'benign' && value !== 'malicious') {
    throw new InvalidArgumentError(`expected "benign" or "malicious", got "${value}"`);
  }
  return value;
}

/** A positive whole number option. */
export function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`expected a whole number ≥ 1, got "${value}"`);
  return n;
}

export interface TrainUrlOptions {
  data: string;
  target: string;
  config?: string;
  out: string;
  threads?: number;
  json?: boolean;
  label?: 'benign' | 'malicious';
  maxPerDomain?: number;
  benignDomains?: string;
}

/**
 * `vigil train --schema url`: labelled URLs → lexical features → the configured model, evaluated
 * on registrable domains it never saw (group split), saved as model.json + report.json.
 */
export async function trainUrlModel(opts: TrainUrlOptions): Promise<void> {
  if (opts.target !== 'binary') {
    throw new InvalidArgumentError(
      '--schema url trains binary models only (benign / malicious); drop --target',
    );
  }
  const config = opts.config ? await loadTrainingConfig(opts.config) : defaultTrainingConfig();
  let reading: ReturnType<typeof startProgress> | undefined;
  let loaded: Awaited<ReturnType<typeof loadUrlDataset>>;
  try {
    loaded = await loadUrlDataset(opts.data, {
      label: opts.label,
      maxPerDomain: opts.maxPerDomain,
      benignDomains: opts.benignDomains,
      onProgress: (read, total) => {
        reading ??= startProgress('reading', total);
        reading.update(read);
      },
    });
  } finally {
    reading?.stop();
  }
  for (const w of loaded.warnings) console.error(`warning: ${w}`);
  const { stats } = loaded;
  if (!opts.json) {
    console.log(
      `${stats.kept} URLs (${stats.perClass.benign} benign, ${stats.perClass.malicious} malicious) ` +
        `from ${stats.domains} registrable domains` +
        (loaded.benignDomains > 0
          ? `, ${loaded.benignDomains} of them benign home pages from ${opts.benignDomains}`
          : '') +
        '; each domain stays on one side of the split.',
    );
  }
  const threads = opts.threads ?? config.threads;
  const executor = createWorkerTrainingExecutor(threads === 0 ? cpus().length : threads);
  let progress: ReturnType<typeof startProgress> | undefined;
  try {
    const outcome = await trainModel({
      dataset: loaded.dataset,
      schema: { id: URL_SCHEMA.id, version: URL_SCHEMA.version },
      target: 'binary',
      config,
      executor,
      source: opts.benignDomains ? `${opts.data} + ${opts.benignDomains}` : opts.data,
      groups: loaded.groups,
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
      console.log(renderTrainingReport(outcome, { schema: URL_SCHEMA.id, rows: loaded.dataset.nRows }));
      console.log(`model:  ${paths.model}\nreport: ${paths.report}`);
    }
  } finally {
    progress?.stop();
    await executor.close();
  }
}
