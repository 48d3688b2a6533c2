import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { FileFormatError, type FileFormatErrorCode, type FileInspection } from '@vigil/detect';
import type { ActiveModel } from '../models/active-models.js';
import { type QuotedLine, scanRowRanges } from './batch-file-ranges.js';
import type { SpilledChunk } from './batch-pending-alerts.js';
import type { ScoreTask, ScoreWorkerData } from './batch-score-worker.js';

/** Score threads per batch run by default: one per core (the main thread mostly waits on the store). */
export const DEFAULT_SCORE_WORKERS = Math.max(1, availableParallelism());

export interface ParallelOptions {
  path: string;
  inspection: FileInspection;
  bomBytes: number;
  batch: { id: number; kind: string };
  model: ActiveModel;
  skipRows: number;
  chunkRows: number;
  workers: number;
  /** Build alerts for history (default true). */
  alerts?: boolean;
  signal?: AbortSignal;
  /** The worker script (tests run the sources, so they use the built one). */
  workerUrl?: URL;
}

type Reply =
  | { seq: number; result: SpilledChunk }
  | {
      seq: number;
      error: { message: string; fileFormat: FileFormatErrorCode | null; details?: Record<string, unknown> };
    };

function defaultWorkerUrl(): URL {
  return import.meta.url.endsWith('.ts')
    ? new URL('../../../dist/modules/batches/batch-score-worker.js', import.meta.url)
    : new URL('./batch-score-worker.js', import.meta.url);
}

/**
 * Scores a flow file's rows from `skipRows` on in worker threads, chunk by chunk, and yields the
 * scored chunks in row order (each with its first row and size; its alerts spilled to their file
 * beside the upload, batch-pending-alerts.ts), so the caller commits them in order. The main thread only scans for row boundaries (scanRowRanges) and keeps 2 chunks per
 * thread in flight: parsing, mapping and scoring of the next chunks overlap the commit of this
 * one. Ends with `{ quoted: true }` at a line holding a double quote: the caller goes on sequentially.
 */
export async function* scoreInParallel(o: ParallelOptions): AsyncGenerator<SpilledChunk | QuotedLine> {
  const data: ScoreWorkerData = {
    path: o.path,
    inspection: o.inspection,
    batch: o.batch,
    model: { id: o.model.id, kind: o.model.kind, version: o.model.version, document: o.model.document },
    alerts: o.alerts ?? true,
  };
  const url = o.workerUrl ?? defaultWorkerUrl();
  const pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  const workers = Array.from({ length: Math.max(1, o.workers) }, () => {
    const w = new Worker(url, { workerData: data });
    w.on('message', (reply: Reply) => {
      const p = pending.get(reply.seq);
      pending.delete(reply.seq);
      p?.resolve(reply);
    });
    const fail = (err: Error) => {
      for (const p of pending.values()) p.reject(err);
      pending.clear();
    };
    w.on('error', fail);
    w.on('exit', (code) => {
      if (code !== 0) fail(new Error(`a batch scoring thread exited with code ${code}`));
    });
    return w;
  });
  const inFlight: Promise<Reply>[] = [];
  const ranges = scanRowRanges(o.path, o.inspection, {
    bomBytes: o.bomBytes,
    skipRows: o.skipRows,
    chunkRows: o.chunkRows,
    signal: o.signal,
  });
  let seq = 0;
  let scanDone = false;
  let quoted = false;
  const fill = async () => {
    while (!scanDone && inFlight.length < workers.length * 2) {
      const next = await ranges.next();
      if (next.done || 'quoted' in next.value) {
        scanDone = true;
        quoted = !next.done;
        return;
      }
      const task: ScoreTask = { ...next.value, seq: seq++ };
      inFlight.push(
        new Promise<Reply>((resolve, reject) => {
          pending.set(task.seq, { resolve, reject });
          workers[task.seq % workers.length].postMessage(task);
        }),
      );
    }
  };
  try {
    await fill();
    while (inFlight.length > 0) {
      const reply = await inFlight.shift()!;
      if ('error' in reply) {
        const e = reply.error;
        throw e.fileFormat ? new FileFormatError(e.fileFormat, e.message, e.details) : new Error(e.message);
      }
      await fill();
      yield reply.result;
    }
    if (quoted) yield { quoted: true };
  } finally {
    await ranges.return(undefined);
    for (const p of inFlight) p.catch(() => {});
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
