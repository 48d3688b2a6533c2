import { z } from 'zod';

/** The stages of a registered model, in promotion order. */
export const MODEL_STAGES = ['experimental', 'staging', 'production', 'archived'] as const;
export const modelStageSchema = z.enum(MODEL_STAGES);
export type ModelStage = z.infer<typeof modelStageSchema>;

/** A registered model as listed: identity, stage and the headline test metrics. */
export const modelSummarySchema = z.object({
  id: z.string(),
  kind: z.string(),
  version: z.number(),
  algorithm: z.string(),
  stage: modelStageSchema,
  createdAt: z.string(),
  createdBy: z.string(),
  headline: z.object({
    accuracy: z.number().nullable(),
    f1: z.number().nullable(),
    rocAuc: z.number().nullable(),
    fpr: z.number().nullable(),
  }),
});
export type ModelSummary = z.infer<typeof modelSummarySchema>;

/** One stage change of a model. */
export const transitionSchema = z.object({
  from: modelStageSchema.nullable(),
  to: modelStageSchema,
  actor: z.string(),
  reason: z.string(),
  at: z.string(),
});
export type Transition = z.infer<typeof transitionSchema>;

/** GET /models/:id: a model with its metrics, feature spec, stage history and (on request) document. */
export const modelDetailSchema = modelSummarySchema.extend({
  metrics: z.record(z.string(), z.unknown()),
  featureSpec: z.record(z.string(), z.unknown()),
  transitions: z.array(transitionSchema),
  document: z.record(z.string(), z.unknown()).optional(),
});
export type ModelDetail = z.infer<typeof modelDetailSchema>;

/** POST /models and POST /models/:id/promote. */
export const promotionSchema = z.object({
  model: modelDetailSchema,
  from: modelStageSchema,
  /** The model that was in production for this kind and is now in staging. */
  demoted: z.string().nullable(),
});
export type PromotionResult = z.infer<typeof promotionSchema>;

/** A reason for a stage change (audited). */
export const stageReasonSchema = z.string().trim().min(1, 'a reason is required').max(1000);

/** POST /models/:id/promote body. */
export const promoteBodySchema = z.strictObject({ stage: modelStageSchema, reason: stageReasonSchema });
export type PromoteBody = z.infer<typeof promoteBodySchema>;

/** GET /models/active: the production model of each kind, as loaded by the server for scoring. */
export const activeModelSchema = z.object({
  id: z.string(),
  kind: z.string(),
  version: z.number(),
  algorithm: z.string(),
  nFeatures: z.number(),
  target: z.string(),
  classNames: z.array(z.string()),
});
export type ActiveModel = z.infer<typeof activeModelSchema>;
