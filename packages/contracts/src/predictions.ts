import { z } from 'zod';
import { verdictSchema } from './common.js';

/** A feature that weighed on a verdict: its input value and its contribution. */
export const topFeatureSchema = z.object({
  name: z.string(),
  value: z.number().nullable(),
  contribution: z.number(),
});
export type TopFeature = z.infer<typeof topFeatureSchema>;

/** A stored prediction as the API shows it (prediction history). */
export const predictionSchema = z.object({
  id: z.number(),
  createdAt: z.string(),
  modelId: z.string(),
  kind: z.string(),
  verdict: verdictSchema,
  probability: z.number(),
  category: z.string().nullable(),
  riskScore: z.number(),
  srcIp: z.string().nullable(),
  dstIp: z.string().nullable(),
  srcPort: z.number().nullable(),
  dstPort: z.number().nullable(),
  protocol: z.string().nullable(),
  source: z.string().nullable(),
  topFeatures: z.array(topFeatureSchema),
  record: z.record(z.string(), z.unknown()),
});
export type Prediction = z.infer<typeof predictionSchema>;

/** GET /predictions: one page; pass nextCursor back as cursor. */
export const predictionPageSchema = z.object({
  items: z.array(predictionSchema),
  nextCursor: z.string().nullable(),
});
export type PredictionPage = z.infer<typeof predictionPageSchema>;

/** DELETE /predictions. */
export const predictionsDeletedSchema = z.object({ deleted: z.number() });
export type PredictionsDeleted = z.infer<typeof predictionsDeletedSchema>;
