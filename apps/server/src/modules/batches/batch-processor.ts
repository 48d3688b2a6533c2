import { rm } from 'node:fs/promises';
import { FileFormatError, type FileInspection } from '@vigil/detect';
import type { Db } from '../../db/database.js';
import { AppError } from '../../errors/app-error.js';
import { JobAbortError, type JobContext } from '../../jobs/job-queue.js';
import type { ActiveModels } from '../models/active-models.js';
import { readBatchRows } from './batch-file-rows.js';
import { type BatchPredictionInsert, insertBatchPredictions } from './batch-results.repo.js';
import { type BatchScorer, resolveBatchScorer } from './batch-scorer.js';
import {
  BAD_ROWS_REPORTED,
  type BadRow,
  type BatchRow,
  finishBatch,
  lockState,
  markRunning,
  RUNNABLE,
  saveCheckpoint,
  selectBatch,
  setState,
} from './batches.repo.js';

/** Rows scored and committed together; the checkpoint moves once per chunk. */
export const CHUNK_ROWS = 5000;
/** Runs of one batch job before it fails for good (errors in between retry with backoff). */
export const BATCH_MAX_ATTEMPTS = 3;

export interface BatchProcessorDeps {
  db: Db;
  /** Production models; refreshed for the batch's kind when a run starts. */
  models: ActiveModels;
  clock: () => Date;
  chunkRows?: number;
}

/** Scores one chunk: predictions to store and bad rows found. */
function scoreChunk(
  batch: BatchRow,
  scorer: BatchScorer,
  chunk: { firstRow: number; items: (Record<string, unknown> | string)[]; lines: number[] },
  now: Date,
): { inserts: BatchPredictionInsert[]; bad: BadRow[] } {
  const bad: BadRow[] = [];
  const records: Record<string, unknown>[] = [];
  const rows: number[] = [];
  chunk.items.forEach((item, i) => {
    if (typeof item === 'string') bad.push({ row: chunk.firstRow + i, line: chunk.lines[i], reason: item });
    else {
      records.push(item);
      rows.push(i);
    }
  });
  const results = scorer.score(records);
  const inserts: BatchPredictionInsert[] = [];
  const source = `batch:${batch.id}`;
  for (let j = 0; j < results.length; j++) {
    const r = results[j];
    const i = rows[j];
    if (typeof r === 'string') {
      bad.push({ row: chunk.firstRow + i, line: chunk.lines[i], reason: r });
      continue;
    }
    const tuple = scorer.tuple(records[j]);
    inserts.push({
      createdAt: now,
      modelId: r.modelId,
      kind: batch.kind,
      verdict: r.verdict,
      probability: r.probability,
      category: r.category,
      riskScore: r.riskScore,
      srcIp: tuple.srcIp,
      dstIp: tuple.dstIp,
      srcPort: tuple.srcPort,
      dstPort: tuple.dstPort,
      protocol: tuple.protocol,
      source,
      topFeatures: r.topFeatures,
      record: scorer.stored(records[j], r),
      batchId: batch.id,
      batchRow: chunk.firstRow + i,
    });
  }
  bad.sort((a, b) => a.row - b.row);
  return { inserts, bad };
}

/**
 * The `batch.process` job: scores a batch's file from its checkpoint to the end. Each chunk's
 * predictions and the new checkpoint (rows done, bad rows) commit in one transaction, after a
 * locked look at the batch's state, so a cancelled batch stops at its next chunk and a crash
 * resumes exactly after the last commit (the unique (batch, row) index absorbs a replayed chunk).
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
  const batch = await markRunning(db, batchId, scorer.model.id, clock());
  if (!batch) return;

  let rowsDone = Number(batch.rows_done);
  let rowsBad = Number(batch.rows_bad);
  const badRows: BadRow[] = [...batch.bad_rows];
  try {
    const chunks = readBatchRows(batch.file_path, batch.format as unknown as FileInspection, {
      skipRows: rowsDone,
      chunkRows: deps.chunkRows ?? CHUNK_ROWS,
      signal: ctx.signal,
    });
    for await (const chunk of chunks) {
      const now = clock();
      const { inserts, bad } = scoreChunk(batch, scorer, chunk, now);
      if (ctx.signal.aborted) break;
      const reported = badRows.length < BAD_ROWS_REPORTED && bad.length > 0;
      if (reported) badRows.push(...bad.slice(0, BAD_ROWS_REPORTED - badRows.length));
      const done = rowsDone + chunk.items.length;
      const committed = await db.transaction().execute(async (trx) => {
        if ((await lockState(trx, batchId)) !== 'running') return false;
        await insertBatchPredictions(trx, inserts);
        await saveCheckpoint(trx, batchId, {
          rowsDone: done,
          rowsBad: rowsBad + bad.length,
          badRows: reported ? badRows : undefined,
          now,
        });
        return true;
      });
      if (!committed) return; // cancelled (or failed) elsewhere: stop at this checkpoint
      rowsDone = done;
      rowsBad += bad.length;
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
  }
}

/** The signal aborted: a shutdown leaves the batch paused at its checkpoint; a cancel already set it. */
async function stopped(deps: BatchProcessorDeps, batchId: number, ctx: JobContext): Promise<void> {
  const reason = ctx.signal.reason;
  if (reason instanceof JobAbortError && reason.reason === 'shutdown') {
    await setState(deps.db, batchId, 'paused', ['running'], deps.clock());
  }
}
