import { describe, expect, it } from 'vitest';
import { authHeaders, buildTestApp } from './support/app.js';
import { openTestStore } from './support/stores.js';

const redisUrl = process.env.TEST_REDIS_URL;

async function exhaust(redis: string | undefined) {
  const store = await openTestStore('pglite');
  const app = await buildTestApp(store, { rateLimitPerMinute: 3, redisUrl: redis });
  try {
    const analyst = await authHeaders(app, 'analyst');
    const viewer = await authHeaders(app, 'viewer');
    const codes: number[] = [];
    for (let i = 0; i < 4; i++)
      codes.push((await app.inject({ url: '/api/v1/auth/me', headers: analyst })).statusCode);
    const limited = await app.inject({ url: '/api/v1/auth/me', headers: analyst });
    // Another key has its own budget; probes are never limited.
    const other = await app.inject({ url: '/api/v1/auth/me', headers: viewer });
    const health = await app.inject({ url: '/healthz' });
    return { codes, limited, other, health };
  } finally {
    await app.close();
    await store.dispose();
  }
}

describe('rate limiting', () => {
  it('answers 429 RATE_LIMITED with Retry-After once a key spends its budget (in process)', async () => {
    const { codes, limited, other, health } = await exhaust(undefined);
    expect(codes).toEqual([200, 200, 200, 429]);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(other.statusCode).toBe(200);
    expect(health.statusCode).toBe(200);
  });

  const withRedis = redisUrl ? it : process.env.CI === 'true' ? it : it.skip;
  withRedis(
    `shares counters through Redis when REDIS_URL is set${redisUrl ? '' : ' (set TEST_REDIS_URL)'}`,
    async () => {
      if (!redisUrl) throw new Error('CI=true but TEST_REDIS_URL is not set: .ci/run must start Redis');
      // Key ids restart at 1 in every fresh database: clear counters an earlier run left in Redis.
      const { Redis } = await import('ioredis');
      const redis = new Redis(redisUrl);
      const stale = await redis.keys('vigil-rate-limit:*');
      if (stale.length) await redis.del(...stale);
      await redis.quit();
      const store = await openTestStore('pglite');
      const config = { rateLimitPerMinute: 3, redisUrl };
      const a = await buildTestApp(store, config);
      const b = await buildTestApp(store, config);
      try {
        const headers = await authHeaders(a, 'analyst');
        const codes: number[] = [];
        for (const app of [a, b, a, b])
          codes.push((await app.inject({ url: '/api/v1/auth/me', headers })).statusCode);
        expect(codes).toEqual([200, 200, 200, 429]);
      } finally {
        await a.close();
        await b.close();
        await store.dispose();
      }
    },
  );

  it('limits sign-in attempts per address much harder', async () => {
    const store = await openTestStore('pglite');
    const app = await buildTestApp(store, { rateLimitPerMinute: 1000 });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 11; i++) {
        const res = await app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { username: 'x', password: 'wrong-password' },
        });
        codes.push(res.statusCode);
      }
      expect(codes.slice(0, 10).every((c) => c === 401)).toBe(true);
      expect(codes[10]).toBe(429);
    } finally {
      await app.close();
      await store.dispose();
    }
  });
});
