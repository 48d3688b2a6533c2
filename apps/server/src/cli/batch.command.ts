import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Batch, BatchSummary } from '@vigil/contracts';
import { FileFormatError } from '@vigil/detect';
import { compileEnsemble, ensembleFromDocument, parseModelDocument } from '@vigil/ml';
import { type Command, Option } from 'commander';
import { loadConfig } from '../config/env.js';
import { analyzeFile } from '../modules/batches/batch-analysis.js';
import { flowBatchScorer, resolveBatchScorer } from '../modules/batches/batch-scorer.js';
import { createAppMetrics } from '../modules/metrics/metrics.js';
import type { ActiveModel } from '../modules/models/active-models.js';
import { createActiveModels } from '../modules/models/active-models.service.js';
import { checkFeatureSpec } from '../modules/models/feature-spec.js';
import { renderSummary } from './batch-report.js';
import { multipartFileBody } from './multipart-upload.js';
import { startProgress } from './progress.js';
import { openConfiguredStore } from './with-store.js';

interface ServerOptions {
  server?: string;
  apiKey?: string;
}

const FINAL = new Set(['done', 'failed', 'cancelled']);

function serverOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--server <url>', 'Vigil API base URL (default: http://HOST:PORT of this environment)').env(
        'VIGIL_URL',
      ),
    )
    .addOption(new Option('--api-key <key>', 'API key (analyst or admin to submit)').env('VIGIL_API_KEY'));
}

function baseUrl(opts: ServerOptions): string {
  if (opts.server) return opts.server.endsWith('/') ? opts.server : `${opts.server}/`;
  const config = loadConfig(process.env);
  return `http://${config.host}:${config.port}/`;
}

/** Calls the API; an error answer becomes an Error with the server's message. */
async function api<T>(opts: ServerOptions, path: string, init: RequestInit = {}): Promise<T> {
  if (!opts.apiKey) throw new Error('an API key is needed: pass --api-key or set VIGIL_API_KEY');
  const url = new URL(path, baseUrl(opts));
  let res: Response;
  try {
    res = await fetch(url, { ...init, headers: { ...init.headers, authorization: `Bearer ${opts.apiKey}` } });
  } catch (err) {
    throw new Error(`cannot reach ${url.origin}: ${(err as Error).cause ?? (err as Error).message}`);
  }
  const text = await res.text();
  if (!res.ok) {
    let message = text;
    try {
      message = JSON.parse(text).error.message;
    } catch {}
    throw new Error(`${res.status}: ${message}`);
  }
  return JSON.parse(text) as T;
}

function describe(b: Batch): string {
  const total = b.rowsTotal === null ? '?' : b.rowsTotal.toLocaleString('en-US');
  const rate = b.rowsPerSecond ? `, ${b.rowsPerSecond.toLocaleString('en-US')} rows/s` : '';
  return (
    `batch ${b.id} "${b.name}" (${b.kind}, ${b.format.layout}${b.format.gzip ? ', gzip' : ''}): ${b.state}, ` +
    `${b.rowsDone.toLocaleString('en-US')}/${total} rows, ${b.rowsBad} bad${rate}${b.error ? `\n  error: ${b.error}` : ''}`
  );
}

/** Follows a batch to a final state with a progress bar; returns the last state. */
async function follow(opts: ServerOptions, id: number): Promise<Batch> {
  let batch = await api<Batch>(opts, `api/v1/batches/${id}`);
  const progress = startProgress(`batch ${id}`, batch.rowsTotal ?? 0);
  try {
    while (!FINAL.has(batch.state)) {
      const eta = batch.etaSeconds === null ? '' : `, ETA ${batch.etaSeconds}s`;
      progress.update(
        batch.rowsDone,
        `${batch.state}, ${batch.rowsPerSecond ?? 0} rows/s${eta}, ${batch.rowsBad} bad`,
      );
      await new Promise((r) => setTimeout(r, 500));
      batch = await api<Batch>(opts, `api/v1/batches/${id}`);
    }
    progress.update(batch.rowsDone, `${batch.state}, ${batch.rowsBad} bad`);
  } finally {
    progress.stop();
  }
  return batch;
}

async function printOutcome(opts: ServerOptions, batch: Batch, json: boolean): Promise<void> {
  const summary =
    batch.state === 'done' ? await api<BatchSummary>(opts, `api/v1/batches/${batch.id}/summary`) : null;
  if (json) console.log(JSON.stringify({ batch, summary }, null, 2));
  else {
    console.log(describe(batch));
    if (summary) console.log(renderSummary(summary));
  }
  if (batch.state === 'failed' || batch.state === 'cancelled') process.exitCode = 1;
}

/** The model `analyze-data` scores with: a model file, or the store's production model of the kind. */
async function analysisScorer(kind: string, modelPath: string | undefined) {
  if (modelPath) {
    const document = parseModelDocument(await readFile(modelPath, 'utf8'));
    const modelKind = checkFeatureSpec(document.featureSpec);
    if (modelKind !== kind) {
      throw new Error(
        `the file is ${kind} data but the model ${document.id} scores ${modelKind}; pass --schema ${modelKind} if the file is really that`,
      );
    }
    const model: ActiveModel = {
      id: document.id,
      kind,
      version: 0,
      document,
      compiled: compileEnsemble(ensembleFromDocument(document)),
    };
    return flowBatchScorer(model);
  }
  const store = await openConfiguredStore();
  try {
    const models = createActiveModels(store.db, createAppMetrics(), { pollMs: 0 });
    await models.refresh(kind);
    return resolveBatchScorer(models, kind);
  } finally {
    await store.close();
  }
}

