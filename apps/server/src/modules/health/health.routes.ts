import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Store } from '../../db/database.js';

const status = z.object({
  status: z.enum(['ok', 'unavailable']),
  checks: z.record(z.string(), z.string()).optional(),
});

/**
 * `/healthz`: the process is up (liveness). `/readyz`: the store answers, so traffic may come
 * (readiness). Both are public and cheap; neither touches models or users.
 */
export const healthRoutes: FastifyPluginAsyncZod<{ store: Store }> = async (app, { store }) => {
  app.get(
    '/healthz',
    { config: { auth: 'public' }, schema: { tags: ['health'], response: { 200: status } } },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/readyz',
    { config: { auth: 'public' }, schema: { tags: ['health'], response: { 200: status, 503: status } } },
    async (_request, reply) => {
      try {
        await sql`select 1`.execute(store.db);
        return { status: 'ok' as const, checks: { store: store.engine } };
      } catch (err) {
        return reply
          .status(503)
          .send({ status: 'unavailable' as const, checks: { store: (err as Error).message } });
      }
    },
  );
};
