import type { FlowTuple } from '@vigil/detect';
import { CompiledQuery } from 'kysely';
import type { Db } from '../../db/database.js';
import type { ActiveModels } from '../models/active-models.js';
import { jsonForStore } from '../scoring/scoring.repo.js';
import { explainPendingAlerts } from './batch-alert-explanations.js';
import { decodeChunk } from './batch-chunks.js';
import {
  decodePendingAlerts,
  isBinaryPendingAlerts,
  type PendingAlerts,
  readPendingAlerts,
  removePendingAlerts,
} from './batch-pending-alerts.js';
import { selectChunks } from './batch-results.repo.js';
import type { BatchPrediction } from './batch-scorer.js';

/**
 * History follows the batch (migration 0008). While a batch is scored, each chunk's alerts wait in a
 * file beside the upload (batch-pending-alerts.ts; chunks stored before 0009 keep them in
 * `batch_result_chunks.history`); once the batch is done, {@link writeBatchHistory} moves them into
 * `predictions`. Why: inserting into the indexed `predictions` table costs ~50–80 µs a row on
 * PGlite, several times the scoring, and a batch's results do not need it to be complete and
 * downloadable.
 *
 * A chunk's history is copied from a few JSON documents, one a line, written here from its file
 * (binary: batch-pending-alerts.ts; files spilled before that format hold these documents
 * themselves), `{"keys": [...] | null, "alerts": [alert, ...]}` with up to HISTORY_PART_ALERTS
 * alerts each, copied one per transaction: the store is busy for a
 * part's copy (~50 ms), not a whole chunk's (~350 ms on PGlite), so requests meanwhile barely wait.
 * One alert is a JSON array, in this order (HistoryAlert):
 *   [row, verdict, probability, category, riskScore, srcIp, dstIp, srcPort, dstPort, protocol,
 *    topFeatures, record]
 * With `keys` (a delimited file: every record has these keys, with string values), an alert's record
 * is written as its values alone, in the keys' order: the record's keys were a quarter of an alert's
 * bytes, to encode, store and copy. (Chunks stored before 0009 hold a plain array of alerts with
 * records as objects; both forms are read.)
 */
/** Alerts in one part of a chunk's history (one copy transaction). */
export const HISTORY_PART_ALERTS = 1000;

export type HistoryAlert = [
  row: number,
  verdict: string,
  probability: number,
  category: string | null,
  riskScore: number,
  srcIp: string | null,
  dstIp: string | null,
  srcPort: number | null,
  dstPort: number | null,
  protocol: string | null,
  topFeatures: unknown[],
  record: Record<string, unknown>,
];

/**
 * One alert as an element of a chunk's `alerts` (see HistoryAlert), to be written by
 * {@link chunkHistoryJson}. With `keys`, `record` holds them all and only its values are kept (it
 * may be those values already, in the keys' order).
 */
export function historyAlert(
  row: number,
  p: Pick<BatchPrediction, 'verdict' | 'probability' | 'category' | 'riskScore' | 'topFeatures'>,
  t: FlowTuple,
  record: unknown,
  keys: readonly string[] | null = null,
): unknown[] {
  let stored = record;
  if (keys !== null && !Array.isArray(record)) {
    const fields = record as Record<string, unknown>;
    const values = new Array<unknown>(keys.length);
    for (let k = 0; k < keys.length; k++) values[k] = fields[keys[k]];
    stored = values;
  }
  return [
    row,
    p.verdict,
    p.probability,
    p.category,
    p.riskScore,
    t.srcIp,
    t.dstIp,
    t.srcPort,
    t.dstPort,
    t.protocol,
    p.topFeatures,
    stored,
  ];
}

/**
 * A chunk's history document (see the top of this file). One stringify for the whole chunk: a
 * string per alert, joined, cost the scoring threads half as much again, most of it in GC.
 * (Undefined fields become null, as JSON arrays write them.)
 */
export function chunkHistoryJson(alerts: readonly unknown[][], keys: readonly string[] | null): string {
  let text = '';
  for (let i = 0; i < alerts.length; i += HISTORY_PART_ALERTS) {
    text += `${jsonForStore({ keys, alerts: alerts.slice(i, i + HISTORY_PART_ALERTS) })}\n`;
  }
  return text;
}

/**
 * The parts of a chunk's history (one JSON document each): JSON text has no raw line feed, so a
 * part ends at each. Subarrays: nothing is copied.
 */
