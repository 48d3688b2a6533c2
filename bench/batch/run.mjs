// `npm run bench:batch`: a generated flow CSV (1,000,000 rows of synthetic flows by default) scored
// end to end: upload over HTTP → validation → background job → done, with the server in a child
// process run with the Node flags of `npm start` (server-process.mjs; BENCH_NODE_FLAGS="" runs it
// without) and the client in this one; on the embedded runner with
// the embedded PGlite store (as `vigil start` runs), then on the embedded runner with PostgreSQL when
// TEST_DATABASE_URL (or DATABASE_URL) is set, and on BullMQ when TEST_REDIS_URL (or REDIS_URL) is set.
// Before that, the stages run in-process without a store, to show where the time goes: a reference
// (raw read of the file, counting lines), the validation pass, parse + map, scoring (encode + trees;
// and with the alerts explained, which batches leave to the history copy), all three on one thread,
// and all three on the worker threads the job uses.
// Each store is measured with history of alerts (the default: alerts, explained, also go to
// `predictions` once the batch is done; the time that takes after 'done' is printed too) and, for the embedded store,
// with VIGIL_HISTORY=none (results only in the batch's chunk table).
// Target (printed, never asserted): ≥ 200k rows/s embedded. The load average is printed, as other
// processes on the machine change the figures.
// Environment: BENCH_ROWS (default 1,000,000), BENCH_TRAIN_ROWS (model training rows, default 50,000),
// BENCH_STAGES=0 skips the in-process stages, BENCH_ONLY=text runs only the end-to-end runs whose
// label contains the text (for profiling one of them).
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRecordMapper, generateSyntheticFlows } from '@vigil/detect';
import { compileEnsemble, ensembleFromDocument } from '@vigil/ml';
import pg from 'pg';
import { multipartFileBody } from '../../apps/server/dist/cli/multipart-upload.js';
import { scoreChunk } from '../../apps/server/dist/modules/batches/batch-chunk-scoring.js';
import { inspectBatchFile } from '../../apps/server/dist/modules/batches/batch-file-inspect.js';
import { readBatchRows } from '../../apps/server/dist/modules/batches/batch-file-rows.js';
import {
  DEFAULT_SCORE_WORKERS,
  scoreInParallel,
} from '../../apps/server/dist/modules/batches/batch-parallel.js';
import { CHUNK_ROWS } from '../../apps/server/dist/modules/batches/batch-processor.js';
import { flowBatchScorer } from '../../apps/server/dist/modules/batches/batch-scorer.js';
import { flowScorerFor } from '../../apps/server/dist/modules/scoring/flow-scorer.js';
import { trainDemoModel } from '../../apps/server/dist/training/demo-model.js';
import { serverNodeFlags } from '../node-flags.mjs';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const TRAIN_ROWS = Number(process.env.BENCH_TRAIN_ROWS ?? 50_000);
const TARGET = 200_000;
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
const REDIS_URL = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL;

const fmt = (n) => Math.round(n).toLocaleString('en-US');
const secs = (ms) => `${(ms / 1000).toFixed(2)} s`;

/** Writes the synthetic flows as CSV (with source and destination addresses), 10,000 rows per write. */
async function writeCsv(path, rows) {
  const ds = generateSyntheticFlows({ rows, seed: 7 });
  const out = createWriteStream(path);
  const header = ['src_ip', 'dst_ip', ...ds.features.map((f) => f.name)];
  out.write(`${header.join(',')}\n`);
  for (let start = 0; start < rows; start += 10_000) {
    let text = '';
    for (let r = start; r < Math.min(rows, start + 10_000); r++) {
      let line = `10.${(r >> 16) & 255}.${(r >> 8) & 255}.${r & 255},192.168.${r % 7}.${r % 251}`;
      for (let j = 0; j < ds.features.length; j++) {
        const v = ds.columns[j][r];
        const f = ds.features[j];
        line += `,${v !== v ? '' : f.categories ? f.categories[v] : v}`;
      }
      text += `${line}\n`;
    }
    if (!out.write(text)) await new Promise((resolve) => out.once('drain', resolve));
  }
  await new Promise((resolve, reject) => out.end((err) => (err ? reject(err) : resolve())));
}

