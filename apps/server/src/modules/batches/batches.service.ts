import { rm } from 'node:fs/promises';
import { basename } from 'node:path';
import type { BatchInspection } from '@vigil/contracts';
import { FileFormatError, type FileFormatErrorCode } from '@vigil/detect';
import type { Db } from '../../db/database.js';
import { AppError } from '../../errors/app-error.js';
import type { JobQueue } from '../../jobs/job-queue.js';
import type { ActiveModels } from '../models/active-models.js';
import { type InspectedBatchFile, inspectBatchFile } from './batch-file-inspect.js';
import { BATCH_MAX_ATTEMPTS } from './batch-processor.js';
import { resolveBatchScorer } from './batch-scorer.js';
import { type BatchSummary, summariseBatch } from './batch-summary.js';
import type { ReceivedUpload } from './batch-upload.js';
import {
  type BatchRow,
  finishBatch,
  insertBatch,
  RUNNABLE,
  selectBatch,
  selectBatches,
  setJob,
  setState,
} from './batches.repo.js';

export interface BatchesDeps {
  db: Db;
  jobs: JobQueue;
  activeModels: ActiveModels;
  clock: () => Date;
  /** Most bytes a file may hold once decompressed (VIGIL_UPLOAD_CONTENT_LIMIT); none when unset. */
  contentLimit?: number;
}

// Problems with how the file maps onto a model are 422; problems with the bytes themselves 400.
const MAPPING: ReadonlySet<FileFormatErrorCode> = new Set([
  'unknown-schema',
  'missing-columns',
  'duplicate-column',
  'no-url-column',
]);

/** A FileFormatError as the API reports it: 400 for the content, 422 for the header mapping, 413 for its size. */
export function fileError(err: FileFormatError): AppError {
  const code =
    err.code === 'content-too-large'
      ? 'PAYLOAD_TOO_LARGE'
      : MAPPING.has(err.code)
        ? 'SCHEMA_MISMATCH'
        : 'VALIDATION_FAILED';
  return new AppError(code, err.message, {
    path: 'file',
    reason: err.code,
    ...err.details,
  });
}

/** The inspection as the upload response shows it. */
export function inspectionDto(f: InspectedBatchFile): BatchInspection {
  const i = f.inspection;
  return {
    layout: i.layout,
    kind: i.kind,
    schema: i.schema,
    confidence: i.confidence,
    delimiter: i.delimiter,
    header: [...i.header],
    headerRow: i.headerRow,
    gzip: f.gzip,
    bom: f.bom,
    rowsTotal: f.rowsTotal,
    columns: {
      used: i.used.map((u) => u.name),
      unknown: [...i.unknown],
      optionalMissing: [...i.optionalMissing],
    },
    urlColumn: i.urlColumn,
    preview: { columns: [...i.preview.columns], rows: i.preview.rows.map((r) => [...r]) },
  };
}

const jobIdOf = (batchId: number, run: number) => `batch-${batchId}-${run}`;

/** Batches: create from an upload, read with progress, cancel, retry, summarise. */
export class BatchesService {
  constructor(private readonly deps: BatchesDeps) {}

  /**
   * Validates an uploaded file and queues its batch. Any problem (file, header, no production
   * model) deletes the upload and throws; nothing is stored then.
   */
  async create(
    upload: ReceivedUpload,
    actor: string,
  ): Promise<{ batch: BatchRow; file: InspectedBatchFile }> {
    const { db, activeModels, clock } = this.deps;
    let file: InspectedBatchFile;
    let batch: BatchRow;
    try {
      const { schema, urlColumn } = upload.fields;
      try {
        file = await inspectBatchFile(upload.path, {
          schema,
          urlColumn,
          maxContentBytes: this.deps.contentLimit,
        });
      } catch (err) {
        throw err instanceof FileFormatError ? fileError(err) : err;
      }
      // Refuse now rather than fail in the background: the kind needs a production model.
      resolveBatchScorer(activeModels, file.inspection.schema);
      const name = (upload.fields.name ?? (basename(upload.filename || '') || 'upload')).slice(0, 200);
      batch = await insertBatch(db, {
        name,
        kind: file.inspection.schema,
        filePath: upload.path,
        fileBytes: upload.bytes,
        format: { ...file.inspection, gzip: file.gzip, bom: file.bom, contentBytes: file.contentBytes },
        rowsTotal: file.rowsTotal,
        createdBy: actor,
        createdAt: clock(),
      });
    } catch (err) {
      await rm(upload.path, { force: true });
      throw err;
    }
    const id = Number(batch.id);
    await this.enqueue(id, 1);
    return { batch: (await selectBatch(db, id))!, file };
  }

  private async enqueue(id: number, run: number): Promise<void> {
    const jobId = jobIdOf(id, run);
    try {
      await this.deps.jobs.enqueue(
        'batch.process',
        { batchId: id },
        { jobId, maxAttempts: BATCH_MAX_ATTEMPTS },
      );
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      await finishBatch(this.deps.db, id, 'failed', RUNNABLE, this.deps.clock(), {
        error: `could not queue the batch: ${why}`,
      });
      throw err;
    }
    await setJob(this.deps.db, id, jobId, run);
  }

  list(limit: number, before?: number): Promise<BatchRow[]> {
    return selectBatches(this.deps.db, limit, before);
  }

  async get(id: number): Promise<BatchRow> {
    const batch = await selectBatch(this.deps.db, id);
    if (!batch) throw new AppError('NOT_FOUND', `no batch ${id}`);
    return batch;
  }

  /** Stops a queued, running or paused batch; a running one stops at its next checkpoint. */
  async cancel(id: number): Promise<BatchRow> {
    const batch = await this.get(id);
    const { db, jobs, clock } = this.deps;
    if (!(await finishBatch(db, id, 'cancelled', RUNNABLE, clock()))) {
      throw new AppError(
        'CONFLICT',
        `batch ${id} is ${batch.state}; only queued, running or paused batches can be cancelled`,
      );
    }
    if (batch.job_id) await jobs.cancel(batch.job_id);
    return this.get(id);
  }

  /** Queues a failed or cancelled batch again; it continues from its checkpoint. */
  async retry(id: number): Promise<BatchRow> {
    const batch = await this.get(id);
    const { db, clock } = this.deps;
    if (!(await setState(db, id, 'queued', ['failed', 'cancelled'], clock()))) {
      throw new AppError(
        'CONFLICT',
        `batch ${id} is ${batch.state}; only failed or cancelled batches can be retried`,
      );
    }
    await this.enqueue(id, batch.runs + 1);
    return this.get(id);
  }

  async summary(id: number): Promise<BatchSummary> {
    const batch = await this.get(id);
    return summariseBatch(this.deps.db, id, {
      urls: batch.kind === 'url',
      badRows: batch.bad_rows,
      rowsBad: Number(batch.rows_bad),
    });
  }
}
