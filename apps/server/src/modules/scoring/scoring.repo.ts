import type { Db } from '../../db/database.js';
import type { Verdict } from '../../db/schema.js';

/** One prediction as stored in history. */
export interface PredictionInsert {
  createdAt: Date;
  modelId: string;
  kind: string;
  verdict: Verdict;
  probability: number;
  category: string | null;
  riskScore: number;
  srcIp: string | null;
  dstIp: string | null;
  srcPort: number | null;
  dstPort: number | null;
  protocol: string | null;
  source: string;
  topFeatures: unknown[];
  record: unknown;
  /** Stream message key (issue #6): a row whose key is already stored is skipped, not duplicated. */
  eventKey?: string | null;
}

// A \u0000 or lone-surrogate escape not itself escaped: text PostgreSQL's jsonb refuses.
const JSONB_UNSAFE = /(?<!\\)((?:\\\\)*)\\u(?:0000|d[89a-f][0-9a-f]{2})/gi;

/**
 * JSON text PostgreSQL's jsonb accepts: NUL characters and lone surrogates (valid in JSON, refused
 * by jsonb) become U+FFFD, so one odd string in a client's record cannot fail the whole insert.
 */
export function jsonForStore(value: unknown): string {
  const text = JSON.stringify(value) ?? 'null';
  return text.includes('\\u') ? text.replace(JSONB_UNSAFE, '$1\\ufffd') : text;
}

/** Rows per INSERT statement (16 parameters each, well under PostgreSQL's 65,535). */
export const INSERT_CHUNK = 1000;

/** Stores predictions with one multi-row INSERT per {@link INSERT_CHUNK} rows, in one transaction. */
export async function insertPredictions(db: Db, rows: readonly PredictionInsert[]): Promise<void> {
  if (rows.length === 0) return;
  const write = async (trx: Db) => {
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      await trx
        .insertInto('predictions')
        .values(
          rows.slice(i, i + INSERT_CHUNK).map((p) => ({
            created_at: p.createdAt,
            model_id: p.modelId,
            kind: p.kind,
            verdict: p.verdict,
            probability: p.probability,
            category: p.category,
            risk_score: p.riskScore,
            src_ip: p.srcIp,
            dst_ip: p.dstIp,
            src_port: p.srcPort,
            dst_port: p.dstPort,
            protocol: p.protocol,
            source: p.source,
            top_features: jsonForStore(p.topFeatures),
            record: jsonForStore(p.record),
            event_key: p.eventKey ?? null,
          })),
        )
        // Idempotent stream writes (issue #6): keys are unique; rows without a key never conflict.
        .onConflict((oc) => oc.column('event_key').doNothing())
        .execute();
    }
  };
  if (rows.length <= INSERT_CHUNK) await write(db);
  else await db.transaction().execute(write);
}
