import { rm } from 'node:fs/promises';
import { createRecordMapper, FileFormatError, type FileInspection, URL_BATCH_KIND } from '@vigil/detect';
import type { Db } from '../../db/database.js';
import { AppError } from '../../errors/app-error.js';
import { JobAbortError, type JobContext } from '../../jobs/job-queue.js';
import type { ActiveModels } from '../models/active-models.js';
import { scoreChunk } from './batch-chunk-scoring.js';
import { readBatchRows } from './batch-file-rows.js';
import { writeBatchHistory } from './batch-history.js';
import { scoreInParallel } from './batch-parallel.js';
import { type SpilledChunk, spillChunk } from './batch-pending-alerts.js';
import { insertChunk, selectStoredEnd } from './batch-results.repo.js';
import { type BatchScorer, resolveBatchScorer } from './batch-scorer.js';
import {
  BAD_ROWS_REPORTED,
  type BadRow,
  finishBatch,
  lockState,
  markRunning,
  RUNNABLE,
  saveCheckpoint,
  selectBatch,
  setState,
} from './batches.repo.js';

/** Rows scored and committed together; the checkpoint moves once per chunk. */
export const CHUNK_ROWS = 20_000;
/** Runs of one batch job before it fails for good (errors in between retry with backoff). */
export const BATCH_MAX_ATTEMPTS = 3;

export interface BatchProcessorDeps {
  db: Db;
  /** Production models; refreshed for the batch's kind when a run starts. */
  models: ActiveModels;
  clock: () => Date;
  chunkRows?: number;
  /** Worker threads scoring plain flow files (0: all in this thread, as tests of the sequence do). */
  scoreWorkers?: number;
  /**
   * History of a batch = its alerts (verdict attack) in `predictions`, tagged with the batch and
   * row, unless history is 'none'; every row's result is in the batch's chunks either way. The
   * alerts are written once the batch is done (batch-history.ts), in the same job run.
   */
  history?: 'all' | 'alerts' | 'none';
}

/**
 * The `batch.process` job: scores a batch's file from its checkpoint to the end. Each chunk's
 * packed results (batch_result_chunks, its alerts awaiting history in a file beside the upload:
 * batch-pending-alerts.ts) and the new checkpoint (rows done, bad rows) commit in one transaction, after a
 * locked look at the batch's state, so a cancelled batch stops at its next chunk and a crash
 * resumes exactly after the last commit (a chunk commits only when it starts right after the
 * last stored chunk, under the batch's row lock).
 * Problems with the file or the model fail the batch with a message; other errors are retried by
 * the queue up to BATCH_MAX_ATTEMPTS runs.
 */
