import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { metricsRoutes } from './metrics.routes.js';

/** The route label of a request that matched no route (404s, malformed URLs). */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Records every response's duration in `app.metrics.httpDuration`, labelled with the route
 * pattern (`/api/v1/predictions`, never the raw URL, so ids and query strings cannot grow the
 * series without bound), and serves `/metrics`. Register it before the module routes.
 */
async function metrics(app: FastifyInstance): Promise<void> {
  app.addHook('onResponse', async (request, reply) => {
    app.metrics.httpDuration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? UNMATCHED_ROUTE,
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });
  await app.register(metricsRoutes);
}

// fastify-plugin: not encapsulated, so the hook sees every route of the app, not only this plugin's.
export const metricsPlugin = fp(metrics, { name: 'vigil-metrics', fastify: '5.x' });
