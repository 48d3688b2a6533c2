import {
  activeModelSchema,
  modelDetailSchema,
  modelStageSchema,
  modelSummarySchema,
  promoteBodySchema,
  promotionSchema,
  stageReasonSchema,
} from '@vigil/contracts';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors/app-error.js';
import { principalName, type Role } from '../auth/principal.js';
import { ModelRegistry } from './model-registry.service.js';

const VIEWERS: readonly Role[] = ['admin', 'analyst', 'viewer'];
const ADMINS: readonly Role[] = ['admin'];

const text = z.string().min(1).max(200);

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
        querystring: z.strictObject({ kind: text.optional(), stage: modelStageSchema.optional() }),
        response: { 200: z.object({ items: z.array(modelSummarySchema) }) },
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
          200: z.object({ items: z.array(activeModelSchema) }),
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
        response: { 200: modelDetailSchema },
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
        querystring: z.strictObject({
          stage: modelStageSchema.optional(),
          reason: stageReasonSchema.optional(),
        }),
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
        body: promoteBodySchema,
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