export function historyParts(bytes: Uint8Array): Uint8Array[] {
  const parts: Uint8Array[] = [];
  let start = 0;
  for (let end = bytes.indexOf(10); end >= 0; end = bytes.indexOf(10, start)) {
    if (end > start) parts.push(bytes.subarray(start, end));
    start = end + 1;
  }
  if (start < bytes.length) parts.push(bytes.subarray(start));
  return parts;
}

/**
 * The alerts of a chunk awaiting history, as they were written: its file's bytes (binary, or JSON
 * written before that format), or a chunk's `history` column stored before 0009. Records come back
 * as objects. Alerts of flow batches come without top features: see {@link readChunkAlerts}.
 */
export function decodeChunkHistory(history: string | Uint8Array | null): HistoryAlert[] {
  if (!history) return [];
  return recordObjects(decodeAny(history));
}

/**
 * The alerts of a chunk awaiting history (see {@link decodeChunkHistory}), explained if they were
 * written without (batch-alert-explanations.ts) by the chunk's model `modelId`. Records come back
 * as objects. The results export reads them so before they are in history.
 */
export async function readChunkAlerts(
  db: Db,
  history: string | Uint8Array,
  modelId: string,
  loaded?: ActiveModels,
): Promise<HistoryAlert[]> {
  return recordObjects(await explainPendingAlerts(db, decodeAny(history), modelId, loaded));
}

function decodeAny(history: string | Uint8Array): PendingAlerts {
  const bytes = typeof history === 'string' ? Buffer.from(history, 'utf8') : history;
  if (isBinaryPendingAlerts(bytes)) return decodePendingAlerts(bytes);
  const alerts = historyParts(bytes).flatMap((part) => decodeHistoryPart(Buffer.from(part).toString('utf8')));
  return { keys: null, alerts, explained: true };
}

const recordObjects = ({ keys, alerts }: PendingAlerts): HistoryAlert[] =>
  keys === null ? alerts : alerts.map((a) => withRecordObject(a, keys));

/**
 * The history documents (see the top of this file) of a chunk's pending alerts: a binary file's
 * alerts are explained (if they were not) and written as JSON here, after the batch is done, rather
 * than by the scoring threads.
 */
async function historyDocuments(
  db: Db,
  bytes: Uint8Array,
  modelId: string,
  loaded?: ActiveModels,
): Promise<Uint8Array[]> {
  if (!isBinaryPendingAlerts(bytes)) return historyParts(bytes);
  const { keys, alerts } = await explainPendingAlerts(db, decodePendingAlerts(bytes), modelId, loaded);
  return historyParts(utf8.encode(chunkHistoryJson(alerts, keys)));
}

const utf8 = new TextEncoder();

/** An alert whose record is values under `keys`, with the record as an object. */
function withRecordObject(a: unknown[], keys: readonly string[]): HistoryAlert {
  const values = a[11] as unknown[];
  const record: Record<string, unknown> = {};
  for (let k = 0; k < keys.length; k++) record[keys[k]] = values[k];
  return [...a.slice(0, 11), record] as HistoryAlert;
}

function decodeHistoryPart(text: string): HistoryAlert[] {
  const doc = JSON.parse(text) as HistoryAlert[] | { keys: string[] | null; alerts: unknown[][] };
  if (Array.isArray(doc)) return doc;
  const { keys, alerts } = doc;
  if (keys === null) return alerts as HistoryAlert[];
  return alerts.map((a) => withRecordObject(a, keys));
}

// One statement per part of a chunk's history ($5; null: the chunk's own column, stored before
// 0009): the alerts go from the JSON into `predictions` inside the database, with no round trip
// through JavaScript. The document is parsed once (materialized: inlined, PostgreSQL parsed it again
// for every alert); (batch_id, batch_row) is unique, so a part copied again after a crash adds nothing.
const COPY_CHUNK = `
  with chunk as materialized (
    select c.created_at, c.model_id, c.batch_id, convert_from(coalesce($5::bytea, c.history), 'UTF8')::jsonb as doc
    from batch_result_chunks c
    where c.batch_id = $1 and c.first_row = $2
  ), parts as materialized (
    select created_at, model_id, batch_id,
      case when jsonb_typeof(doc->'keys') = 'array'
        then array(select jsonb_array_elements_text(doc->'keys')) end as keys,
      case when jsonb_typeof(doc) = 'array' then doc else doc->'alerts' end as alerts
    from chunk
  ), copied as (
    insert into predictions (created_at, model_id, kind, verdict, probability, category, risk_score,
      src_ip, dst_ip, src_port, dst_port, protocol, source, top_features, record, batch_id, batch_row)
    select p.created_at, p.model_id, $3, a->>1, (a->>2)::float8, a->>3, (a->>4)::int,
      a->>5, a->>6, (a->>7)::int, (a->>8)::int, a->>9, $4, a->10,
      case when p.keys is null then a->11
        else jsonb_object(p.keys, array(select jsonb_array_elements_text(a->11))) end,
      p.batch_id, (a->>0)::int
    from parts p, jsonb_array_elements(p.alerts) a
    on conflict (batch_id, batch_row) do nothing
    returning 1
  )
  select count(*)::int as n from copied`;

