import rateLimit from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

// Probes and scrapes are never limited: a throttled /healthz would make Kubernetes restart a busy pod.
const UNLIMITED = new Set(['/healthz', '/readyz', '/metrics']);

/** The rate-limit bucket of a request: its API key, its user, or (anonymous) its address. */
export function rateLimitKey(request: FastifyRequest): string {
  const p = request.principal;
  if (!p || p.kind === 'anonymous') return `ip:${request.ip}`;
  return `${p.kind}:${p.id}`;
}

/**
 * Requests per minute per caller (VIGIL_RATE_LIMIT; 0 turns it off). In-process counters by
 * default; in Redis when REDIS_URL is set, so every instance behind a load balancer shares them.
 * Registered before the auth plugin, so its per-route hook runs before the role check (callers
 * guessing keys are limited too); the caller is still known when the key is computed, because
 * the auth plugin resolves it in an app-level hook, which runs before every route-level one.
 * Over the limit: 429 RATE_LIMITED with Retry-After (from the error handler).
 */
export const rateLimitPlugin = fp(
  async (app) => {
    const max = app.config.rateLimitPerMinute;
    if (max === 0) return;
    let redis: import('ioredis').Redis | undefined;
    if (app.config.redisUrl) {
      const { Redis } = await import('ioredis');
      redis = new Redis(app.config.redisUrl, { connectTimeout: 2_000, maxRetriesPerRequest: 1 });
      app.addHook('onClose', async () => {
        await redis?.quit();
      });
    }
    await app.register(rateLimit, {
      global: true,
      max,
      timeWindow: 60_000,
      keyGenerator: rateLimitKey,
      allowList: (request) => UNLIMITED.has(request.url.split('?')[0]),
      redis,
      nameSpace: 'vigil-rate-limit:',
      // A Redis outage must not take the API down with it.
      skipOnError: true,
    });
  },
  { name: 'vigil-rate-limit' },
);
