import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Role } from '../auth/principal.js';
import { MAX_URL_LENGTH, MAX_URLS, UrlCheckService } from './urls.service.js';

/** Analysts check URLs; viewers only read history. */
const CHECKERS: readonly Role[] = ['admin', 'analyst'];

const bodySchema = z.strictObject({
  // Each URL is checked by the service (index, length, http(s)), so errors name `urls.<i>`.
  urls: z
    .array(z.string())
    .min(1, 'send at least one URL')
    .max(MAX_URLS, `send at most ${MAX_URLS} URLs per request`)
    .describe(`1 to ${MAX_URLS} absolute http(s) URLs of at most ${MAX_URL_LENGTH} characters`),
  explain: z
    .enum(['all', 'alerts', 'none'])
    .default('all')
    .describe('Which URLs get reasons: all (default), malicious ones only, or none'),
});

const reasonSchema = z.object({
  feature: z.string().describe('Lexical feature name (the `url` schema)'),
  text: z.string().describe('The feature in words, e.g. "host is an IP address"'),
  value: z.number(),
  contribution: z.number().describe('Support for the verdict: log-odds for GBDT models'),
});

const predictionSchema = z.object({
  url: z.string(),
  verdict: z.enum(['benign', 'attack']).describe('`attack` when the URL is judged malicious'),
  probability: z.number().describe('Probability that the URL is malicious'),
  category: z.string().describe('Predicted class: malicious or benign'),
  riskScore: z.number().int().min(0).max(100),
  host: z.string(),
  domain: z.string().nullable().describe('Registrable domain; null for IP hosts'),
  reasons: z.array(reasonSchema),
  modelId: z.string(),
  modelVersion: z.number().int(),
});

const responseSchema = z.object({
  model: z.object({ id: z.string(), kind: z.string(), version: z.number().int(), threshold: z.number() }),
  predictions: z.array(predictionSchema),
  summary: z.object({ urls: z.number().int(), malicious: z.number().int(), stored: z.number().int() }),
});

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
        body: bodySchema,
        response: { 200: responseSchema },
      },
      // As for flows: the typed result is written as is; a zod pass over 10,000 results costs more
      // than scoring them.
      serializerCompiler: () => (data) => JSON.stringify(data),
    },
    async (request) => service.check(request.body, 'api'),
  );
};
