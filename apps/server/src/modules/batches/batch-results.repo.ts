import { CompiledQuery, sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { PREDICTION_ROW_SELECTION, type PredictionRow } from '../predictions/predictions-query.repo.js';
import type { ChunkAggregates, PackedChunk, StoredChunk } from './batch-chunks.js';

/**
 * Stores a packed chunk with the length of its file of alerts awaiting history (batch-pending-alerts.ts,
 * null when none). Run it inside the checkpoint's transaction; a replay adds nothing.
 */
export async function insertChunk(
  db: Db,
  batchId: number,
  modelId: string,
  createdAt: Date,
  c: PackedChunk,
  historyBytes: number | null,
): Promise<void> {
  await db.executeQuery(
    CompiledQuery.raw(
      `insert into batch_result_chunks (batch_id, first_row, row_count, created_at, model_id, verdicts,
         probabilities, risk, category_idx, categories, tuples, aggregates, history_bytes)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) on conflict do nothing`,
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
        historyBytes,
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
  tuples: string;
  created_at: Date;
  model_id: string;
  /** Alerts not yet in history of a chunk stored before 0009 (batch-history.ts, as JSON text), else null. */
  history: string | null;
  /** Length of the chunk's file of alerts not yet in history (batch-pending-alerts.ts), else null. */
  history_bytes: number | null;
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
      sql<string>`convert_from(tuples, 'UTF8')`.as('tuples'),
      sql<string | null>`convert_from(history, 'UTF8')`.as('history'),
      'history_bytes',
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

export interface BatchResultRow extends PredictionRow {
  batch_row: number;
}

/** A batch's alerts stored in history, rows `from`..`to` (the unique (batch, row) index serves it). */
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
