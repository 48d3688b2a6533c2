import {
  createDatasetBuilder,
  generateSyntheticFlows,
  SYNTHETIC_FLOW_FEATURES,
  ZEEK_CONN_FIELDS,
  zeekConnSchema,
} from '@vigil/detect';
import { createModelDocument, fingerprintDataset, type ModelDocument, trainGbdt } from '@vigil/ml';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Db } from '../src/db/database.js';
import { decodeChunk } from '../src/modules/batches/batch-chunks.js';
import { decodeChunkHistory } from '../src/modules/batches/batch-history.js';
import { readPendingAlerts } from '../src/modules/batches/batch-pending-alerts.js';
import { selectChunks } from '../src/modules/batches/batch-results.repo.js';

/** A multipart/form-data body as a browser or curl sends it. */
export function multipart(
  fields: Record<string, string>,
  file?: { content: Buffer | string; filename?: string },
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----vigil${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  }
  if (file) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.filename ?? 'data.csv'}"\r\n` +
          'Content-Type: application/octet-stream\r\n\r\n',
      ),
      Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content),
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(parts),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

export const SYNTHETIC_HEADER = ['src_ip', 'dst_ip', ...SYNTHETIC_FLOW_FEATURES.map((f) => f.name)];

/** Rows of synthetic flows as CSV cells (with source/destination addresses for the top lists). */
export function syntheticRows(rows: number, seed: number): string[][] {
  const ds = generateSyntheticFlows({ rows, seed });
  const out: string[][] = [];
  for (let r = 0; r < rows; r++) {
    const cells = [`10.0.${r % 7}.${r % 200}`, `192.168.1.${r % 13}`];
    ds.features.forEach((f, j) => {
      const v = ds.columns[j][r];
      cells.push(v !== v ? '' : f.categories ? f.categories[v] : String(v));
    });
    out.push(cells);
  }
  return out;
}

export function toCsv(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  delimiter = ',',
): string {
  return `${[header, ...rows].map((r) => r.join(delimiter)).join('\n')}\n`;
}

export function syntheticCsv(rows: number, seed = 1): string {
  return toCsv(SYNTHETIC_HEADER, syntheticRows(rows, seed));
}

/** Zeek conn.log records, attacks being short rejected scans; `label` for training only. */
export function zeekRecords(n: number, seed = 1): Record<string, string>[] {
  let s = seed;
  const rand = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const out: Record<string, string>[] = [];
  for (let i = 0; i < n; i++) {
    const attack = rand() < 0.3;
    out.push({
      ts: String(1_700_000_000 + i),
      uid: `C${i.toString(36)}`,
      'id.orig_h': `10.1.${i % 5}.${(i * 7) % 250}`,
      'id.orig_p': String(40000 + (i % 2000)),
      'id.resp_h': `172.16.0.${i % 9}`,
      'id.resp_p': attack ? String(1 + Math.floor(rand() * 1024)) : rand() < 0.5 ? '443' : '80',
      proto: 'tcp',
      service: attack ? '-' : rand() < 0.5 ? 'ssl' : 'http',
      duration: attack ? '-' : (rand() * 10).toFixed(6),
      orig_bytes: attack ? '0' : String(Math.round(200 + rand() * 2000)),
      resp_bytes: attack ? '0' : String(Math.round(rand() * 50000)),
      conn_state: attack ? (rand() < 0.5 ? 'REJ' : 'S0') : 'SF',
      local_orig: 'T',
      local_resp: 'F',
      missed_bytes: '0',
      history: attack ? 'S' : 'ShADadfF',
      orig_pkts: attack ? '1' : String(5 + Math.floor(rand() * 20)),
      orig_ip_bytes: attack ? '44' : String(500 + Math.floor(rand() * 3000)),
      resp_pkts: attack ? '0' : String(5 + Math.floor(rand() * 40)),
      resp_ip_bytes: attack ? '0' : String(1000 + Math.floor(rand() * 60000)),
      tunnel_parents: '-',
      label: attack ? 'Malicious' : 'Benign',
    });
  }
  return out;
}

/** A Zeek ASCII conn.log with its # header lines. */
export function zeekTsv(records: readonly Record<string, string>[]): string {
  const lines = [
    '#separator \\x09',
    '#set_separator\t,',
    '#empty_field\t(empty)',
    '#unset_field\t-',
    '#path\tconn',
    '#open\t2026-01-01-00-00-00',
    `#fields\t${ZEEK_CONN_FIELDS.join('\t')}`,
    `#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]`,
    ...records.map((r) => ZEEK_CONN_FIELDS.map((f) => r[f]).join('\t')),
    '#close\t2026-01-01-01-00-00',
  ];
  return `${lines.join('\n')}\n`;
}

/** The same records as Zeek's JSON writer has them: typed values, unset fields left out. */
export function zeekJson(records: readonly Record<string, string>[]): string {
  const numeric = new Set([
    'ts',
    'id.orig_p',
    'id.resp_p',
    'duration',
    'orig_bytes',
    'resp_bytes',
    'missed_bytes',
    'orig_pkts',
    'orig_ip_bytes',
    'resp_pkts',
    'resp_ip_bytes',
  ]);
  return `${records
    .map((r) => {
      const o: Record<string, unknown> = {};
      for (const f of ZEEK_CONN_FIELDS) {
        const v = r[f];
        if (v === '-') continue;
        o[f] = numeric.has(f) ? Number(v) : f === 'local_orig' || f === 'local_resp' ? v === 'T' : v;
      }
      return JSON.stringify(o);
    })
    .join('\n')}\n`;
}

