import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Role } from '../auth/principal.js';
import { MAX_RECORDS, ScoringService } from './scoring.service.js';

/** Analysts score; viewers only read history. */
const SCORERS: readonly Role[] = ['admin', 'analyst'];

// Records are checked against the model's features by the encoder (with the record index and field
// in the error); here only their shape, without copying 10,000 objects through a zod object parse.
const flowRecord = z
  .custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), {
    message: 'expected an object of field → value',
  })
  .meta({
    type: 'object',
    additionalProperties: true,
    description:
      "One flow: the schema's columns as in its CSV files (e.g. NSL-KDD `protocol_type`, CICIDS2017 " +
      '`Flow Duration`) or the model feature names; numbers or numeric strings, null when missing. ' +
      'Optional 5-tuple fields (src_ip, dst_ip, src_port, dst_port, protocol) are kept in history.',
  });

const bodySchema = z.strictObject({
  schema: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .describe('Flow schema id (model kind); optional when exactly one flow model is in production'),
  explain: z
    .enum(['alerts', 'all', 'none'])
    .default('alerts')
    .describe('Which predictions get topFeatures: attacks only (default), all, or none'),
  records: z
    .array(flowRecord)
    .min(1, 'send at least one record')
    .max(MAX_RECORDS, `send at most ${MAX_RECORDS} records per request`),
});

const predictionSchema = z.object({
  verdict: z.enum(['benign', 'attack']),
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

const responseSchema = z.object({
  model: z.object({ id: z.string(), kind: z.string(), version: z.number().int(), threshold: z.number() }),
  predictions: z.array(predictionSchema),
  summary: z.object({
    records: z.number().int(),
    attacks: z.number().int(),
    stored: z.number().int(),
    unseenCategories: z.number().int(),
    infiniteValues: z.number().int(),
  }),
});

/** `POST /api/v1/predict/flows`: real-time scoring of 1 to 10,000 flow records. */
export const scoringRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = new ScoringService({
    activeModels: app.activeModels,
    db: app.store.db,
    history: app.config.history,
    metrics: app.metrics,
    clock: app.clock,
    // Live feed (issue #6), when the live module is registered.
    alerts: app.hasDecorator('liveFeed') ? app.liveFeed : undefined,
  });

  app.post(
    '/api/v1/predict/flows',
    {
      config: { auth: SCORERS },
      schema: {
        tags: ['predict'],
        summary: `Score 1 to ${MAX_RECORDS} flow records with the production model of their schema`,
        description:
          'Per record: verdict at the model threshold, attack probability, category, risk score 0–100 ' +
          '(the threshold maps to 50), the five features that weighed most (for attacks unless ' +
          '`explain` says otherwise) and the model version. ' +
          'Bad records fail the whole request with the path of the field (records.<i>.<field>); fields ' +
          'of another schema give SCHEMA_MISMATCH, a missing production model NO_PRODUCTION_MODEL.',
        body: bodySchema,
        response: { 200: responseSchema },
      },
      // The response schema documents the route; the service's typed result is written as is, since
      // a zod pass over 10,000 predictions costs as much as scoring them (measured ~3 ms per 1,000).
      serializerCompiler: () => (data) => JSON.stringify(data),
    },
    async (request) => service.scoreFlows(request.body, 'api'),
  );
};
