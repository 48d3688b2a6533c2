import { AppError } from '../../errors/app-error.js';
import type { ActiveModel } from '../models/active-models.js';
import { urlScorerFor } from '../urls/url-scorer.js';
import { checkUrl } from '../urls/urls.service.js';
import type { BatchPrediction, BatchRecord, BatchScorer } from './batch-scorer.js';

const NO_TUPLE = { srcIp: null, dstIp: null, srcPort: null, dstPort: null, protocol: null } as const;

/** A URL list's rows are records `{ url }` (RecordMapper.fromCells and fromJsonLine). */
const urlOf = (record: BatchRecord): unknown => (record as Record<string, unknown>).url;

/**
 * URL list rows (`{ url }`) through the production URL model's scorer, as POST /urls/check scores
 * them: the same URL checks (a bad URL is a bad row), lexical features and reasons (for alerts).
 * History keeps the URL, host and registrable domain of every row (they are small).
 */
export function urlBatchScorer(model: ActiveModel): BatchScorer {
  const scorer = urlScorerFor(model);
  return {
    model,
    // The reasons come with the verdict: URL lists are short, and the verdict needs them anyway.
    explainsAlerts: true,
    tuple: () => NO_TUPLE,
    stored: (record, p) => ({ url: urlOf(record), domain: p.domain ?? null }),
    score(records) {
      const out: (BatchPrediction | string)[] = new Array(records.length);
      const urls: string[] = [];
      const at: number[] = [];
      records.forEach((r, i) => {
        try {
          urls.push(checkUrl(urlOf(r), i));
          at.push(i);
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          out[i] = err.message.replace(/^urls\.\d+: /, '');
        }
      });
      scorer.score(urls, 'alerts').forEach((v, j) => {
        out[at[j]] = {
          verdict: v.verdict,
          probability: v.probability,
          category: v.category,
          riskScore: v.riskScore,
          topFeatures: v.reasons.map((r) => ({
            name: r.feature,
            value: r.value,
            contribution: r.contribution,
          })),
          modelId: v.modelId,
          modelVersion: v.modelVersion,
          domain: v.domain ?? v.host,
        };
      });
      return out;
    },
  };
}