/** The model `vigil demo` and the first `vigil start` train (demo-model.ts). */
async function demoModel(rows) {
  const dataset = generateSyntheticFlows({ rows: rows, seed: 42 });
  return (await trainDemoModel(dataset, { seed: 42 })).document;
}

/** The stages without a store: how fast the file is read, checked, parsed and scored. */
async function stages(path, document) {
  const r0 = performance.now();
  let lines = 0;
  for await (const piece of createReadStream(path, { highWaterMark: 1 << 20 })) {
    for (let i = piece.indexOf(10); i >= 0; i = piece.indexOf(10, i + 1)) lines++;
  }
  const readMs = performance.now() - r0;
  const t0 = performance.now();
  const file = await inspectBatchFile(path);
  const t1 = performance.now();
  let n = 0;
  for await (const chunk of readBatchRows(path, file.inspection, { chunkRows: 5000 }))
    n += chunk.items.length;
  const t2 = performance.now();
  const model = {
    id: document.id,
    kind: document.featureSpec.schema,
    version: 1,
    document,
    compiled: compileEnsemble(ensembleFromDocument(document)),
  };
  const scorer = flowBatchScorer(model);
  let scoreMs = 0;
  const t3 = performance.now();
  for await (const chunk of readBatchRows(path, file.inspection, { chunkRows: 5000 })) {
    const s = performance.now();
    scorer.score(chunk.items);
    scoreMs += performance.now() - s;
  }
  const t4 = performance.now();
  if (n !== file.rowsTotal) throw new Error(`read ${n} rows, counted ${file.rowsTotal}`);
  let m = 0;
  for await (const c of scoreInParallel({
    path,
    inspection: file.inspection,
    bomBytes: file.bom ? 3 : 0,
    batch: { id: 1, kind: model.kind },
    model,
    skipRows: 0,
    chunkRows: CHUNK_ROWS,
    workers: DEFAULT_SCORE_WORKERS,
  }))
    m += c.packed.rowCount;
  const t5 = performance.now();
  if (m !== n) throw new Error(`threads scored ${m} rows of ${n}`);
  // What explaining the alerts adds (as /predict/flows explains them): batches leave it to the
  // history copy, after 'done' (batch-alert-explanations.ts). After the threads, as the next stages.
  let explainedMs = 0;
  const flow = flowScorerFor(model);
  for await (const chunk of readBatchRows(path, file.inspection, { chunkRows: 5000 })) {
    const s = performance.now();
    flow.score(chunk.items, 'alerts');
    explainedMs += performance.now() - s;
  }
  // The job's own per-chunk step (score + pack results), without and with the alerts encoded for
  // history, on this thread: the difference is what history costs the scoring threads. It runs
  // after the threads: first, its ~450 MB of discarded strings slowed them threefold.
  const chunkMs = { packed: 0, withHistory: 0 };
  const { keys } = createRecordMapper(file.inspection);
  let historyBytes = 0;
  for await (const chunk of readBatchRows(path, file.inspection, { chunkRows: CHUNK_ROWS })) {
    let s = performance.now();
    scoreChunk({ id: 1, kind: model.kind }, scorer, chunk, false);
    chunkMs.packed += performance.now() - s;
    s = performance.now();
    historyBytes += scoreChunk({ id: 1, kind: model.kind }, scorer, chunk, true, keys).history?.length ?? 0;
    chunkMs.withHistory += performance.now() - s;
  }
  return {
    chunkMs,
    historyBytes,
    readMs,
    lines,
    inspectMs: t1 - t0,
    parseMs: t2 - t1,
    scoreMs,
    explainedMs,
    parseScoreMs: t4 - t3,
    parallelMs: t5 - t4,
  };
}

