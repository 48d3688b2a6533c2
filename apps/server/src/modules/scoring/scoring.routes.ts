import { MAX_RECORDS, scoreFlowsBodySchema, scoreResponseSchema } from '@vigil/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Role } from '../auth/principal.js';
import { ScoringService } from './scoring.service.js';

/** Analysts score; viewers only read history. */
const SCORERS: readonly Role[] = ['admin', 'analyst'];

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
        body: scoreFlowsBodySchema,
        response: { 200: scoreResponseSchema },
      },
      // The response schema documents the route; the service's typed result is written as is, since
      // a zod pass over 10,000 predictions costs as much as scoring them (measured ~3 ms per 1,000).
      serializerCompiler: () => (data) => JSON.stringify(data),
    },
    async (request) => service.scoreFlows(request.body, 'api'),
  );
};
