import { FlowRecordError, type FlowTuple, URL_BATCH_KIND } from '@vigil/detect';
import { AppError } from '../../errors/app-error.js';
import type { ActiveModel, ActiveModels } from '../models/active-models.js';
import { type FlowPrediction, flowScorerFor } from '../scoring/flow-scorer.js';
import { urlBatchScorer } from './batch-url-scorer.js';

/** One scored row of a batch: a flow prediction, or a URL verdict in the same shape (with its domain). */
export type BatchPrediction = FlowPrediction & { domain?: string | null };

/**
 * A row to score: a record, or, for a scorer made for a delimited file's keys, the row's values in
 * the keys' order (RecordMapper.valuesFromCells).
 */
export type BatchRecord = Record<string, unknown> | readonly string[];

/**
 * A production model made ready for batch rows. `score` returns, per record and in order, its
 * prediction or the reason the model cannot read it (a bad row is reported, never fatal).
 */
export interface BatchScorer {
  readonly model: ActiveModel;
  score(records: readonly BatchRecord[]): (BatchPrediction | string)[];
  /** What history stores about a record besides the prediction: the 5-tuple. */
  tuple(record: BatchRecord): FlowTuple;
  /** The `record` history keeps for a scored row (values, for a scorer made for keys). */
  stored(record: BatchRecord, prediction: BatchPrediction): unknown;
  /**
   * Whether alerts come with their top features; when not (flow batches), they are explained when
   * read, from their records (batch-alert-explanations.ts).
   */
  readonly explainsAlerts: boolean;
}

/** Flow batches keep the input record of alerts only: the rest is in the uploaded file, by row number. */
const ALERT_RECORDS_ONLY = true;

/**
 * Flow batches explain their alerts as the real-time API does by default, but not while scoring:
 * they are explained when read (batch-alert-explanations.ts).
 */
const EXPLAIN = 'none' as const;

/** A bad record's reason without the "record N" prefix the encoder adds for API callers. */
function reasonOf(err: FlowRecordError): string {
  return err.message.replace(/^record \d+[,:]\s*/, '');
}

/**
 * Flow rows go through the model's FlowScorer: the same encoder and compiled trees as /predict/flows.
 * With `keys`, rows come as values under those keys and are encoded without record objects (the
 * same results: FlowRecordEncoder.forKeys).
 */
export function flowBatchScorer(model: ActiveModel, keys: readonly string[] | null = null): BatchScorer {
  const scorer = flowScorerFor(model);
  const rowEncoder = keys === null ? null : scorer.encoder.forKeys(keys);
  const scoreSome = (records: readonly BatchRecord[]) =>
    rowEncoder === null
      ? scorer.score(records, EXPLAIN)
      : scorer.scoreRows(records as readonly (readonly string[])[], rowEncoder, EXPLAIN);
  return {
    model,
    explainsAlerts: false,
    tuple: (record) =>
      rowEncoder === null ? scorer.encoder.tuple(record) : rowEncoder.tuple(record as readonly string[]),
    stored: (record, p) => (ALERT_RECORDS_ONLY && p.verdict !== 'attack' ? {} : record),
    score(records) {
      const out: (BatchPrediction | string)[] = new Array(records.length);
      let pos = 0;
      // The encoder stops at the first bad record: score the good ones before it, note it, go on.
      while (pos < records.length) {
        const rest = pos === 0 ? records : records.slice(pos);
        try {
          const { predictions } = scoreSome(rest);
          for (let i = 0; i < predictions.length; i++) out[pos + i] = predictions[i];
          return out;
        } catch (err) {
          if (!(err instanceof FlowRecordError) || err.index < 0 || err.index >= rest.length) throw err;
          if (err.index > 0) {
            const { predictions } = scoreSome(rest.slice(0, err.index));
            for (let i = 0; i < predictions.length; i++) out[pos + i] = predictions[i];
          }
          out[pos + err.index] = reasonOf(err);
          pos += err.index + 1;
        }
      }
      return out;
    },
  };
}

const PROMOTE_HINT =
  'register a model (vigil models register FILE, or POST /api/v1/models) and promote it to production';

/**
 * The scorer for a batch of `kind` from the production models, or an AppError saying why there is
 * none: flow kinds score through their FlowScorer, URL lists through the URL model's scorer.
 */
export function resolveBatchScorer(models: ActiveModels, kind: string): BatchScorer {
  const model = models.get(kind);
  if (kind === URL_BATCH_KIND) {
    if (!model) {
      throw new AppError(
        'NO_PRODUCTION_MODEL',
        `URL lists cannot be scored: no URL model is in production; ${PROMOTE_HINT} (vigil train --schema url trains one)`,
      );
    }
    return urlBatchScorer(model);
  }
  if (!model) {
    throw new AppError('NO_PRODUCTION_MODEL', `no production model for "${kind}"; ${PROMOTE_HINT}`);
  }
  return flowBatchScorer(model);
}
