import type { Db } from '../../db/database.js';
import { INSERT_CHUNK, jsonForStore } from '../scoring/scoring.repo.js';
import type { UrlVerdict } from './url-scorer.js';

/**
 * Stores URL verdicts in prediction history (kind `url`): the host in its own column, the URL and
 * its registrable domain in `record`, the reasons as top features. One transaction per call.
 */
export async function insertUrlPredictions(
  db: Db,
  kind: string,
  verdicts: readonly UrlVerdict[],
  createdAt: Date,
  source: string,
): Promise<void> {
  if (verdicts.length === 0) return;
  const write = async (trx: Db) => {
    for (let i = 0; i < verdicts.length; i += INSERT_CHUNK) {
      await trx
        .insertInto('predictions')
        .values(
          verdicts.slice(i, i + INSERT_CHUNK).map((v) => ({
            created_at: createdAt,
            model_id: v.modelId,
            kind,
            verdict: v.verdict,
            probability: v.probability,
            category: v.category,
            risk_score: v.riskScore,
            src_ip: null,
            dst_ip: null,
            src_port: null,
            dst_port: null,
            protocol: null,
            host: v.host,
            source,
            top_features: jsonForStore(
              v.reasons.map((r) => ({ name: r.feature, value: r.value, contribution: r.contribution })),
            ),
            record: jsonForStore({ url: v.url, host: v.host, domain: v.domain }),
          })),
        )
        .execute();
    }
  };
  if (verdicts.length <= INSERT_CHUNK) await write(db);
  else await db.transaction().execute(write);
}
