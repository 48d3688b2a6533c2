import { MAX_RECORDS, type ScoreResponse } from '@vigil/contracts';
import { FlowRecordError } from '@vigil/detect';
import type { AppConfig } from '../../config/env.js';
import type { Db } from '../../db/database.js';
import { AppError } from '../../errors/app-error.js';
import { type AlertPublisher, alertsOf } from '../live/live-feed.js';
import type { AppMetrics } from '../metrics/metrics.js';
import type { ActiveModel, ActiveModels } from '../models/active-models.js';
import { knownKinds, URL_KIND } from '../models/feature-spec.js';
import { type ExplainPolicy, type FlowPrediction, flowScorerFor } from './flow-scorer.js';
import { insertPredictions, type PredictionInsert } from './scoring.repo.js';

export interface ScoreFlowsInput {
  /** Flow schema id (model kind); optional when exactly one flow model is in production. */
  schema?: string;
  records: readonly unknown[];
  /** Which predictions get top features (default: alerts only). */
  explain?: ExplainPolicy;
}

/** The response of POST /predict/flows. */
export type ScoreFlowsResult = ScoreResponse;

export interface ScoringDeps {
  activeModels: ActiveModels;
  db: Db;
  history: AppConfig['history'];
  metrics: AppMetrics;
  clock: () => Date;
  /** Live feed (issue #6): scored attacks are published for the dashboard's event stream. */
  alerts?: AlertPublisher;
}

const PROMOTE_HINT =
  'register a model (vigil models register FILE, or POST /api/v1/models) and promote it: ' +
  'vigil models promote ID --stage production --reason "…" (or POST /api/v1/models/ID/promote)';

/**
 * Real-time flow scoring: picks the production model of the records' schema, encodes and scores
 * the batch through the model's compiled scorer, explains the alerts (or all or none of the
 * predictions, as asked), and stores the batch in
 * history as configured ('all', 'alerts' or 'none').
 */
export class ScoringService {
  constructor(private readonly deps: ScoringDeps) {}

  /** The production model that scores `schema` (or the only flow model when `schema` is absent). */
  resolveModel(schema: string | undefined): ActiveModel {
    const { activeModels } = this.deps;
    if (schema === undefined) {
      const flows = activeModels.list().filter((m) => m.kind !== URL_KIND);
      if (flows.length === 1) return checkSchema(flows[0], flows[0].kind);
      if (flows.length === 0) {
        throw new AppError('NO_PRODUCTION_MODEL', `no flow model is in production; ${PROMOTE_HINT}`);
      }
      const kinds = flows.map((m) => m.kind).sort();
      throw new AppError(
        'VALIDATION_FAILED',
        `schema: several flow models are in production (${kinds.join(', ')}); say which one scores these records`,
        { path: 'schema' },
      );
    }
    if (schema === URL_KIND) {
      throw new AppError('VALIDATION_FAILED', 'schema: "url" models score URLs, not flow records', {
        path: 'schema',
      });
    }
    const model = activeModels.get(schema);
    if (!model) {
      const flowKinds = knownKinds().filter((k) => k !== URL_KIND);
      if (!flowKinds.includes(schema)) {
        throw new AppError(
          'VALIDATION_FAILED',
          `schema: unknown flow schema "${schema}"; known: ${flowKinds.join(', ')}`,
          { path: 'schema' },
        );
      }
      throw new AppError(
        'NO_PRODUCTION_MODEL',
        `no production model for flow schema "${schema}"; ${PROMOTE_HINT}`,
      );
    }
    return checkSchema(model, schema);
  }

  async scoreFlows(input: ScoreFlowsInput, source = 'api'): Promise<ScoreFlowsResult> {
    const { records } = input;
    if (records.length < 1 || records.length > MAX_RECORDS) {
      throw new AppError(
        'VALIDATION_FAILED',
        `records: send 1 to ${MAX_RECORDS} records, got ${records.length}`,
        {
          path: 'records',
        },
      );
    }
    const model = this.resolveModel(input.schema);
    const scorer = flowScorerFor(model);
    let scored: ReturnType<typeof scorer.score>;
    try {
      scored = scorer.score(records, input.explain ?? 'alerts');
    } catch (err) {
      throw recordError(err);
    }
    const { predictions, counts } = scored;
    let attacks = 0;
    for (const p of predictions) if (p.verdict === 'attack') attacks++;
    const stored = await this.store(model, records, predictions, source);
    // Live feed (issue #6): alerts of this request, after they are stored.
    if (attacks > 0 && this.deps.alerts) {
      const at = this.deps.clock();
      this.deps.alerts.publish(
        alertsOf(model.kind, predictions, (i) => scorer.encoder.tuple(records[i]), source, at),
      );
    }
    const { metrics } = this.deps;
    if (attacks > 0) metrics.predictions.inc({ kind: model.kind, verdict: 'attack' }, attacks);
    if (attacks < predictions.length) {
      metrics.predictions.inc({ kind: model.kind, verdict: 'benign' }, predictions.length - attacks);
    }
    return {
      model: { id: model.id, kind: model.kind, version: model.version, threshold: scorer.threshold },
      predictions,
      summary: { records: records.length, attacks, stored, ...counts },
    };
  }

  private async store(
    model: ActiveModel,
    records: readonly unknown[],
    predictions: readonly FlowPrediction[],
    source: string,
  ): Promise<number> {
    const { history } = this.deps;
    if (history === 'none') return 0;
    const encoder = flowScorerFor(model).encoder;
    const createdAt = this.deps.clock();
    const rows: PredictionInsert[] = [];
    predictions.forEach((p, i) => {
      if (history === 'alerts' && p.verdict !== 'attack') return;
      const tuple = encoder.tuple(records[i]);
      rows.push({
        createdAt,
        modelId: model.id,
        kind: model.kind,
        verdict: p.verdict,
        probability: p.probability,
        category: p.category,
        riskScore: p.riskScore,
        ...tuple,
        source,
        topFeatures: p.topFeatures,
        record: records[i],
      });
    });
    await insertPredictions(this.deps.db, rows);
    return rows.length;
  }
}

/** The model, when its feature spec is of `schema` (the registry files models by that, so a guard). */
function checkSchema(model: ActiveModel, schema: string): ActiveModel {
  if (model.document.featureSpec.schema === schema) return model;
  throw new AppError(
    'SCHEMA_MISMATCH',
    `the production model for "${schema}" (${model.id}) was trained on schema "${model.document.featureSpec.schema}"`,
    { path: 'schema' },
  );
}

/** A bad record as the API reports it: the path of the field, SCHEMA_MISMATCH for another schema's fields. */
function recordError(err: unknown): unknown {
  if (!(err instanceof FlowRecordError)) return err;
  const path = ['records', String(err.index), ...(err.field === undefined ? [] : [err.field])].join('.');
  return new AppError(err.isSchemaMismatch ? 'SCHEMA_MISMATCH' : 'VALIDATION_FAILED', err.message, {
    path,
    expected: err.expected,
    got: err.got,
  });
}
