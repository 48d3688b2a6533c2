// Worker thread of batch scoring (see batch-parallel.ts): parses, maps and scores byte ranges of a
// batch file with the batch's model, compiled once per thread, and sends back packed chunks.
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { createCsvReader, createRecordMapper, FileFormatError, type FileInspection } from '@vigil/detect';
import { compileEnsemble, ensembleFromDocument, type ModelDocument } from '@vigil/ml';
import { scoreChunk } from './batch-chunk-scoring.js';
import { packedBuffers } from './batch-chunks.js';
import type { RowRange } from './batch-file-ranges.js';
import { spillChunk } from './batch-pending-alerts.js';
import { type BatchRecord, flowBatchScorer } from './batch-scorer.js';

export interface ScoreWorkerData {
  path: string;
  inspection: FileInspection;
  batch: { id: number; kind: string };
  model: { id: string; kind: string; version: number; document: ModelDocument };
  /** Build the alerts for history (false when history is off). */
  alerts: boolean;
}

export type ScoreTask = RowRange & { seq: number };

const data = workerData as ScoreWorkerData;
const { document } = data.model;
const inspection = data.inspection;
const mapper = createRecordMapper(inspection);
// A delimited file's rows are scored as values under its keys: no record object per row.
const { keys } = mapper;
const scorer = flowBatchScorer(
  { ...data.model, compiled: compileEnsemble(ensembleFromDocument(document)) },
  keys,
);
const json = inspection.layout === 'json-lines' || inspection.layout === 'zeek-json';
const fd = openSync(data.path, 'r');
const decoder = new TextDecoder('utf-8', { fatal: true });

function score(task: ScoreTask) {
  const bytes = Buffer.allocUnsafe(task.end - task.start);
  let got = 0;
  while (got < bytes.length) {
    const n = readSync(fd, bytes, got, bytes.length - got, task.start + got);
    if (n === 0) throw new Error(`the upload is shorter than expected (byte ${task.start + got})`);
    got += n;
  }
  const items: (BatchRecord | string)[] = [];
  const lines: number[] = [];
  const reader = createCsvReader(
    json
      ? { delimiter: '\u0000', quotes: false }
      : {
          delimiter: inspection.delimiter,
          quotes: inspection.quotes,
          comment: inspection.comment ?? undefined,
        },
    (cells, line) => {
      items.push(
        json
          ? mapper.fromJsonLine(cells[0])
          : keys !== null
            ? mapper.valuesFromCells(cells)
            : mapper.fromCells(cells),
      );
      lines.push(task.firstLine + line - 1);
    },
  );
  reader.push(decoder.decode(bytes));
  reader.end();
  if (items.length !== task.rows) {
    throw new Error(`rows ${task.firstRow}+: read ${items.length} rows where the scan counted ${task.rows}`);
  }
  return scoreChunk(data.batch, scorer, { firstRow: task.firstRow, items, lines }, data.alerts, keys);
}

parentPort!.on('message', (task: ScoreTask | null) => {
  if (task === null) {
    closeSync(fd);
    parentPort!.close();
    return;
  }
  try {
    // The alerts go to their file from here; the packed results' bytes move without a copy.
    const result = spillChunk(data.path, score(task));
    parentPort!.postMessage({ seq: task.seq, result }, packedBuffers(result.packed));
  } catch (err) {
    const e = err as Error;
    parentPort!.postMessage({
      seq: task.seq,
      error: {
        message: e.message,
        fileFormat: err instanceof FileFormatError ? err.code : null,
        details: err instanceof FileFormatError ? err.details : undefined,
      },
    });
  }
});