/**
 * Moves a done batch's alerts from its chunks' files (batch-pending-alerts.ts; a chunk stored before
 * 0009 holds them itself) into `predictions`, one chunk per transaction, then removes the files and
 * marks its history written. Resumable at any point: a chunk's copy and the clearing of its pending
 * mark commit together. A chunk whose file is gone still gets its alerts into history, from its
 * results, without explanation or input record. Returns false when `signal` stopped it first (the
 * job runs it again).
 */
export async function writeBatchHistory(
  db: Db,
  batch: { id: number; kind: string; file_path: string },
  signal: AbortSignal,
  now: () => Date,
  /** The production models of this process: alerts are explained with one of them if it is theirs. */
  loaded?: ActiveModels,
): Promise<boolean> {
  const source = `batch:${batch.id}`;
  for (;;) {
    // PGlite answers from WebAssembly through promises alone: without a turn of the event loop
    // between chunks, requests waiting on a socket (the batch's own progress) would wait for all of them.
    await new Promise((resolve) => setImmediate(resolve));
    if (signal.aborted) return false;
    const next = await db
      .selectFrom('batch_result_chunks')
      .select(['first_row', 'history_bytes', 'model_id'])
      .where('batch_id', '=', batch.id)
      .where((eb) => eb.or([eb('history', 'is not', null), eb('history_bytes', 'is not', null)]))
      .orderBy('first_row')
      .limit(1)
      .executeTakeFirst();
    if (!next) break;
    const firstRow = Number(next.first_row);
    // [null]: one copy from the chunk's own column (stored before 0009).
    let parts: (Uint8Array | null)[] = [null];
    if (next.history_bytes !== null) {
      const bytes =
        readPendingAlerts(batch.file_path, firstRow, next.history_bytes) ??
        (await alertsFromResults(db, batch.id, firstRow));
      parts = await historyDocuments(db, bytes, next.model_id, loaded);
    }
    // A part copied again after a crash adds nothing; the chunk is marked written with its last part.
    for (let p = 0; p < parts.length; p++) {
      if (p > 0) {
        await new Promise((resolve) => setImmediate(resolve));
        if (signal.aborted) return false;
      }
      await db.transaction().execute(async (trx) => {
        const copied = await trx.executeQuery<{ n: number }>(
          CompiledQuery.raw(COPY_CHUNK, [batch.id, firstRow, batch.kind, source, parts[p]]),
        );
        if (p === parts.length - 1) {
          await trx
            .updateTable('batch_result_chunks')
            .set({ history: null, history_bytes: null })
            .where('batch_id', '=', batch.id)
            .where('first_row', '=', firstRow)
            .execute();
        }
        await trx
          .updateTable('batches')
          .set((eb) => ({ history_rows: eb('history_rows', '+', copied.rows[0]?.n ?? 0), updated_at: now() }))
          .where('id', '=', batch.id)
          .execute();
      });
    }
  }
  await removePendingAlerts(batch.file_path);
  await db
    .updateTable('batches')
    .set({ history_state: 'written', updated_at: now() })
    .where('id', '=', batch.id)
    .where('history_state', '=', 'pending')
    .execute();
  return true;
}

/** A chunk's alerts from its packed results alone (its file is gone): no explanation, no input record. */
async function alertsFromResults(db: Db, batchId: number, firstRow: number): Promise<Uint8Array> {
  const [chunk] = await selectChunks(db, batchId, firstRow - 1, 1);
  const alerts: unknown[][] = [];
  for (const r of chunk ? decodeChunk(chunk) : []) {
    if (r.verdict !== 'attack') continue;
    const t = {
      srcIp: r.srcIp,
      dstIp: r.dstIp,
      srcPort: r.srcPort,
      dstPort: r.dstPort,
      protocol: r.protocol,
    };
    // A URL list's history record is the URL and its domain, which the results hold.
    const record = r.url === null ? {} : { url: r.url, domain: r.domain };
    alerts.push(historyAlert(r.row, { ...r, topFeatures: [] }, t, record));
  }
  return utf8.encode(chunkHistoryJson(alerts, null));
}
