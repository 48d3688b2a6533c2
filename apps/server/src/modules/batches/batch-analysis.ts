import { type InspectedBatchFile, inspectBatchFile } from './batch-file-inspect.js';
import { readBatchRows } from './batch-file-rows.js';
import { CHUNK_ROWS } from './batch-processor.js';
import type { BatchScorer } from './batch-scorer.js';
import { type BatchSummary, SummaryBuilder } from './batch-summary.js';
import { BAD_ROWS_REPORTED, type BadRow } from './batches.repo.js';

export interface AnalysisResult {
  file: InspectedBatchFile;
  summary: BatchSummary;
  /** Time spent checking the file (one pass) and scoring it (a second pass), ms. */
  inspectMs: number;
  scoreMs: number;
}

/**
 * What a batch would give for a file, without storing anything: the same checks, the same reader
 * and scorer, and the summary built in memory (`vigil analyze-data`). `scorerFor` picks the model
 * once the file's kind is known.
 */
export async function analyzeFile(
  path: string,
  options: {
    schema?: string;
    urlColumn?: string;
    scorerFor: (kind: string) => Promise<BatchScorer>;
    onProgress?: (rowsDone: number, rowsTotal: number) => void;
    signal?: AbortSignal;
  },
): Promise<AnalysisResult> {
  const t0 = performance.now();
  const file = await inspectBatchFile(path, options);
  const t1 = performance.now();
  const scorer = await options.scorerFor(file.inspection.schema);
  const builder = new SummaryBuilder();
  let done = 0;
  for await (const chunk of readBatchRows(path, file.inspection, {
    chunkRows: CHUNK_ROWS,
    signal: options.signal,
  })) {
    const records: Record<string, unknown>[] = [];
    const at: number[] = [];
    const bad: BadRow[] = [];
    chunk.items.forEach((item, i) => {
      if (typeof item === 'string') {
        bad.push({ row: chunk.firstRow + i, line: chunk.lines[i], reason: item });
      } else {
        records.push(item);
        at.push(i);
      }
    });
    const results = scorer.score(records);
    results.forEach((r, j) => {
      const i = at[j];
      if (typeof r === 'string') {
        bad.push({ row: chunk.firstRow + i, line: chunk.lines[i], reason: r });
      } else {
        builder.add(r, scorer.tuple(records[j]), r.domain ?? undefined);
      }
    });
    bad.sort((a, b) => a.row - b.row);
    for (const b of bad) builder.addBad(b, BAD_ROWS_REPORTED);
    done += chunk.items.length;
    options.onProgress?.(done, Math.max(done, file.rowsTotal));
  }
  return { file, summary: builder.build(), inspectMs: t1 - t0, scoreMs: performance.now() - t1 };
}
