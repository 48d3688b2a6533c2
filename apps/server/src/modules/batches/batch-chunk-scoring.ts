import { URL_BATCH_KIND } from '@vigil/detect';
import { ChunkBuilder, type PackedChunk } from './batch-chunks.js';
import type { BatchPredictionInsert } from './batch-results.repo.js';
import type { BatchScorer } from './batch-scorer.js';
import type { BadRow } from './batches.repo.js';

/** A scored chunk: its packed results, the alerts for history, the bad rows found. */
export interface ScoredChunk {
  packed: PackedChunk;
  alerts: BatchPredictionInsert[];
  bad: BadRow[];
}

/** Scores one chunk of rows: every row gets a packed result or a bad-row reason; alerts also go to history. */
export function scoreChunk(
  batch: { id: number | string; kind: string },
  scorer: BatchScorer,
  chunk: { firstRow: number; items: (Record<string, unknown> | string)[]; lines: number[] },
  now: Date,
  withAlerts = true,
): ScoredChunk {
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
  const urls = batch.kind === URL_BATCH_KIND;
  const builder = new ChunkBuilder(chunk.firstRow, chunk.items.length, urls);
  const alerts: BatchPredictionInsert[] = [];
  const source = `batch:${batch.id}`;
  for (let j = 0; j < results.length; j++) {
    const r = results[j];
    const i = rows[j];
    if (typeof r === 'string') {
      bad.push({ row: chunk.firstRow + i, line: chunk.lines[i], reason: r });
      continue;
    }
    const tuple = scorer.tuple(records[j]);
    if (urls) builder.url(i, r, String(records[j].url), r.domain ?? null);
    else builder.flow(i, r, tuple);
    if (r.verdict !== 'attack' || !withAlerts) continue;
    alerts.push({
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
      batchId: Number(batch.id),
      batchRow: chunk.firstRow + i,
    });
  }
  bad.sort((a, b) => a.row - b.row);
  return { packed: builder.pack(), alerts, bad };
}
