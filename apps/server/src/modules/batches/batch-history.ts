import type { FlowTuple } from '@vigil/detect';
import { CompiledQuery } from 'kysely';
import type { Db } from '../../db/database.js';
import { jsonForStore } from '../scoring/scoring.repo.js';
import type { BatchPrediction } from './batch-scorer.js';

/**
 * History follows the batch (migration 0008). While a batch is scored, each chunk keeps its alerts
 * as JSON in `batch_result_chunks.history`, written in the checkpoint's transaction with the packed
 * results; once the batch is done, {@link writeBatchHistory} moves them into `predictions`, one chunk
 * per transaction. Why: inserting into the indexed `predictions` table costs ~80 µs a row on PGlite,
 * five times the scoring, and a batch's results do not need it to be complete and downloadable.
 *
 * One alert is a JSON array, in this order (HistoryAlert):
 *   [row, verdict, probability, category, riskScore, srcIp, dstIp, srcPort, dstPort, protocol,
 *    topFeatures, record]
 */
export type HistoryAlert = [
  row: number,
  verdict: string,
  probability: number,
  category: string | null,
  riskScore: number,
  srcIp: string | null,
  dstIp: string | null,
  srcPort: number | null,
  dstPort: number | null,
  protocol: string | null,
  topFeatures: unknown[],
  record: Record<string, unknown>,
];

/** One alert as an element of a chunk's `history` array (see HistoryAlert). */
export function encodeHistoryAlert(row: number, p: BatchPrediction, t: FlowTuple, record: unknown): string {
  // One stringify of the whole array: a third faster than joining its fields' JSON by hand.
  // (Undefined fields become null, as JSON arrays write them.)
  return jsonForStore([
    row,
    p.verdict,
    p.probability,
    p.category,
    p.riskScore,
    t.srcIp,
    t.dstIp,
    t.srcPort,
    t.dstPort,
    t.protocol,
    p.topFeatures,
    record,
  ]);
}

/** The alerts of a chunk's `history` column (the results export reads them before they are in history). */
export function decodeChunkHistory(history: string | null): HistoryAlert[] {
  return history ? (JSON.parse(history) as HistoryAlert[]) : [];
}

// One statement per chunk: the alerts go from the chunk's JSON into `predictions` inside the
// database, with no round trip through JavaScript; (batch_id, batch_row) is unique, so a chunk
// copied again after a crash adds nothing.
const COPY_CHUNK = `
  with copied as (
    insert into predictions (created_at, model_id, kind, verdict, probability, category, risk_score,
      src_ip, dst_ip, src_port, dst_port, protocol, source, top_features, record, batch_id, batch_row)
    select c.created_at, c.model_id, $3, a->>1, (a->>2)::float8, a->>3, (a->>4)::int,
      a->>5, a->>6, (a->>7)::int, (a->>8)::int, a->>9, $4, (a->10)::jsonb, (a->11)::jsonb, c.batch_id,
      (a->>0)::int
    from batch_result_chunks c, jsonb_array_elements(c.history::jsonb) a
    where c.batch_id = $1 and c.first_row = $2 and c.history is not null
    on conflict (batch_id, batch_row) do nothing
    returning 1
  )
  select count(*)::int as n from copied`;

/**
 * Moves a done batch's alerts from its chunks into `predictions`, one chunk per transaction, then
 * marks its history written. Resumable at any point: a chunk's copy and the clearing of its JSON
 * commit together. Returns false when `signal` stopped it first (the job runs it again).
 */
export async function writeBatchHistory(
  db: Db,
  batch: { id: number; kind: string },
  signal: AbortSignal,
  now: () => Date,
): Promise<boolean> {
  const source = `batch:${batch.id}`;
  for (;;) {
    // PGlite answers from WebAssembly through promises alone: without a turn of the event loop
    // between chunks, requests waiting on a socket (the batch's own progress) would wait for all of them.
    await new Promise((resolve) => setImmediate(resolve));
    if (signal.aborted) return false;
    const next = await db
      .selectFrom('batch_result_chunks')
      .select('first_row')
      .where('batch_id', '=', batch.id)
      .where('history', 'is not', null)
      .orderBy('first_row')
      .limit(1)
      .executeTakeFirst();
    if (!next) break;
    await db.transaction().execute(async (trx) => {
      const copied = await trx.executeQuery<{ n: number }>(
        CompiledQuery.raw(COPY_CHUNK, [batch.id, next.first_row, batch.kind, source]),
      );
      await trx
        .updateTable('batch_result_chunks')
        .set({ history: null })
        .where('batch_id', '=', batch.id)
        .where('first_row', '=', next.first_row)
        .execute();
      await trx
        .updateTable('batches')
        .set((eb) => ({ history_rows: eb('history_rows', '+', copied.rows[0]?.n ?? 0), updated_at: now() }))
        .where('id', '=', batch.id)
        .execute();
    });
  }
  await db
    .updateTable('batches')
    .set({ history_state: 'written', updated_at: now() })
    .where('id', '=', batch.id)
    .where('history_state', '=', 'pending')
    .execute();
  return true;
}
