import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileEnsemble, ensembleFromDocument } from '@vigil/ml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ScoredChunk, scoreChunk } from '../src/modules/batches/batch-chunk-scoring.js';
import { decodeChunk } from '../src/modules/batches/batch-chunks.js';
import { inspectBatchFile } from '../src/modules/batches/batch-file-inspect.js';
import { scanRowRanges } from '../src/modules/batches/batch-file-ranges.js';
import { readBatchRows } from '../src/modules/batches/batch-file-rows.js';
import { decodeChunkHistory } from '../src/modules/batches/batch-history.js';
import { scoreInParallel } from '../src/modules/batches/batch-parallel.js';
import { readPendingAlerts, type SpilledChunk } from '../src/modules/batches/batch-pending-alerts.js';
import { flowBatchScorer } from '../src/modules/batches/batch-scorer.js';
import type { ActiveModel } from '../src/modules/models/active-models.js';
import { SYNTHETIC_HEADER, syntheticBatchModel, syntheticRows } from './batches-fixtures.js';

// The worker threads run the built dist (like batches-crash.test.ts): `npx tsc -b` first.
describe('batch files scored in worker threads', () => {
  let dir: string;
  let model: ActiveModel;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-batch-parallel-'));
    const document = await syntheticBatchModel('parallel-model');
    model = {
      id: document.id,
      kind: 'synthetic-flows',
      version: 1,
      document,
      compiled: compileEnsemble(ensembleFromDocument(document)),
    };
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const file = async (name: string, text: string) => {
    const path = join(dir, name);
    await writeFile(path, text);
    return { path, ...(await inspectBatchFile(path)) };
  };

  /** A CSV with CRLF and LF line ends, empty lines, ragged rows and no final line end. */
  const awkwardCsv = (rows: number) => {
    const data = syntheticRows(rows, 5).map((r) => r.join(','));
    const lines = [SYNTHETIC_HEADER.join(',')];
    data.forEach((line, i) => {
      if (i % 97 === 3) lines.push('');
      if (i % 89 === 7) lines.push('\r');
      lines.push(i % 301 === 11 ? `${line},extra` : i % 7 === 0 ? `${line}\r` : line);
    });
    return lines.join('\n');
  };

  it('splits rows as the sequential reader counts them, from any checkpoint', async () => {
    const f = await file('awkward.csv', awkwardCsv(2500));
    for (const skip of [0, 1, 999, 2499, 2500]) {
      const ranges = [];
      for await (const r of scanRowRanges(f.path, f.inspection, {
        bomBytes: 0,
        skipRows: skip,
        chunkRows: 400,
      }))
        ranges.push(r);
      const expected = [];
      for await (const c of readBatchRows(f.path, f.inspection, { skipRows: skip, chunkRows: 400 }))
        expected.push({ firstRow: c.firstRow, rows: c.items.length, firstLine: c.lines[0] });
      expect(
        ranges.map((r) =>
          'quoted' in r ? r : { firstRow: r.firstRow, rows: r.rows, firstLine: r.firstLine },
        ),
      ).toEqual(expected);
    }
  });

  it('stops at the first line with a double quote, after the rows before it', async () => {
    const rows = syntheticRows(50, 3).map((r) => r.join(','));
    rows[20] = rows[20].replace(/^[^,]*/, '"10.9.9.9"');
    const f = await file('quoted.csv', `${SYNTHETIC_HEADER.join(',')}\n${rows.join('\n')}\n`);
    const out = [];
    for await (const r of scanRowRanges(f.path, f.inspection, { bomBytes: 0, skipRows: 0, chunkRows: 8 }))
      out.push('quoted' in r ? 'quoted' : [r.firstRow, r.rows]);
    expect(out).toEqual([[1, 8], [9, 8], [17, 4], 'quoted']);
  });

  it('gives the same results, bad rows and line numbers as scoring in order', async () => {
    const f = await file('flows.csv', awkwardCsv(6000));
    const scorer = flowBatchScorer(model);
    const batch = { id: 1, kind: 'synthetic-flows' };
    const sequential: ScoredChunk[] = [];
    for await (const c of readBatchRows(f.path, f.inspection, { skipRows: 1234, chunkRows: 1000 }))
      sequential.push(scoreChunk(batch, scorer, c));
    const threads: SpilledChunk[] = [];
    for await (const c of scoreInParallel({
      path: f.path,
      inspection: f.inspection,
      bomBytes: 0,
      batch,
      model,
      skipRows: 1234,
      chunkRows: 1000,
      workers: 2,
    })) {
      if ('quoted' in c) throw new Error('no quotes in this file');
      threads.push(c);
    }
    // Threads spill their chunks' alerts to files beside the file; in order, they are in the chunk.
    const alertsOf = (c: ScoredChunk | SpilledChunk) =>
      'history' in c
        ? c.history
        : c.historyBytes === null
          ? null
          : readPendingAlerts(f.path, c.packed.firstRow, c.historyBytes);
    const flat = (chunks: (ScoredChunk | SpilledChunk)[]) => ({
      rows: chunks.flatMap((c) =>
        [
          ...decodeChunk({
            first_row: c.packed.firstRow,
            row_count: c.packed.rowCount,
            verdicts: c.packed.verdicts,
            probabilities: c.packed.probabilities,
            risk: c.packed.risk,
            category_idx: c.packed.categoryIdx,
            categories: c.packed.categories,
            tuples: c.packed.tuples,
          }),
        ].map((r) => [r.row, r.verdict, r.probability, r.srcIp, r.dstIp]),
      ),
      bad: chunks.flatMap((c) => c.bad),
      alerts: chunks.flatMap((c) => decodeChunkHistory(alertsOf(c))),
    });
    const a = flat(sequential);
    expect(a.rows).toHaveLength(6000 - 1234 - a.bad.length);
    expect(a.bad.length).toBeGreaterThan(10);
    expect(a.alerts.length).toBeGreaterThan(100);
    expect(flat(threads)).toEqual(a);
  });
});
