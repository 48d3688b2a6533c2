import { z } from 'zod';
import { verdictSchema } from './common.js';

/** Most flow records one POST /predict/flows (or /ingest/flows) request may carry. */
export const MAX_RECORDS = 10_000;

/**
 * One flow record of a request body (POST /predict/flows, /ingest/flows), described for the docs.
 * Records are checked against the model's features by the encoder (with the record index and field
 * in the error); here only their shape, without copying 10,000 objects through a zod object parse.
 */
export function flowRecordSchema(description: string) {
  return z
    .custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), {
      message: 'expected an object of field → value',
    })
    .meta({ type: 'object', additionalProperties: true, description });
}

const flowRecord = flowRecordSchema(
  "One flow: the schema's columns as in its CSV files (e.g. NSL-KDD `protocol_type`, CICIDS2017 " +
    '`Flow Duration`) or the model feature names; numbers or numeric strings, null when missing. ' +
    'Optional 5-tuple fields (src_ip, dst_ip, src_port, dst_port, protocol) are kept in history.',
);

/** Which predictions get topFeatures. */
export const explainSchema = z.enum(['alerts', 'all', 'none']);
export type Explain = z.infer<typeof explainSchema>;

/** POST /predict/flows body. */
export const scoreFlowsBodySchema = z.strictObject({
  schema: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .describe('Flow schema id (model kind); optional when exactly one flow model is in production'),
  explain: explainSchema
    .default('alerts')
    .describe('Which predictions get topFeatures: attacks only (default), all, or none'),
  records: z
    .array(flowRecord)
    .min(1, 'send at least one record')
    .max(MAX_RECORDS, `send at most ${MAX_RECORDS} records per request`),
});
/** The body as sent (explain may be left out). */
export type ScoreFlowsBody = z.input<typeof scoreFlowsBodySchema>;

/** One scored flow record. */
export const scoredFlowSchema = z.object({
  verdict: verdictSchema,
  probability: z.number().describe('Probability of an attack (anomaly score for anomaly models)'),
  category: z.string().describe('Attack family for category models; the predicted class otherwise'),
  riskScore: z.number().int().min(0).max(100),
  topFeatures: z.array(
    z.object({
      name: z.string(),
      value: z.number().nullable().describe('Model input value; null when missing'),
      contribution: z.number().describe('Support for the verdict (positive) or against it (negative)'),
    }),
  ),
  modelId: z.string(),
  modelVersion: z.number().int(),
});
export type ScoredFlow = z.infer<typeof scoredFlowSchema>;

/** The model that scored a request, with its threshold. */
export const scoringModelSchema = z.object({
  id: z.string(),
  kind: z.string(),
  version: z.number().int(),
  threshold: z.number(),
});
export type ScoringModel = z.infer<typeof scoringModelSchema>;

/** POST /predict/flows response. */
export const scoreResponseSchema = z.object({
  model: scoringModelSchema,
  predictions: z.array(scoredFlowSchema),
  summary: z.object({
    records: z.number().int(),
    attacks: z.number().int(),
    /** Predictions written to history (per the server's history setting). */
    stored: z.number().int(),
    /** Categorical values the model has never seen, scored as missing. */
    unseenCategories: z.number().int(),
    /** Infinite or out-of-float32-range numbers, scored as missing (as in training). */
    infiniteValues: z.number().int(),
  }),
});
export type ScoreResponse = z.infer<typeof scoreResponseSchema>;
