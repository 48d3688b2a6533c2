import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { type AppConfig, loadConfig } from '../../src/config/env.js';
import type { Store } from '../../src/db/database.js';
import type { Role } from '../../src/db/schema.js';

/** Config for tests: defaults, no rate limit unless asked, overridable per test. */
export function testConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  return Object.freeze({
    ...loadConfig({ VIGIL_DATA_DIR: 'memory://', VIGIL_RATE_LIMIT: '0' }),
    ...overrides,
  });
}

export async function buildTestApp(
  store: Store,
  overrides: Partial<AppConfig> = {},
  clock?: () => Date,
): Promise<FastifyInstance> {
  const app = await buildApp({ config: testConfig(overrides), store, clock });
  await app.ready();
  return app;
}

/** `Authorization` header for a fresh API key with `role` (created straight in the store). */
export async function authHeaders(
  app: FastifyInstance,
  role: Role,
  name = `test-${role}`,
): Promise<{ authorization: string }> {
  const { key } = await app.auth.apiKeys.create({ name, role, createdBy: null });
  return { authorization: `Bearer ${key}` };
}

/** Creates a user and signs in; returns the cookie and CSRF headers a browser would send. */
export async function signIn(
  app: FastifyInstance,
  role: Role,
  username = `${role}-user`,
  password = 'correct horse battery',
): Promise<{ cookie: string; 'x-csrf-token': string }> {
  await app.auth.users.create({ username, password, role });
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username, password },
  });
  if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === 'vigil_session');
  if (!cookie) throw new Error('sign-in set no session cookie');
  return { cookie: `vigil_session=${cookie.value}`, 'x-csrf-token': res.json().csrfToken };
}
