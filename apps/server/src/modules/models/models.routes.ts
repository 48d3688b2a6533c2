import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors/app-error.js';
import { principalName, type Role } from '../auth/principal.js';
import { MODEL_STAGES, ModelRegistry } from './model-registry.service.js';

const VIEWERS: readonly Role[] = ['admin', 'analyst', 'viewer'];
const ADMINS: readonly Role[] = ['admin'];

const stageSchema = z.enum(MODEL_STAGES);
const text = z.string().min(1).max(200);
const reasonSchema = z.string().trim().min(1, 'a reason is required').max(1000);

const summarySchema = z.object({
  id: z.string(),
  kind: z.string(),
  version: z.number(),
  algorithm: z.string(),
  stage: stageSchema,
  createdAt: z.string(),
  createdBy: z.string(),
  headline: z.object({
    accuracy: z.number().nullable(),
    f1: z.number().nullable(),
    rocAuc: z.number().nullable(),
    fpr: z.number().nullable(),
  }),
});

const transitionSchema = z.object({
  from: stageSchema.nullable(),
  to: stageSchema,
  actor: z.string(),
  reason: z.string(),
  at: z.string(),
});

const detailSchema = summarySchema.extend({
  metrics: z.record(z.string(), z.unknown()),
  featureSpec: z.record(z.string(), z.unknown()),
  transitions: z.array(transitionSchema),
  document: z.record(z.string(), z.unknown()).optional(),
});

const promotionSchema = z.object({
  model: detailSchema,
  from: stageSchema,
  demoted: z.string().nullable(),
});

const idParams = z.object({ id: z.string().min(1).max(128) });

function actorOf(request: FastifyRequest): string {
  return principalName(request.principal ?? { kind: 'anonymous' });
}

/** The model registry over HTTP: list, inspect, register and promote model versions. */
export const modelsRoutes: FastifyPluginAsyncZod = async (app) => {
  const registry = new ModelRegistry(app.store.db, app.clock);

  /** Audits a mutation: success with `details`, or failure with the error code, then rethrows. */
  async function audited<T>(
    request: FastifyRequest,
    action: string,
    target: string,
    run: () => Promise<{ result: T; details: Record<string, unknown> }>,
  ): Promise<T> {
    const base = { actor: actorOf(request), action, target, ip: request.ip };
    try {
      const { result, details } = await run();
      await app.audit.record({ ...base, outcome: 'success', details });
      return result;
    } catch (err) {
      const code = err instanceof AppError ? err.code : 'INTERNAL';
      await app.audit.record({ ...base, outcome: 'failure', details: { code } });
      throw err;
    }
  }

  app.get(
    '/api/v1/models',
    {
      config: { auth: VIEWERS },
      schema: {
        tags: ['models'],
        summary: 'List registered models, newest version first per kind',
        querystring: z.strictObject({ kind: text.optional(), stage: stageSchema.optional() }),
        response: { 200: z.object({ items: z.array(summarySchema) }) },
      },
    },
    async (request) => ({ items: await registry.list(request.query) }),
  );

  app.get(
    '/api/v1/models/active',
    {
      config: { auth: VIEWERS },
      schema: {
        tags: ['models'],
        summary: 'The production model of each kind, as loaded by this server for scoring',
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.string(),
                kind: z.string(),
                version: z.number(),
                algorithm: z.string(),
                nFeatures: z.number(),
                target: z.string(),
                classNames: z.array(z.string()),
              }),
            ),
          }),
        },
      },
    },
    async () => ({
      items: app.activeModels
        .list()
        .sort((a, b) => a.kind.localeCompare(b.kind))
        .map((m) => ({
          id: m.id,
          kind: m.kind,
          version: m.version,
          algorithm: m.document.algorithm,
          nFeatures: m.compiled.nFeatures,
          target: m.document.featureSpec.target.kind,
          classNames: [...m.document.featureSpec.target.classNames],
        })),
    }),
  );

  app.get(
    '/api/v1/models/:id',
    {
      config: { auth: VIEWERS },
      schema: {
        tags: ['models'],
        summary:
          'One model with its metrics, feature spec and stage history (?include=document for the model file)',
        params: idParams,
        querystring: z.strictObject({ include: z.literal('document').optional() }),
        response: { 200: detailSchema },
      },
    },
    async (request) =>
      registry.get(request.params.id, { includeDocument: request.query.include === 'document' }),
  );

  app.post(
    '/api/v1/models',
    {
      config: { auth: ADMINS },
      schema: {
        tags: ['models'],
        summary:
          'Register a model document (as written by `vigil train`) as the next version of its kind (admin)',
        description:
          'The body is the model JSON. It starts in `experimental` unless `stage` (with `reason`) is given.',
        querystring: z.strictObject({ stage: stageSchema.optional(), reason: reasonSchema.optional() }),
        body: z.record(z.string(), z.unknown()),
        response: { 201: promotionSchema },
      },
    },
    async (request, reply) => {
      const { stage, reason } = request.query;
      const target = typeof request.body.id === 'string' ? request.body.id : null;
      const result = await audited(request, 'model.register', target ?? 'models', async () => {
        const r = await registry.register(request.body, actorOf(request), { stage, reason });
        return {
          result: r,
          details: { kind: r.model.kind, version: r.model.version, stage: r.model.stage, demoted: r.demoted },
        };
      });
      if (result.model.stage === 'production' || result.demoted)
        await app.activeModels.refresh(result.model.kind);
      return reply.code(201).send(result);
    },
  );

  app.post(
    '/api/v1/models/:id/promote',
    {
      config: { auth: ADMINS },
      schema: {
        tags: ['models'],
        summary:
          'Move a model to another stage (admin); promoting to production demotes the current one to staging',
        params: idParams,
        body: z.strictObject({ stage: stageSchema, reason: reasonSchema }),
        response: { 200: promotionSchema },
      },
    },
    async (request) => {
      const { id } = request.params;
      const { stage, reason } = request.body;
      const result = await audited(request, 'model.promote', id, async () => {
        const r = await registry.promote(id, stage, actorOf(request), reason);
        return {
          result: r,
          details: {
            kind: r.model.kind,
            version: r.model.version,
            from: r.from,
            to: stage,
            reason,
            demoted: r.demoted,
          },
        };
      });
      // Production changes in this process at once; other instances see it at their next poll.
      await app.activeModels.refresh(result.model.kind);
      return result;
    },
  );
};
