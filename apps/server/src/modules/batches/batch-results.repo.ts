import { CompiledQuery, sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { PREDICTION_ROW_SELECTION, type PredictionRow } from '../predictions/predictions-query.repo.js';
import { jsonForStore, type PredictionInsert } from '../scoring/scoring.repo.js';
import type { ChunkAggregates, PackedChunk, StoredChunk } from './batch-chunks.js';

/** A batch row's prediction as stored in history: a history row tagged with its batch and row. */
export interface BatchPredictionInsert extends Omit<PredictionInsert, 'eventKey'> {
  batchId: number;
  batchRow: number;
  /** `record` and `topFeatures` already as JSON (set by scoring threads; the fields are ignored then). */
  recordJson?: string;
  topFeaturesJson?: string;
}

const COLUMNS = [
  'created_at',
  'model_id',
  'kind',
  'verdict',
  'probability',
  'category',
  'risk_score',
  'src_ip',
  'dst_ip',
  'src_port',
  'dst_port',
  'protocol',
  'source',
  'top_features',
  'record',
  'batch_id',
  'batch_row',
] as const;

/** Rows per INSERT: 17 parameters each, under PostgreSQL's 65,535. */
export const BATCH_INSERT_ROWS = 2500;

const statements = new Map<number, string>();

// Kysely's builder costs ~13 µs a row to compile a 1,000-row VALUES list, as much as the insert
// itself; the statement text depends only on the row count, so it is built once and reused.
function insertStatement(rows: number): string {
  let text = statements.get(rows);
  if (text) return text;
  const tuples: string[] = new Array(rows);
  let p = 1;
  for (let r = 0; r < rows; r++) {
    const cells: string[] = new Array(COLUMNS.length);
    for (let c = 0; c < COLUMNS.length; c++) cells[c] = `$${p++}`;
    tuples[r] = `(${cells.join(',')})`;
  }
  text = `insert into predictions (${COLUMNS.join(', ')}) values ${tuples.join(',')} on conflict (batch_id, batch_row) do nothing`;
  if (statements.size < 16) statements.set(rows, text);
  return text;
}

/**
 * Stores a chunk of a batch's predictions. Idempotent: a (batch, row) already stored is left as
 * it is, so a chunk written again after a crash adds nothing. Run it inside the checkpoint's
 * transaction.
 */
export async function insertBatchPredictions(db: Db, rows: readonly BatchPredictionInsert[]): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH_INSERT_ROWS) {
    const part = rows.slice(i, i + BATCH_INSERT_ROWS);
    const params: unknown[] = new Array(part.length * COLUMNS.length);
    let k = 0;
    for (const p of part) {
      params[k++] = p.createdAt;
      params[k++] = p.modelId;
      params[k++] = p.kind;
      params[k++] = p.verdict;
      params[k++] = p.probability;
      params[k++] = p.category;
      params[k++] = p.riskScore;
      params[k++] = p.srcIp;
      params[k++] = p.dstIp;
      params[k++] = p.srcPort;
      params[k++] = p.dstPort;
      params[k++] = p.protocol;
      params[k++] = p.source;
      params[k++] = p.topFeaturesJson ?? (p.topFeatures.length === 0 ? '[]' : jsonForStore(p.topFeatures));
      params[k++] = p.recordJson ?? jsonForStore(p.record);
      params[k++] = p.batchId;
      params[k++] = p.batchRow;
    }
    await db.executeQuery(CompiledQuery.raw(insertStatement(part.length), params));
  }
}

/** Stores a packed chunk (run it inside the checkpoint's transaction); a replay adds nothing. */
export async function insertChunk(
  db: Db,
  batchId: number,
  modelId: string,
  createdAt: Date,
  c: PackedChunk,
): Promise<void> {
  await db.executeQuery(
    CompiledQuery.raw(
      `insert into batch_result_chunks (batch_id, first_row, row_count, created_at, model_id, verdicts,
         probabilities, risk, category_idx, categories, tuples, aggregates)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) on conflict do nothing`,
      [
        batchId,
        c.firstRow,
        c.rowCount,
        createdAt,
        modelId,
        c.verdicts,
        c.probabilities,
        c.risk,
        c.categoryIdx,
        JSON.stringify(c.categories),
        c.tuples,
        JSON.stringify(c.aggregates),
      ],
    ),
  );
}

/** The last row with a stored chunk (0 when none): results are the truth about where a batch is. */
export async function selectStoredEnd(db: Db, batchId: number): Promise<number> {
  const row = await db
    .selectFrom('batch_result_chunks')
    .select(['first_row', 'row_count'])
    .where('batch_id', '=', batchId)
    .orderBy('first_row', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? Number(row.first_row) + Number(row.row_count) - 1 : 0;
}

/** A stored chunk with what the export needs besides the packed rows. */
export interface ChunkRow extends StoredChunk {
  created_at: Date;
  model_id: string;
}

/** The next `limit` chunks of a batch after row `afterRow`, in row order (primary key order). */
export function selectChunks(db: Db, batchId: number, afterRow: number, limit: number): Promise<ChunkRow[]> {
  return db
    .selectFrom('batch_result_chunks')
    .select([
      'first_row',
      'row_count',
      'created_at',
      'model_id',
      'verdicts',
      'probabilities',
      'risk',
      'category_idx',
      'categories',
      'tuples',
    ])
    .where('batch_id', '=', batchId)
    .where('first_row', '>', afterRow)
    .orderBy('first_row')
    .limit(limit)
    .execute() as Promise<ChunkRow[]>;
}

/** The aggregates of all of a batch's chunks (one small JSON document per chunk). */
export async function selectChunkAggregates(db: Db, batchId: number): Promise<ChunkAggregates[]> {
  const rows = await db
    .selectFrom('batch_result_chunks')
    .select('aggregates')
    .where('batch_id', '=', batchId)
    .execute();
  return rows.map((r) => r.aggregates as unknown as ChunkAggregates);
}

/** A batch's alerts stored in history, rows `from`..`to` (the unique (batch, row) index serves it). */

export interface BatchResultRow extends PredictionRow {
  batch_row: number;
}

/** One page of a batch's results in row order, after row `afterRow` (the unique index serves it). */
export function selectBatchAlerts(
  db: Db,
  batchId: number,
  from: number,
  to: number,
): Promise<BatchResultRow[]> {
  return db
    .selectFrom('predictions')
    .select([...PREDICTION_ROW_SELECTION, sql<number>`batch_row`.as('batch_row')])
    .where('batch_id', '=', batchId)
    .where('batch_row', '>=', from)
    .where('batch_row', '<=', to)
    .orderBy('batch_row')
    .execute() as Promise<BatchResultRow[]>;
}
