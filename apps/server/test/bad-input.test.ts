import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelRegistry } from '../src/modules/models/model-registry.service.js';
import { syntheticModel } from './model-fixtures.js';
import { authHeaders, buildTestApp } from './support/app.js';
import { openTestStore, type TestStore } from './support/stores.js';

/** Bad input at the edge: each gets a clear status, a stable code and the path of what was wrong. */
describe('bad input to the API', () => {
  let store: TestStore;
  let app: FastifyInstance;
  let headers: { authorization: string };
  const predict = (payload: string, type = 'application/json') =>
    app.inject({
      method: 'POST',
      url: '/api/v1/predict/flows',
      headers: { ...headers, 'content-type': type },
      payload,
    });

  beforeAll(async () => {
    store = await openTestStore('pglite');
    await new ModelRegistry(store.db).register(await syntheticModel('bad-input-model', 3), 'test', {
      stage: 'production',
      reason: 'tests',
    });
    app = await buildTestApp(store, { bodyLimit: 4096, history: 'none' });
    headers = await authHeaders(app, 'analyst');
  });
  afterAll(async () => {
    await app.close();
    await store.dispose();
  });

  it('answers 413 PAYLOAD_TOO_LARGE for a body over the limit', async () => {
    const res = await predict(JSON.stringify({ records: [{ note: 'x'.repeat(5000) }] }));
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers 400 MALFORMED_JSON for JSON that does not parse', async () => {
    const res = await predict('{"records": [');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('MALFORMED_JSON');
  });

  it('names unknown fields and values of the wrong type with their path', async () => {
    const unknown = await predict(JSON.stringify({ records: [{}], extra: 1 }));
    expect(unknown.statusCode).toBe(400);
    expect(JSON.stringify(unknown.json().error)).toContain('extra');
    const nan = await predict(JSON.stringify({ records: [{ dst_port: 'NaN', protocol: 'tcp' }] }));
    expect(nan.statusCode).toBeGreaterThanOrEqual(400);
    expect(nan.statusCode).toBeLessThan(500);
    expect(nan.json().error.path ?? '').toMatch(/^records\.0\./);
  });

  it('treats SQL-looking filter text as text', async () => {
    const viewer = await authHeaders(app, 'viewer');
    for (const q of ["'; drop table predictions; --", "1' or '1'='1"]) {
      const res = await app.inject({
        url: `/api/v1/predictions?q=${encodeURIComponent(q)}&category=${encodeURIComponent(q)}`,
        headers: viewer,
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().items).toEqual([]);
    }
    const still = await store.db.selectFrom('predictions').select('id').limit(1).execute();
    expect(Array.isArray(still)).toBe(true);
  });
});