export async function processBatch(
  deps: BatchProcessorDeps,
  batchId: number,
  ctx: JobContext,
): Promise<void> {
  const { db, models, clock } = deps;
  const initial = await selectBatch(db, batchId);
  if (initial?.state === 'done' && initial.history_state === 'pending') {
    // Scored before a crash or shutdown, its alerts not all in history yet: finish that.
    await writeBatchHistory(db, initial, ctx.signal, clock, models);
    return;
  }
  if (!initial || !RUNNABLE.includes(initial.state)) return;

  let scorer: BatchScorer;
  try {
    await models.refresh(initial.kind);
    scorer = resolveBatchScorer(models, initial.kind);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    await finishBatch(db, batchId, 'failed', RUNNABLE, clock(), { error: err.message });
    return;
  }
  const batch = await markRunning(db, batchId, scorer.model.id, clock(), deps.history !== 'none');
  if (!batch) return;

  // The checkpoint commits with the chunks; should it ever lag them, resume after the stored rows.
  let rowsDone = Math.max(Number(batch.rows_done), await selectStoredEnd(db, batchId));
  let rowsBad = Number(batch.rows_bad);
  const badRows: BadRow[] = [...batch.bad_rows];
  const chunkRows = deps.chunkRows ?? CHUNK_ROWS;

  /** Commits a scored chunk with the checkpoint; false when the run must stop (aborted, or no longer ours). */
  const commit = async (scored: SpilledChunk): Promise<boolean> => {
    const now = clock();
    if (ctx.signal.aborted) return false;
    const { packed, bad, historyBytes } = scored;
    const reported = badRows.length < BAD_ROWS_REPORTED && bad.length > 0;
    if (reported) badRows.push(...bad.slice(0, BAD_ROWS_REPORTED - badRows.length));
    const done = rowsDone + packed.rowCount;
    const committed = await db.transaction().execute(async (trx) => {
      if ((await lockState(trx, batchId))?.state !== 'running') return false;
      // Under the batch's lock, a chunk is stored only right after the last one: a run that lost
      // its lease to another stops here instead of storing rows twice.
      if ((await selectStoredEnd(trx, batchId)) !== packed.firstRow - 1) return false;
      await insertChunk(trx, batchId, scorer.model.id, now, packed, historyBytes);
      await saveCheckpoint(trx, batchId, {
        rowsDone: done,
        rowsBad: rowsBad + bad.length,
        badRows: reported ? badRows : undefined,
        now,
      });
      return true;
    });
    if (!committed) return false; // cancelled (or failed) elsewhere: stop at this checkpoint
    rowsDone = done;
    rowsBad += bad.length;
    return true;
  };
  const halt = () => (ctx.signal.aborted ? stopped(deps, batchId, ctx) : undefined);

  try {
    const format = batch.format as unknown as FileInspection & { gzip?: boolean; bom?: boolean };
    let sequential = true;
    // Plain flow files are split by line and scored in worker threads; gzip (no random access),
    // URL lists (small) and the rest of a file after a quoted line are read here, in order.
    if ((deps.scoreWorkers ?? 0) > 0 && !format.gzip && batch.kind !== URL_BATCH_KIND) {
      sequential = false;
      const scored = scoreInParallel({
        path: batch.file_path,
        inspection: format,
        bomBytes: format.bom ? 3 : 0,
        batch: { id: batchId, kind: batch.kind },
        model: scorer.model,
        skipRows: rowsDone,
        chunkRows,
        workers: deps.scoreWorkers ?? 0,
        alerts: deps.history !== 'none',
        signal: ctx.signal,
      });
      for await (const item of scored) {
        if ('quoted' in item) {
          sequential = true;
          break;
        }
        if (!(await commit(item))) return await halt();
      }
    }
    if (sequential) {
      const chunks = readBatchRows(batch.file_path, format, {
        skipRows: rowsDone,
        chunkRows,
        signal: ctx.signal,
      });
      const { keys } = createRecordMapper(format);
      for await (const chunk of chunks) {
        const scored = spillChunk(
          batch.file_path,
          scoreChunk(batch, scorer, chunk, deps.history !== 'none', keys),
        );
        if (!(await commit(scored))) return await halt();
      }
    }
  } catch (err) {
    if (ctx.signal.aborted) return stopped(deps, batchId, ctx);
    if (err instanceof FileFormatError || err instanceof AppError) {
      await finishBatch(db, batchId, 'failed', ['running'], clock(), {
        error: `row ${rowsDone + 1}: ${err.message}`,
      });
      return;
    }
    const message = err instanceof Error ? err.message : String(err);
    if (ctx.attempt >= BATCH_MAX_ATTEMPTS) {
      await finishBatch(db, batchId, 'failed', ['running'], clock(), { error: message });
    } else {
      await setState(
        db,
        batchId,
        'queued',
        ['running'],
        clock(),
        `run ${ctx.attempt} stopped (${message}); retrying`,
      );
    }
    throw err;
  }
  if (ctx.signal.aborted) return stopped(deps, batchId, ctx);
  if (await finishBatch(db, batchId, 'done', ['running'], clock(), { rowsTotal: rowsDone })) {
    // Results are in the store; the upload is not needed any more.
    await rm(batch.file_path, { force: true });
    // The batch is done for its users; its alerts follow into history in the same job run.
    if (deps.history !== 'none') await writeBatchHistory(db, batch, ctx.signal, clock, models);
  }
}

/** The signal aborted: a shutdown leaves the batch paused at its checkpoint; a cancel already set it. */
async function stopped(deps: BatchProcessorDeps, batchId: number, ctx: JobContext): Promise<void> {
  const reason = ctx.signal.reason;
  if (reason instanceof JobAbortError && reason.reason === 'shutdown') {
    await setState(deps.db, batchId, 'paused', ['running'], deps.clock());
  }
}
