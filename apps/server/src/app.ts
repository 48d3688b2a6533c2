import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { AppConfig } from './config/env.js';
import type { Store } from './db/database.js';
import { registerErrorHandler } from './http/error-handler.js';
import { rateLimitPlugin } from './http/rate-limit.plugin.js';
import { webAppPlugin } from './http/web-app.plugin.js';
import { createJobQueue } from './jobs/create-job-queue.js';
import { createJobHandlers } from './jobs/handlers.js';
import type { JobQueue } from './jobs/job-queue.js';
import { auditRoutes } from './modules/audit/audit.routes.js';
import { AuditService } from './modules/audit/audit.service.js';
import { authPlugin } from './modules/auth/auth.plugin.js';
import { authRoutes } from './modules/auth/auth.routes.js';
import { usersRoutes } from './modules/auth/users.routes.js';
import { batchesRoutes } from './modules/batches/batches.routes.js';
import { healthRoutes } from './modules/health/health.routes.js';
import { livePlugin } from './modules/live/live.plugin.js';
import { createAppMetrics } from './modules/metrics/metrics.js';
import { metricsPlugin } from './modules/metrics/metrics.plugin.js';
import { createActiveModels } from './modules/models/active-models.service.js';
import { modelsRoutes } from './modules/models/models.routes.js';
import { predictionsRoutes } from './modules/predictions/predictions.routes.js';
import { scansRoutes } from './modules/scans/scans.routes.js';
import { scoringRoutes } from './modules/scoring/scoring.routes.js';
import { statsRoutes } from './modules/stats/stats.routes.js';
import { urlsRoutes } from './modules/urls/urls.routes.js';

/** Everything the app needs from outside; tests pass their own. */
export interface AppDeps {
  config: AppConfig;
  store: Store;
  /** Time source for audit entries, sessions and predictions (tests fix it). */
  clock?: () => Date;
  /** Fastify logger options; false (the default in tests) logs nothing. */
  logger?: FastifyServerOptions['logger'];
  /** Process metrics (CPU, memory, event loop) in /metrics; on for the served app, off in tests. */
  defaultMetrics?: boolean;
  /**
   * Background job queue (issue #4). Absent: buildApp creates one from config (BullMQ when REDIS_URL
   * is set, else the embedded runner on the store) and closes it with the app; a given queue is the
   * caller's to close. Either way the app works its job handlers unless VIGIL_WORKER_IN_PROCESS=false.
   */
  jobs?: JobQueue;
}

declare module 'fastify' {
  interface FastifyInstance {
    clock: () => Date;
    config: AppConfig;
    store: Store;
    /** Background job queue (issue #4). */
    jobs: JobQueue;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Builds the Fastify app with every module registered. It never listens: `main-api.ts` does. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: deps.config.bodyLimit,
    // A caller's request id is kept (so logs join up across services) when it is well-formed.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(app);
  app.decorate('metrics', createAppMetrics({ defaultMetrics: deps.defaultMetrics ?? false }));
  app.decorate('clock', deps.clock ?? (() => new Date()));
  app.decorate('config', deps.config);
  app.decorate('store', deps.store);
  app.decorate('audit', new AuditService(deps.store.db, app.clock));
  const activeModels = createActiveModels(deps.store.db, app.metrics, {
    pollMs: deps.config.modelPollMs,
    onError: (err, context) => app.log.error({ err }, context),
  });
  app.decorate('activeModels', activeModels);
  app.addHook('onClose', () => activeModels.stop());
  await activeModels.start();
  // --- Background jobs (issue #4): the queue, and this process as a worker unless told otherwise.
  const jobs = deps.jobs ?? (await createJobQueue({ config: deps.config, db: deps.store.db }));
  app.decorate('jobs', jobs);
  if (!deps.jobs) app.addHook('onClose', () => jobs.close());
  if (deps.config.workerInProcess) {
    await jobs.work(createJobHandlers({ store: deps.store, config: deps.config, queue: jobs }));
  }
  // --- end background jobs.
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Vigil API',
        version: '1',
        description: 'ML threat detection for network flows and URLs',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'API key: Authorization: Bearer vgl_…' },
          session: { type: 'apiKey', in: 'cookie', name: 'vigil_session' },
        },
      },
      security: [{ apiKey: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/v1/docs' });

  // Before any route, so their onRoute hooks see every route. Rate limiting first: its per-route
  // hook then runs before the role check, so key guessing is limited too.
  await app.register(rateLimitPlugin);
  await app.register(authPlugin);

  await app.register(metricsPlugin);
  await app.register(healthRoutes, { store: deps.store });
  // Module routes register below.
  await app.register(livePlugin);
  await app.register(authRoutes);
  await app.register(usersRoutes);
  await app.register(auditRoutes);
  await app.register(modelsRoutes);
  await app.register(predictionsRoutes);
  await app.register(statsRoutes);
  await app.register(scoringRoutes);
  await app.register(batchesRoutes);
  await app.register(urlsRoutes);
  await app.register(scansRoutes);

  // The dashboard (apps/web/dist) at /, after every API route.
  await app.register(webAppPlugin);

  app.get('/api/v1/openapi.json', { schema: { hide: true }, config: { auth: 'public' } }, async () =>
    app.swagger(),
  );

  return app;
}
