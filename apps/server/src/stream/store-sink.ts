import type { StreamConfig } from '../config/env.js';
import type { Db } from '../db/database.js';
import { insertPredictions, type PredictionInsert } from '../modules/scoring/scoring.repo.js';
import type { DeadLetter, ScoredBatch } from './stream-batch.js';

/** Where a batch's verdicts and dead letters go; `write` must be durable when it resolves. */
export interface VerdictSink {
  readonly name: string;
  write(batch: ScoredBatch): Promise<void>;
  close?(): Promise<void>;
}

/**
 * Stores verdicts in the predictions table with the message key as `event_key` (a redelivered
 * message is skipped, never stored twice), as the stream's store policy says (all, alerts, none),
 * and, for embedded sources, dead letters in `stream_dead_letters` (idempotent the same way).
 */
export function createStoreSink(
  db: Db,
  policy: StreamConfig['store'],
  options: { deadLettersToTable: boolean },
): VerdictSink {
  return {
    name: 'store',
    async write(batch) {
      const rows: PredictionInsert[] = [];
      if (policy !== 'none') {
        for (const f of batch.flows) {
          const p = f.prediction;
          if (policy === 'alerts' && p.verdict !== 'attack') continue;
          rows.push({
            createdAt: batch.at,
            modelId: batch.model.id,
            kind: batch.model.kind,
            verdict: p.verdict,
            probability: p.probability,
            category: p.category,
            riskScore: p.riskScore,
            ...f.tuple,
            source: batch.source,
            topFeatures: p.topFeatures,
            record: f.record,
            eventKey: f.key,
          });
        }
      }
      // Two writes, no transaction needed: both are idempotent by key, and the source commits only
      // after both, so a crash between them is repaired by the redelivery.
      await insertPredictions(db, rows);
      if (options.deadLettersToTable) await insertDeadLetters(db, batch.source, batch.deadLetters);
    },
  };
}

/** Stores dead letters; one already stored under the same key is skipped. */
export async function insertDeadLetters(
  db: Db,
  source: string,
  letters: readonly DeadLetter[],
): Promise<void> {
  if (letters.length === 0) return;
  for (let i = 0; i < letters.length; i += 1000) {
    await db
      .insertInto('stream_dead_letters')
      .values(
        letters.slice(i, i + 1000).map((l) => ({
          source,
          event_key: l.key,
          reason: `${l.code}: ${l.reason}`,
          // PostgreSQL text cannot hold NUL characters.
          payload: l.payload.replaceAll('\u0000', '\ufffd'),
        })),
      )
      .onConflict((oc) => oc.column('event_key').doNothing())
      .execute();
  }
}
