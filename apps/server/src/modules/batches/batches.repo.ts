import type { Selectable } from 'kysely';
import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { BatchesTable, BatchState } from '../../db/schema.js';

export type BatchRow = Selectable<BatchesTable>;

/** One line of a batch's bad-row report. */
export interface BadRow {
  row: number;
  line: number;
  reason: string;
}

/** Rows reported per batch; further bad rows are only counted. */
export const BAD_ROWS_REPORTED = 1000;

/** States from which a batch can still run (a worker picks it up, or picks it up again). */
export const RUNNABLE: readonly BatchState[] = ['queued', 'running', 'paused'];
/** States a batch ends in. */
export const FINAL: readonly BatchState[] = ['done', 'failed', 'cancelled'];

export interface NewBatch {
  name: string;
  kind: string;
  filePath: string;
  fileBytes: number;
  format: Record<string, unknown>;
  rowsTotal: number;
  createdBy: string;
  createdAt: Date;
}

export async function insertBatch(db: Db, b: NewBatch): Promise<BatchRow> {
  return db
    .insertInto('batches')
    .values({
      name: b.name,
      kind: b.kind,
      file_path: b.filePath,
      file_bytes: b.fileBytes,
      format: JSON.stringify(b.format),
      state: 'queued',
      rows_total: b.rowsTotal,
      created_by: b.createdBy,
      created_at: b.createdAt,
      updated_at: b.createdAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function selectBatch(db: Db, id: number): Promise<BatchRow | undefined> {
  return db.selectFrom('batches').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Newest first; `before` pages on with the last id seen. */
export function selectBatches(db: Db, limit: number, before?: number): Promise<BatchRow[]> {
  let q = db.selectFrom('batches').selectAll();
  if (before !== undefined) q = q.where('id', '<', before);
  return q.orderBy('id', 'desc').limit(limit).execute();
}

/** Records the job that runs the batch (one per run: the first and each retry). */
export async function setJob(db: Db, id: number, jobId: string, runs: number): Promise<void> {
  await db.updateTable('batches').set({ job_id: jobId, runs }).where('id', '=', id).execute();
}

/**
 * Moves a runnable batch to `running` for a new run: notes when it started and from which row (for
 * rows/s), the model, and whether its alerts go to history. Returns the row, or undefined when the batch is no longer runnable.
 */
export function markRunning(
  db: Db,
  id: number,
  modelId: string,
  now: Date,
  history: boolean,
): Promise<BatchRow | undefined> {
  return db
    .updateTable('batches')
    .set({
      state: 'running',
      model_id: modelId,
      history_state: history ? 'pending' : 'off',
      error: null,
      started_at: sql`coalesce(started_at, ${now})`,
      run_started_at: now,
      run_start_rows: sql`rows_done`,
      updated_at: now,
    })
    .where('id', '=', id)
    .where('state', 'in', RUNNABLE)
    .returningAll()
    .executeTakeFirst();
}

/** Ends a batch as done, failed or cancelled when it is in one of `from`; true when it changed. */
export async function finishBatch(
  db: Db,
  id: number,
  to: 'done' | 'failed' | 'cancelled',
  from: readonly BatchState[],
  now: Date,
  values: { error?: string | null; rowsTotal?: number } = {},
): Promise<boolean> {
  const r = await db
    .updateTable('batches')
    .set({
      state: to,
      finished_at: now,
      updated_at: now,
      ...(values.error !== undefined ? { error: values.error } : {}),
      ...(values.rowsTotal !== undefined ? { rows_total: values.rowsTotal } : {}),
    })
    .where('id', '=', id)
    .where('state', 'in', from)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

/** Changes state (and the error note) when the batch is in one of `from`; true when it changed. */
export async function setState(
  db: Db,
  id: number,
  to: BatchState,
  from: readonly BatchState[],
  now: Date,
  error: string | null = null,
): Promise<boolean> {
  const r = await db
    .updateTable('batches')
    .set({ state: to, error, updated_at: now, ...(to === 'queued' ? { finished_at: null } : {}) })
    .where('id', '=', id)
    .where('state', 'in', from)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

/** Locks the batch row for the rest of the transaction and returns its state. */
export async function lockState(db: Db, id: number): Promise<{ state: BatchState } | undefined> {
  return db.selectFrom('batches').select('state').where('id', '=', id).forUpdate().executeTakeFirst();
}

/** The checkpoint written with each chunk's results. */
export async function saveCheckpoint(
  db: Db,
  id: number,
  values: { rowsDone: number; rowsBad: number; badRows?: BadRow[]; now: Date },
): Promise<void> {
  await db
    .updateTable('batches')
    .set({
      rows_done: values.rowsDone,
      rows_bad: values.rowsBad,
      updated_at: values.now,
      // The total was counted from lines; quoted line breaks make it an estimate, never less than done.
      rows_total: sql`greatest(rows_total, ${values.rowsDone})`,
      ...(values.badRows ? { bad_rows: JSON.stringify(values.badRows) } : {}),
    })
    .where('id', '=', id)
    .execute();
}