/** A small zeek-conn model trained on labelled generated records. */
export async function zeekModel(id: string): Promise<ModelDocument> {
  const header = [...ZEEK_CONN_FIELDS, 'label'];
  const builder = createDatasetBuilder(zeekConnSchema, { target: 'binary' });
  builder.setHeader(header);
  zeekRecords(600, 5).forEach((r, i) => {
    builder.pushRow(
      header.map((h) => r[h]),
      i + 2,
    );
  });
  const { dataset } = builder.finish();
  const { ensemble } = await trainGbdt(dataset, { nEstimators: 5, maxDepth: 3, seed: 1 });
  return createModelDocument({
    id,
    createdAt: '2026-01-01T00:00:00.000Z',
    ensemble,
    featureSpec: {
      schema: 'zeek-conn',
      schemaVersion: 1,
      features: [...dataset.features],
      preprocessing: {},
      target: { kind: 'binary', classNames: ['benign', 'attack'], positiveClass: 'attack' },
    },
    training: { params: { seed: 1 }, dataFingerprint: fingerprintDataset(dataset), rows: dataset.nRows },
    metrics: {},
  });
}

/** A synthetic-flows model good enough to flag attacks (the shared fixture is too small to). */
export async function syntheticBatchModel(id: string): Promise<ModelDocument> {
  const dataset = generateSyntheticFlows({ rows: 2000, seed: 11 });
  const { ensemble } = await trainGbdt(dataset, {
    nEstimators: 25,
    maxDepth: 4,
    learningRate: 0.3,
    seed: 11,
  });
  return createModelDocument({
    id,
    createdAt: '2026-01-01T00:00:00.000Z',
    ensemble,
    featureSpec: {
      schema: 'synthetic-flows',
      schemaVersion: 1,
      features: [...dataset.features],
      preprocessing: {},
      target: { kind: 'binary', classNames: ['benign', 'attack'], positiveClass: 'attack' },
    },
    training: { params: { seed: 11 }, dataFingerprint: fingerprintDataset(dataset), rows: dataset.nRows },
    metrics: {},
  });
}

/** Registers a model document straight into production through the API. */
export async function promote(
  app: FastifyInstance,
  admin: Record<string, string>,
  doc: ModelDocument,
): Promise<void> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/models?stage=production&reason=batch%20test',
    headers: admin,
    payload: doc as unknown as Record<string, unknown>,
  });
  if (res.statusCode !== 201) throw new Error(`register failed: ${res.statusCode} ${res.body}`);
}

/** Polls a batch until it is in one of `states` (for 'done': with its alerts written to history). */
export async function waitForBatch(
  app: FastifyInstance,
  headers: Record<string, string>,
  id: number,
  states: readonly string[] = ['done', 'failed', 'cancelled'],
  timeoutMs = 60_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await app.inject({ method: 'GET', url: `/api/v1/batches/${id}`, headers });
    const body = res.json();
    if (states.includes(body.state) && !(body.state === 'done' && body.history?.state === 'pending'))
      return body;
    if (Date.now() > deadline) throw new Error(`batch ${id} stuck: ${res.body}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * A batch's stored results: `n` results, `rows` distinct row numbers, lowest and highest row.
 * Throws unless every attack row has exactly one alert, either in history or still waiting in its
 * chunk's file (batch-pending-alerts.ts), and no other row has one.
 */
export async function storedResults(
  db: Db,
  id: number,
): Promise<{ n: number; rows: number; lo: number | null; hi: number | null }> {
  const rows: number[] = [];
  const attacks: number[] = [];
  const pending: number[] = [];
  const batch = await sql<{ file_path: string }>`select file_path from batches where id = ${id}`.execute(db);
  const upload = batch.rows[0].file_path;
  let after = 0;
  for (;;) {
    const chunks = await selectChunks(db, id, after, 50);
    for (const c of chunks) {
      for (const r of decodeChunk(c)) {
        rows.push(r.row);
        if (r.verdict === 'attack') attacks.push(r.row);
      }
      if (c.history_bytes !== null) {
        const spilled = readPendingAlerts(upload, Number(c.first_row), c.history_bytes);
        if (spilled === null) throw new Error(`batch ${id}: the alerts of chunk ${c.first_row} are lost`);
        for (const a of decodeChunkHistory(spilled)) pending.push(a[0]);
      }
      for (const a of decodeChunkHistory(c.history)) pending.push(a[0]);
      after = Number(c.first_row);
    }
    if (chunks.length < 50) break;
  }
  const alerts = (
    await sql<{ batch_row: number }>`
      select batch_row from predictions where batch_id = ${id} order by batch_row`.execute(db)
  ).rows.map((r) => r.batch_row);
  const all = [...alerts, ...pending].sort((a, b) => a - b);
  if (all.join() !== attacks.join()) {
    throw new Error(
      `batch ${id}: ${alerts.length} alerts in history and ${pending.length} waiting for ${attacks.length} attack rows`,
    );
  }
  return {
    n: rows.length,
    rows: new Set(rows).size,
    lo: rows.length ? Math.min(...rows) : null,
    hi: rows.length ? Math.max(...rows) : null,
  };
}
