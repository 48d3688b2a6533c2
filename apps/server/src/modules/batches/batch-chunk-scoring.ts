import { URL_BATCH_KIND } from '@vigil/detect';
import { ChunkBuilder, type PackedChunk } from './batch-chunks.js';
import { PendingAlertsWriter } from './batch-pending-alerts.js';
import type { BatchRecord, BatchScorer } from './batch-scorer.js';
import type { BadRow } from './batches.repo.js';

/** A scored chunk: its packed results, its alerts for history (batch-history.ts; null if none), the bad rows found. */
export interface ScoredChunk {
  packed: PackedChunk;
  /** The alerts, for their file beside the upload (spillChunk; its format: PendingAlertsWriter). */
  history: Uint8Array | null;
  bad: BadRow[];
}

/**
 * Scores one chunk of rows: every row gets a packed result or a bad-row reason; with `withAlerts`,
 * the alerts (with explanation and input record) are encoded for history (batch-pending-alerts.ts).
 */
export function scoreChunk(
  batch: { id: number | string; kind: string },
  scorer: BatchScorer,
  chunk: { firstRow: number; items: (BatchRecord | string)[]; lines: number[] },
  withAlerts = true,
  /** The keys of every record, when all are alike (RecordMapper.keys): alerts then keep values only. */
  recordKeys: readonly string[] | null = null,
): ScoredChunk {
  const bad: BadRow[] = [];
  const records: BatchRecord[] = [];
  const rows: number[] = [];
  chunk.items.forEach((item, i) => {
    if (typeof item === 'string') bad.push({ row: chunk.firstRow + i, line: chunk.lines[i], reason: item });
    else {
      records.push(item);
      rows.push(i);
    }
  });
  const results = scorer.score(records);
  const urls = batch.kind === URL_BATCH_KIND;
  const builder = new ChunkBuilder(chunk.firstRow, chunk.items.length, urls);
  const alerts = new PendingAlertsWriter(recordKeys, scorer.explainsAlerts);
  for (let j = 0; j < results.length; j++) {
    const r = results[j];
    const i = rows[j];
    if (typeof r === 'string') {
      bad.push({ row: chunk.firstRow + i, line: chunk.lines[i], reason: r });
      continue;
    }
    const tuple = scorer.tuple(records[j]);
    if (urls) builder.url(i, r, String((records[j] as Record<string, unknown>).url), r.domain ?? null);
    else builder.flow(i, r, tuple);
    if (r.verdict !== 'attack' || !withAlerts) continue;
    alerts.add(chunk.firstRow + i, r, tuple, scorer.stored(records[j], r));
  }
  bad.sort((a, b) => a.row - b.row);
  return { packed: builder.pack(), history: alerts.finish(), bad };
}
