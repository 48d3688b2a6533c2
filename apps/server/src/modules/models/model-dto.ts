import type { ModelDetail, ModelSummary, PromotionResult, Transition } from '@vigil/contracts';
import type { ModelRow, TransitionRow } from './models.repo.js';

export type TransitionDto = Transition;
/** A registered model as listed: identity, stage and the headline test metrics. */
export type ModelSummaryDto = ModelSummary;
export type ModelDetailDto = ModelDetail;
export type { PromotionResult };

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Headline numbers from the `test` report `vigil train` stores (null when a model has none). */
function headline(metrics: Record<string, unknown>): ModelSummaryDto['headline'] {
  const test = (metrics.test ?? {}) as Record<string, unknown>;
  const f1 = (test.binary ?? test.macro ?? {}) as Record<string, unknown>;
  return { accuracy: num(test.accuracy), f1: num(f1.f1), rocAuc: num(test.rocAuc), fpr: num(test.fpr) };
}

export function toSummary(row: ModelRow): ModelSummaryDto {
  return {
    id: row.id,
    kind: row.kind,
    version: row.version,
    algorithm: row.algorithm,
    stage: row.stage,
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
    headline: headline(row.metrics),
  };
}

export function toTransition(t: TransitionRow): TransitionDto {
  return { from: t.from_stage, to: t.to_stage, actor: t.actor, reason: t.reason, at: t.at.toISOString() };
}
