import { MAX_URLS, urlCheckBodySchema, urlCheckResponseSchema } from '@vigil/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Role } from '../auth/principal.js';
import { UrlCheckService } from './urls.service.js';

/** Analysts check URLs; viewers only read history. */
const CHECKERS: readonly Role[] = ['admin', 'analyst'];

/** `POST /api/v1/urls/check`: the fast, network-free verdict on 1 to 10,000 URLs. */
export const urlsRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = new UrlCheckService({
    activeModels: app.activeModels,
    db: app.store.db,
    history: app.config.history,
    metrics: app.metrics,
    clock: app.clock,
  });

  app.post(
    '/api/v1/urls/check',
    {
      config: { auth: CHECKERS },
      schema: {
        tags: ['urls'],
        summary: `Fast verdict on 1 to ${MAX_URLS} URLs from their text alone (no network access)`,
        description:
          'Per URL: verdict at the model threshold, probability of being malicious, risk score 0–100 ' +
          '(the threshold maps to 50), the five features that weighed most for the verdict in words ' +
          '(e.g. "host is an IP address", "brand \'paypal\' in the subdomain, outside its domain"), the ' +
          'host and registrable domain, and the model version. Nothing is fetched: the URL text is ' +
          'the only input. A bad URL fails the request with its index (urls.<i>); no production URL ' +
          'model gives NO_PRODUCTION_MODEL. Verdicts are stored in history as kind `url`.',
        body: urlCheckBodySchema,
        response: { 200: urlCheckResponseSchema },
      },
      // As for flows: the typed result is written as is; a zod pass over 10,000 results costs more
      // than scoring them.
      serializerCompiler: () => (data) => JSON.stringify(data),
    },
    async (request) => service.check(request.body, 'api'),
  );
};
