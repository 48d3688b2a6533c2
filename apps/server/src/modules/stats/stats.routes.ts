import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Role } from '../auth/principal.js';
import { checkRanges, filterShape } from '../predictions/prediction-filters.schema.js';
import type { PredictionFilters } from '../predictions/predictions-query.repo.js';
import { MAX_BUCKETS, StatsService } from './stats.service.js';

const VIEWERS: readonly Role[] = ['admin', 'analyst', 'viewer'];

const summaryQuerySchema = z.strictObject(filterShape).superRefine(checkRanges);

const timeseriesQuerySchema = z
  .strictObject({
    ...filterShape,
    bucket: z.enum(['minute', 'hour', 'day']).default('hour'),
    groupBy: z.enum(['verdict', 'category']).optional(),
  })
  .superRefine(checkRanges);

const windowSchema = z.object({ from: z.iso.datetime(), to: z.iso.datetime() });
const talkerSchema = z.object({ ip: z.string(), attacks: z.number(), total: z.number() });

const summarySchema = z.object({
  window: windowSchema,
  total: z.number(),
  byVerdict: z.object({ benign: z.number(), attack: z.number() }),
  alertRate: z.number().nullable().describe('share of attack verdicts (0..1); null when nothing matched'),
  meanRisk: z.number().nullable(),
  byCategory: z.array(z.object({ category: z.string().nullable(), count: z.number() })),
  topSources: z.array(talkerSchema),
  topDestinations: z.array(talkerSchema),
  models: z.array(
    z.object({
      modelId: z.string(),
      kind: z.string(),
      version: z.number().nullable().describe('null when the model is no longer registered'),
      stage: z.string().nullable(),
      count: z.number(),
      firstSeen: z.iso.datetime(),
      lastSeen: z.iso.datetime(),
    }),
  ),
});

const timeseriesSchema = z.object({
  window: windowSchema,
  bucket: z.enum(['minute', 'hour', 'day']),
  groupBy: z.enum(['verdict', 'category']).nullable(),
  buckets: z.array(z.iso.datetime()).describe('UTC start of each bucket, oldest first, none missing'),
  series: z.array(
    z.object({
      key: z.string().nullable().describe('verdict, category (null = uncategorised) or "total"'),
      counts: z.array(z.number()).describe('one count per bucket'),
    }),
  ),
});

const iso = (d: Date) => d.toISOString();

/** Dashboard aggregates: a summary of the window and counts over time. Viewers and up. */
export const statsRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = new StatsService(app.store.db, app.clock);

  app.get(
    '/api/v1/stats/summary',
    {
      config: { auth: VIEWERS },
      schema: {
        tags: ['stats'],
        summary:
          'Totals, verdicts, categories, alert rate, mean risk, top talkers and models (default: last 24 h)',
        querystring: summaryQuerySchema,
        response: { 200: summarySchema },
      },
    },
    async (request) => {
      const s = await service.summary(request.query satisfies PredictionFilters);
      return {
        ...s,
        window: { from: iso(s.window.from), to: iso(s.window.to) },
        models: s.models.map((m) => ({ ...m, firstSeen: iso(m.firstSeen), lastSeen: iso(m.lastSeen) })),
      };
    },
  );

  app.get(
    '/api/v1/stats/timeseries',
    {
      config: { auth: VIEWERS },
      schema: {
        tags: ['stats'],
        summary: `Prediction counts per UTC minute, hour or day, zero-filled (at most ${MAX_BUCKETS} buckets; default: last 24 h)`,
        querystring: timeseriesQuerySchema,
        response: { 200: timeseriesSchema },
      },
    },
    async (request) => {
      const { bucket, groupBy, ...filters } = request.query;
      const t = await service.timeseries(filters satisfies PredictionFilters, bucket, groupBy);
      return {
        ...t,
        window: { from: iso(t.window.from), to: iso(t.window.to) },
        buckets: t.buckets.map(iso),
      };
    },
  );
};
