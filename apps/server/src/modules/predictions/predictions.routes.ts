import { Readable } from 'node:stream';
import { predictionPageSchema, predictionsDeletedSchema } from '@vigil/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalName, type Role } from '../auth/principal.js';
import { exportQuerySchema, isoTimestamp, listQuerySchema } from './prediction-filters.schema.js';
import { EXPORT_CONTENT_TYPES, exportChunks } from './predictions-export.js';
import type { PredictionFilters } from './predictions-query.repo.js';
import { EXPORT_MAX_ROWS, PredictionsQueryService } from './predictions-query.service.js';

const VIEWERS: readonly Role[] = ['admin', 'analyst', 'viewer'];
const ADMINS: readonly Role[] = ['admin'];

const deleteQuerySchema = z.strictObject({ before: isoTimestamp });

/** Prediction history: search and page, export as a stream, and clear old rows. */
export const predictionsRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = new PredictionsQueryService(app.store.db);

  app.get(
    '/api/v1/predictions',
    {
      config: { auth: VIEWERS },
      schema: {
        tags: ['predictions'],
        summary: 'Search prediction history (keyset-paginated; pass nextCursor back as cursor)',
        querystring: listQuerySchema,
        response: { 200: predictionPageSchema },
      },
    },
    async (request) => {
      const { limit, cursor, sort, ...filters } = request.query;
      return service.list({
        filters: filters satisfies PredictionFilters,
        sort,
        limit,
        cursor,
      });
    },
  );

  app.get(
    '/api/v1/predictions/export',
    {
      config: { auth: VIEWERS },
      schema: {
        tags: ['predictions'],
        summary: `Export matching predictions as CSV, a JSON array or NDJSON (streamed, at most ${EXPORT_MAX_ROWS} rows)`,
        querystring: exportQuerySchema,
      },
    },
    async (request, reply) => {
      const { format, sort, ...filters } = request.query;
      const pages = service.exportPages(filters satisfies PredictionFilters, sort);
      // The first page is read before any byte is sent, so a failing query still gets an error status.
      const first = await pages.next();
      async function* all() {
        if (first.done) return;
        yield first.value;
        yield* pages;
      }
      const stamp = app.clock().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
      return reply
        .header('content-disposition', `attachment; filename="vigil-predictions-${stamp}.${format}"`)
        .header('x-export-max-rows', String(EXPORT_MAX_ROWS))
        .type(EXPORT_CONTENT_TYPES[format])
        .send(Readable.from(exportChunks(all(), format)));
    },
  );

  app.delete(
    '/api/v1/predictions',
    {
      config: { auth: ADMINS },
      schema: {
        tags: ['predictions'],
        summary: 'Delete prediction history older than `before` (admin)',
        querystring: deleteQuerySchema,
        response: { 200: predictionsDeletedSchema },
      },
    },
    async (request) => {
      const { before } = request.query;
      const deleted = await service.clearBefore(before);
      await app.audit.record({
        actor: principalName(request.principal ?? { kind: 'anonymous' }),
        action: 'predictions.clear',
        target: 'predictions',
        outcome: 'success',
        ip: request.ip,
        details: { before: before.toISOString(), deleted },
      });
      return { deleted };
    },
  );
};
