import {
  bucketSchema,
  statsSummarySchema,
  timeseriesGroupBySchema,
  timeseriesSchema,
} from '@vigil/contracts';
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
    bucket: bucketSchema.default('hour'),
    groupBy: timeseriesGroupBySchema.optional(),
  })
  .superRefine(checkRanges);

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
        response: { 200: statsSummarySchema },
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