/** `vigil batch submit|status` (through the API) and `vigil analyze-data` (local, nothing stored). */
export function registerBatchCommands(program: Command): void {
  const batch = program
    .command('batch')
    .description('score files in the background on a running Vigil server');

  serverOptions(
    batch
      .command('submit')
      .description('upload a flow CSV/TSV (gzip too), Zeek conn.log or URL list to score in the background')
      .argument('<file>', 'the file to upload')
      .option('--schema <id>', 'flow schema id, synthetic-flows or url (default: detected from the header)')
      .option('--url-column <name>', 'column holding the URLs of a URL list')
      .option('--name <name>', 'batch name (default: the file name)')
      .option('--wait', 'follow the batch with a progress bar until it ends, then print its summary')
      .option('--json', 'print JSON'),
  ).action(
    async (
      file: string,
      opts: ServerOptions & {
        schema?: string;
        urlColumn?: string;
        name?: string;
        wait?: boolean;
        json?: boolean;
      },
    ) => {
      const fields: Record<string, string> = { name: opts.name ?? basename(file) };
      if (opts.schema) fields.schema = opts.schema;
      if (opts.urlColumn) fields.urlColumn = opts.urlColumn;
      // Streamed from disk as fetch sends it.
      const { body, headers } = await multipartFileBody(fields, 'file', file, basename(file));
      const created = await api<{
        batch: Batch;
        format: { preview: { columns: string[] }; columns: { unknown: string[] } };
      }>(opts, 'api/v1/batches', { method: 'POST', body, headers, duplex: 'half' } as RequestInit);
      const id = created.batch.id;
      if (!opts.wait) {
        if (opts.json) console.log(JSON.stringify(created, null, 2));
        else {
          console.log(describe(created.batch));
          if (created.format.columns.unknown.length > 0)
            console.log(`  ignored columns: ${created.format.columns.unknown.join(', ')}`);
          console.log(`follow it with: vigil batch status ${id} --wait`);
        }
        return;
      }
      if (!opts.json)
        console.error(
          `batch ${id} queued (${created.batch.rowsTotal ?? '?'} rows); Ctrl-C stops following, not the batch`,
        );
      await printOutcome(opts, await follow(opts, id), opts.json === true);
    },
  );

  serverOptions(
    batch
      .command('status')
      .description("a batch's state and progress; with --wait, follow it to the end")
      .argument('<id>', 'batch id')
      .option('--wait', 'follow it with a progress bar until it ends')
      .option('--json', 'print JSON'),
  ).action(async (idText: string, opts: ServerOptions & { wait?: boolean; json?: boolean }) => {
    const id = Number(idText);
    if (!Number.isInteger(id) || id < 1)
      throw new Error(`expected a batch id (a whole number), got "${idText}"`);
    const b = opts.wait ? await follow(opts, id) : await api<Batch>(opts, `api/v1/batches/${id}`);
    await printOutcome(opts, b, opts.json === true);
  });

  program
    .command('analyze-data')
    .description('check and score a file as a batch would and print the summary; nothing is stored')
    .argument('<file>', 'flow CSV/TSV (gzip too), Zeek conn.log or URL list')
    .option('--schema <id>', 'flow schema id, synthetic-flows or url (default: detected from the header)')
    .option('--url-column <name>', 'column holding the URLs of a URL list')
    .option('--model <file>', 'model document to score with (default: the production model in the store)')
    .option('--json', 'print the summary as JSON')
    .action(
      async (file: string, opts: { schema?: string; urlColumn?: string; model?: string; json?: boolean }) => {
        let progress: ReturnType<typeof startProgress> | undefined;
        try {
          const result = await analyzeFile(file, {
            schema: opts.schema,
            urlColumn: opts.urlColumn,
            scorerFor: (kind) => analysisScorer(kind, opts.model),
            onProgress: (done, total) => {
              progress ??= startProgress('scoring', total);
              progress.update(done);
            },
          });
          progress?.stop();
          const { file: f, summary } = result;
          if (opts.json) {
            console.log(
              JSON.stringify(
                { format: { ...f.inspection, gzip: f.gzip, rowsTotal: f.rowsTotal }, summary },
                null,
                2,
              ),
            );
            return;
          }
          const rows = summary.rows.scored + summary.rows.bad;
          const rate = result.scoreMs > 0 ? Math.round((rows / result.scoreMs) * 1000) : 0;
          console.log(
            `${basename(file)}: ${f.inspection.layout}${f.gzip ? ' (gzip)' : ''}, schema ${f.inspection.schema}, ` +
              `${f.inspection.header.length} columns` +
              (f.inspection.unknown.length > 0 ? ` (ignored: ${f.inspection.unknown.join(', ')})` : ''),
          );
          console.log(renderSummary(summary));
          console.log(
            `checked in ${(result.inspectMs / 1000).toFixed(2)} s, scored in ${(result.scoreMs / 1000).toFixed(2)} s (${rate.toLocaleString('en-US')} rows/s)`,
          );
        } catch (err) {
          progress?.stop();
          if (err instanceof FileFormatError) throw new Error(`${file}: ${err.message}`);
          throw err;
        }
      },
    );
}
