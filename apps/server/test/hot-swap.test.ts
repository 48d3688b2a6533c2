import { generateSyntheticFlows } from '@vigil/detect';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ModelRegistry } from '../src/modules/models/model-registry.service.js';
import { syntheticModel } from './model-fixtures.js';
import { authHeaders, buildTestApp } from './support/app.js';
import { describeEachEngine, openTestStore, type TestStore } from './support/stores.js';

function records(n: number): Record<string, unknown>[] {
  const ds = generateSyntheticFlows({ rows: n, seed: 5 });
  return Array.from({ length: n }, (_, r) =>
    Object.fromEntries(
      ds.features.map((f, j) => {
        const v = ds.columns[j][r];
        return [f.name, Number.isNaN(v) ? null : f.categories ? f.categories[v] : v];
      }),
    ),
  );
}

/**
 * A promotion while requests are in flight: every request completes, each with one of the two
 * models (never a mix within a response), and requests after the promotion use the new model.
 */
describeEachEngine('hot swap under load', (engine) => {
  let store: TestStore;
  let app: FastifyInstance;
  let registry: ModelRegistry;

  beforeAll(async () => {
    store = await openTestStore(engine);
    registry = new ModelRegistry(store.db);
    await registry.register(await syntheticModel('model-a', 1), 'test', {
      stage: 'production',
      reason: 'first',
    });
    await registry.register(await syntheticModel('model-b', 2), 'test');
    app = await buildTestApp(store, { history: 'none' });
  });
  afterAll(async () => {
    await app.close();
    await store.dispose();
  });

  it('drops no request and never mixes models within a response', async () => {
    const headers = await authHeaders(app, 'analyst');
    const body = { records: records(50) };
    const fire = () => app.inject({ method: 'POST', url: '/api/v1/predict/flows', headers, payload: body });
    const before = Array.from({ length: 100 }, fire);
    const promotion = registry
      .promote('model-b', 'production', 'test', 'swap under load')
      .then(() => app.activeModels.refresh('synthetic-flows'));
    const during = Array.from({ length: 100 }, fire);
    const responses = await Promise.all([...before, ...during]);
    await promotion;
    const after = await fire();

    for (const res of responses) {
      expect(res.statusCode).toBe(200);
      const ids = new Set(res.json().predictions.map((p: { modelId: string }) => p.modelId));
      expect(ids.size).toBe(1);
      expect(['model-a', 'model-b']).toContain([...ids][0]);
    }
    expect(after.json().model.id).toBe('model-b');
  });
});
