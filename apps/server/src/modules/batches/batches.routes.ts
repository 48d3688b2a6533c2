import multipart from '@fastify/multipart';
import { batchCreatedSchema, batchListSchema, batchSchema, batchSummarySchema } from '@vigil/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalName, type Role } from '../auth/principal.js';
import { intParam } from '../predictions/prediction-filters.schema.js';
import { toBatchDto } from './batch-dto.js';
import { batchResultsRoutes } from './batch-results.routes.js';
import { receiveUpload, uploadDir } from './batch-upload.js';
import { BatchesService, inspectionDto } from './batches.service.js';

const VIEWERS: readonly Role[] = ['admin', 'analyst', 'viewer'];
const ANALYSTS: readonly Role[] = ['admin', 'analyst'];

export const idParams = z.strictObject({ id: intParam(1, 2 ** 31 - 1) });

/**
 * Batches: upload a file (validated, then scored in the background by the `batch.process` job),
 * follow its progress (also as server-sent events), cancel and retry it, and read its summary and
 * results.
 */
export const batchesRoutes: FastifyPluginAsyncZod = async (app) => {
  // Scoped to this plugin: multipart bodies are streamed here, outside the JSON body limit.
  await app.register(multipart);
  const service = new BatchesService({
    db: app.store.db,
    jobs: app.jobs,
    activeModels: app.activeModels,
    clock: app.clock,
    contentLimit: app.config.uploadContentLimit,
  });
  const audit = (
    request: { principal: Parameters<typeof principalName>[0]; ip: string },
    action: string,
    id: number,
    details: Record<string, unknown> = {},
  ) =>
    app.audit.record({
      actor: principalName(request.principal ?? { kind: 'anonymous' }),
      action,
      target: `batch:${id}`,
      outcome: 'success',
      ip: request.ip,
      details,
    });

  app.post(
    '/api/v1/batches',
    {
      config: { auth: ANALYSTS },
      schema: {
        tags: ['batches'],
        summary: 'Upload a file to score in the background (multipart/form-data)',
        description:
          'Parts: `file` (CSV/TSV in any supported flow schema, Zeek conn.log as TSV or JSON lines, or a ' +
          'URL list; gzip accepted), and optionally `schema` (flow schema id, `synthetic-flows` or `url`; ' +
          'detected from the header when absent), `urlColumn` and `name`. The file is streamed to disk ' +
          '(limit VIGIL_UPLOAD_LIMIT, 413 beyond it) and checked before the job starts: type by content, ' +
          'UTF-8 encoding, delimiter, header mapping (missing and unknown columns) and column count. ' +
          'Content problems answer 400, header problems 422 SCHEMA_MISMATCH, a kind without a ' +
          'production model 503 NO_PRODUCTION_MODEL. The answer carries the detected format and a preview.',
        consumes: ['multipart/form-data'],
        response: { 201: batchCreatedSchema },
      },
    },
    async (request, reply) => {
      const upload = await receiveUpload(request, {
        dir: uploadDir(app.config.dataDir),
        limit: app.config.uploadLimit,
      });
      const { batch, file } = await service.create(
        upload,
        principalName(request.principal ?? { kind: 'anonymous' }),
      );
      const dto = toBatchDto(batch, app.clock());
      await audit(request, 'batch.create', dto.id, {
        name: dto.name,
        kind: dto.kind,
        bytes: dto.fileBytes,
        rows: dto.rowsTotal,
      });
      return reply.status(201).send({ batch: dto, format: inspectionDto(file) });
    },
  );

  app.get(
    '/api/v1/batches',
    {
      config: { auth: VIEWERS },
      schema: {
        tags: ['batches'],
        summary: 'List batches, newest first (pass the last id as `before` for the next page)',
        querystring: z.strictObject({
          limit: intParam(1, 200).default(50),
          before: intParam(1, 2 ** 31 - 1).optional(),
        }),
        response: { 200: batchListSchema },
      },
    },
    async (request) => {
      const rows = await service.list(request.query.limit, request.query.before);
      const now = app.clock();
      return { items: rows.map((r) => toBatchDto(r, now)) };
    },
  );

  app.get(
    '/api/v1/batches/:id',
    {
      config: { auth: VIEWERS },
      schema: {
        tags: ['batches'],
        summary: 'A batch: state, rows done/total, rows/s, ETA, bad rows',
        params: idParams,
        response: { 200: batchSchema },
      },
    },
    async (request) => toBatchDto(await service.get(request.params.id), app.clock()),
  );

  app.post(
    '/api/v1/batches/:id/cancel',
    {
      config: { auth: ANALYSTS },
      schema: {
        tags: ['batches'],
        summary: 'Cancel a queued, running or paused batch (a running one stops at its next checkpoint)',
        params: idParams,
        response: { 200: batchSchema },
      },
    },
    async (request) => {
      const row = await service.cancel(request.params.id);
      await audit(request, 'batch.cancel', request.params.id, { rowsDone: Number(row.rows_done) });
      return toBatchDto(row, app.clock());
    },
  );

  app.post(
    '/api/v1/batches/:id/retry',
    {
      config: { auth: ANALYSTS },
      schema: {
        tags: ['batches'],
        summary: 'Queue a failed or cancelled batch again; it continues from its checkpoint',
        params: idParams,
        response: { 200: batchSchema },
      },
    },
    async (request) => {
      const row = await service.retry(request.params.id);
      await audit(request, 'batch.retry', request.params.id, { fromRow: Number(row.rows_done) + 1 });
      return toBatchDto(row, app.clock());
    },
  );

  app.get(
    '/api/v1/batches/:id/summary',
    {
      config: { auth: VIEWERS },
      schema: {
        tags: ['batches'],
        summary:
          'Counts by verdict and category, risk-score histogram, top sources/destinations/domains, bad rows',
        params: idParams,
        response: { 200: batchSummarySchema },
      },
    },
    async (request) => service.summary(request.params.id),
  );

  await app.register(batchResultsRoutes, { service });
};