/** Starts the server process (server-process.mjs) for one run; resolves to it with { url, key }. */
function startServer(setup) {
  const child = fork(new URL('./server-process.mjs', import.meta.url), { execArgv: serverNodeFlags() });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the server process exited with ${code}`)));
    child.once('message', (msg) => (msg.error ? reject(new Error(msg.error)) : resolve({ child, ...msg })));
    child.send(setup);
  });
}

/**
 * Uploads the file to a served app (its own process, as `npm start` runs it), follows the batch to
 * its end from this process, as a client would; returns the timings.
 */
async function endToEnd(label, path, document, { databaseUrl, redisUrl, history }) {
  let dropDb;
  let serverDatabaseUrl;
  if (databaseUrl) {
    const name = `vigil_bench_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    const url = new URL(databaseUrl);
    url.pathname = `/${name}`;
    serverDatabaseUrl = url.toString();
    dropDb = async () => {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    };
  }
  let server;
  try {
    server = await startServer({ document, databaseUrl: serverDatabaseUrl, redisUrl, history });
    const base = server.url;
    const headers = { authorization: `Bearer ${server.key}` };

    // Sent as `vigil batch submit` sends it.
    const upload = await multipartFileBody({ name: 'bench' }, 'file', path, 'flows.csv');
    const t0 = performance.now();
    const res = await fetch(`${base}/api/v1/batches`, {
      method: 'POST',
      headers: { ...headers, ...upload.headers },
      body: upload.body,
      duplex: 'half',
    });
    const t1 = performance.now();
    if (res.status !== 201) throw new Error(`upload: ${res.status} ${await res.text()}`);
    const { batch } = await res.json();
    let b = batch;
    const poll = async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      b = await (await fetch(`${base}/api/v1/batches/${batch.id}`, { headers })).json();
    };
    while (!['done', 'failed', 'cancelled'].includes(b.state)) await poll();
    const t2 = performance.now();
    if (b.state !== 'done' || b.rowsDone !== ROWS)
      throw new Error(`${label}: batch ended ${b.state} with ${b.rowsDone} rows: ${b.error}`);
    const processMs = new Date(b.finishedAt).getTime() - new Date(b.startedAt).getTime();
    if (process.env.BENCH_DEBUG)
      console.log({
        t0: performance.timeOrigin + t0,
        t1: performance.timeOrigin + t1,
        t2: performance.timeOrigin + t2,
        created: Date.parse(b.createdAt),
        started: Date.parse(b.startedAt),
        finished: Date.parse(b.finishedAt),
      });
    // The alerts go into prediction history after the batch is done (batch-history.ts).
    while (b.history.state === 'pending') await poll();
    const t3 = performance.now();
    return {
      label,
      uploadMs: t1 - t0,
      totalMs: t2 - t0,
      processMs,
      historyMs: t3 - t2,
      alerts: b.history.rows,
    };
  } finally {
    if (server) {
      server.child.removeAllListeners('exit');
      const exited = new Promise((resolve) => server.child.once('exit', resolve));
      server.child.send('close');
      const stuck = setTimeout(() => server.child.kill(), 30_000);
      await exited;
      clearTimeout(stuck);
    }
    await dropDb?.();
  }
}

