import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

/**
 * `GET /metrics` in the Prometheus text format. Public, so a scraper inside the cluster needs no
 * credentials: the series carry only route patterns, status codes, verdict counts, model ids and
 * versions, and process figures, never request data, addresses, users or keys. Keep it that way
 * when adding series; expose the port only to the cluster network if model ids are sensitive.
 */
export const metricsRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/metrics',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['operations'],
        summary: 'Prometheus metrics: request durations, predictions by verdict, models in production',
      },
    },
    async (_request, reply) => {
      const { registry } = app.metrics;
      return reply.type(registry.contentType).send(await registry.metrics());
    },
  );
};
