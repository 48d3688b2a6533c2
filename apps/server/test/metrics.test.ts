import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { authHeaders, buildTestApp } from './support/app.js';
import { describeEachEngine, openTestStore, type TestStore } from './support/stores.js';

/** The value of one sample line of a Prometheus text exposition, or undefined if absent. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = (m[2] ?? '').split(',').filter(Boolean);
    if (have.length === wanted.length && wanted.every((w) => have.includes(w))) return Number(m[3]);
  }
  return undefined;
}

describeEachEngine('metrics', (engine) => {
  let store: TestStore;
  let app: FastifyInstance;

  beforeAll(async () => {
    store = await openTestStore(engine);
    app = await buildTestApp(store);
  });
  afterAll(async () => {
    await app?.close();
    await store?.dispose();
  });

  const scrape = async () => {
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    return res;
  };

  it('serves the Prometheus text format to an anonymous scraper', async () => {
    const res = await scrape();
    expect(res.headers['content-type']).toBe(app.metrics.registry.contentType);
    expect(res.body).toMatch(/^# HELP vigil_http_request_duration_seconds /m);
    expect(res.body).toMatch(/^# TYPE vigil_predictions_total counter$/m);
    expect(res.body).toMatch(/^# TYPE vigil_model_in_use gauge$/m);
  });

  it('records request durations under the route pattern, never the raw URL', async () => {
    const viewer = await authHeaders(app, 'viewer');
    for (let i = 0; i < 3; i++) {
      const res = await app.inject({
        method: 'GET',
        url: `/api/v1/predictions?limit=${i + 1}&q=secret-${i}`,
        headers: viewer,
      });
      expect(res.statusCode).toBe(200);
    }
    await app.inject({ method: 'GET', url: '/api/v1/predictions?limit=0', headers: viewer });
    await app.inject({ method: 'GET', url: '/no/such/page/12345?token=abc' });
    await app.inject({ method: 'GET', url: '/healthz' });

    const text = (await scrape()).body;
    const count = (route: string, status: string) =>
      sample(text, 'vigil_http_request_duration_seconds_count', {
        method: 'GET',
        route,
        status_code: status,
      });
    expect(count('/api/v1/predictions', '200')).toBe(3);
    expect(count('/api/v1/predictions', '400')).toBe(1);
    expect(count('unmatched', '404')).toBe(1);
    expect(count('/healthz', '200')).toBe(1);
    // Every observation landed in a finite bucket (no request here takes 5 s) and the +Inf bucket.
    const inf = sample(text, 'vigil_http_request_duration_seconds_bucket', {
      le: '+Inf',
      method: 'GET',
      route: '/api/v1/predictions',
      status_code: '200',
    });
    expect(inf).toBe(3);
    expect(text).not.toMatch(/secret-|no\/such|token=abc|limit=/);
  });

  it('shows predictions by verdict and the models in production', async () => {
    app.metrics.predictions.inc({ kind: 'nsl-kdd', verdict: 'attack' }, 2);
    app.metrics.predictions.inc({ kind: 'nsl-kdd', verdict: 'benign' });
    app.metrics.modelInUse.set({ kind: 'nsl-kdd', model_id: 'nsl-kdd-v3', version: '3' }, 1);
    const text = (await scrape()).body;
    expect(sample(text, 'vigil_predictions_total', { kind: 'nsl-kdd', verdict: 'attack' })).toBe(2);
    expect(sample(text, 'vigil_predictions_total', { kind: 'nsl-kdd', verdict: 'benign' })).toBe(1);
    expect(
      sample(text, 'vigil_model_in_use', { kind: 'nsl-kdd', model_id: 'nsl-kdd-v3', version: '3' }),
    ).toBe(1);
  });
});