async function printStages(path, document) {
  const s = await stages(path, document);
  console.log('Stages in-process, no store:');
  console.log(
    `  reference: read the file, count lines (${fmt(s.lines)})            ${secs(s.readMs).padStart(9)}  ${fmt((ROWS / s.readMs) * 1000).padStart(11)} rows/s`,
  );
  console.log(
    `  validation pass (gunzip if any, UTF-8, binary, row count)  ${secs(s.inspectMs).padStart(9)}  ${fmt((ROWS / s.inspectMs) * 1000).padStart(11)} rows/s`,
  );
  console.log(
    `  parse + map to records                                      ${secs(s.parseMs).padStart(9)}  ${fmt((ROWS / s.parseMs) * 1000).padStart(11)} rows/s`,
  );
  console.log(
    `  score (encode, trees)                                       ${secs(s.scoreMs).padStart(9)}  ${fmt((ROWS / s.scoreMs) * 1000).padStart(11)} rows/s`,
  );
  console.log(
    `  score + explain alerts (done after 'done', with history)    ${secs(s.explainedMs).padStart(9)}  ${fmt((ROWS / s.explainedMs) * 1000).padStart(11)} rows/s`,
  );
  console.log(
    `  parse + map + score, one thread                             ${secs(s.parseScoreMs).padStart(9)}  ${fmt((ROWS / s.parseScoreMs) * 1000).padStart(11)} rows/s`,
  );
  console.log(
    `  job's chunk step: score + pack results                      ${secs(s.chunkMs.packed).padStart(9)}  ${fmt((ROWS / s.chunkMs.packed) * 1000).padStart(11)} rows/s`,
  );
  console.log(
    `  job's chunk step + alerts encoded for history (${fmt(s.historyBytes / 2 ** 20)} MiB) ${secs(s.chunkMs.withHistory).padStart(9)}  ${fmt((ROWS / s.chunkMs.withHistory) * 1000).padStart(11)} rows/s`,
  );
  console.log(
    `  parse + map + score, ${DEFAULT_SCORE_WORKERS} worker threads (chunks of ${fmt(CHUNK_ROWS)})      ${secs(s.parallelMs).padStart(9)}  ${fmt((ROWS / s.parallelMs) * 1000).padStart(11)} rows/s\n`,
  );
}

const dir = await mkdtemp(join(tmpdir(), 'vigil-bench-batch-data-'));
try {
  const path = join(dir, 'flows.csv');
  console.log(
    `bench:batch — ${fmt(ROWS)} synthetic flows, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), Node ${process.version}`,
  );
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
  console.log(`load average at start: ${load()} (1, 5, 15 min)`);
  let t = performance.now();
  await writeCsv(path, ROWS);
  console.log(
    `generated ${fmt((await stat(path)).size / 2 ** 20)} MiB CSV in ${secs(performance.now() - t)}`,
  );
  t = performance.now();
  const document = await demoModel(TRAIN_ROWS);
  console.log(
    `trained the demo model (${document.ensemble.trees.length} trees) in ${secs(performance.now() - t)}\n`,
  );

  if (process.env.BENCH_STAGES !== '0') await printStages(path, document);

  let targets = [
    ['embedded runner, PGlite, history none', { history: 'none' }],
    ['embedded runner, PGlite, alerts history', {}],
  ];
  if (DATABASE_URL) targets.push(['embedded runner, PostgreSQL', { databaseUrl: DATABASE_URL }]);
  else console.log('(PostgreSQL skipped: set TEST_DATABASE_URL)');
  if (REDIS_URL) targets.push(['BullMQ, PGlite store', { redisUrl: REDIS_URL }]);
  else console.log('(BullMQ skipped: set TEST_REDIS_URL)');
  if (REDIS_URL && DATABASE_URL)
    targets.push(['BullMQ, PostgreSQL', { redisUrl: REDIS_URL, databaseUrl: DATABASE_URL }]);

  if (process.env.BENCH_ONLY) targets = targets.filter(([label]) => label.includes(process.env.BENCH_ONLY));
  console.log('End to end (upload over HTTP → validated → job → done):');
  for (const [label, opts] of targets) {
    const r = await endToEnd(label, path, document, opts);
    console.log(
      `  ${label.padEnd(40)} total ${secs(r.totalMs).padStart(9)} = ${fmt((ROWS / r.totalMs) * 1000).padStart(8)} rows/s` +
        ` | upload+validation ${secs(r.uploadMs)} | job ${secs(r.processMs)} = ${fmt((ROWS / r.processMs) * 1000)} rows/s` +
        ` | ${fmt(r.alerts)} alerts in history ${r.alerts ? `${secs(r.historyMs)} after done ` : ''}| load ${load()}`,
    );
  }
  console.log(`\ntarget: ≥ ${fmt(TARGET)} rows/s embedded (end to end)`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
