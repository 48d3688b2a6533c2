import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { type AppConfig, loadConfig } from '../../src/config/env.js';
import type { Store } from '../../src/db/database.js';

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
