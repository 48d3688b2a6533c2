import { getFlowSchema, URL_FEATURES, URL_SCHEMA_VERSION } from '@vigil/detect';
import type { FeatureInfo, ModelDocument } from '@vigil/ml';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AppError } from '../src/errors/app-error.js';
import type { ActiveModelsService } from '../src/modules/models/active-models.service.js';
import { checkFeatureSpec } from '../src/modules/models/feature-spec.js';
import { ModelRegistry } from '../src/modules/models/model-registry.service.js';
import { SYNTHETIC, syntheticModel } from './model-fixtures.js';
import { buildTestApp } from './support/app.js';
import { describeEachEngine, openTestStore, type TestStore } from './support/stores.js';

/** A copy of `doc` with another id and feature list (the trees still fit the feature count). */
function withFeatures(
  doc: ModelDocument,
  id: string,
  features: FeatureInfo[],
  schema = doc.featureSpec.schema,
) {
  return { ...doc, id, featureSpec: { ...doc.featureSpec, schema, features } };
}

function appError(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected an AppError');
}

describe('feature spec check', () => {
  it('accepts the features the dataset builder produces for every flow schema, in order', () => {
    const nsl = getFlowSchema('nsl-kdd');
    const features = nsl.features.map((f) => ({ name: f.name, kind: f.kind }));
    const spec = {
      schema: 'nsl-kdd',
      schemaVersion: nsl.version,
      features,
      preprocessing: {},
      target: { kind: 'binary' as const, classNames: ['benign', 'attack'] },
    };
    expect(checkFeatureSpec(spec)).toBe('nsl-kdd');
    const url = { ...spec, schema: 'url', schemaVersion: URL_SCHEMA_VERSION, features: [...URL_FEATURES] };
    expect(checkFeatureSpec(url)).toBe('url');
    expect(
      appError(() => checkFeatureSpec({ ...url, features: [{ name: 'x', kind: 'numeric' }] })).code,
    ).toBe('SCHEMA_MISMATCH');
    expect(
      appError(() => checkFeatureSpec({ ...url, schemaVersion: URL_SCHEMA_VERSION + 1 })).message,
    ).toMatch(/URL features version 2, this server computes version 1/);
  });

  it('names the first differing, missing or extra feature and unknown schemas', () => {
    const nsl = getFlowSchema('nsl-kdd');
    const features = nsl.features.map((f) => ({ name: f.name, kind: f.kind }));
    const base = {
      schema: 'nsl-kdd',
      schemaVersion: 1,
      preprocessing: {},
      target: { kind: 'binary' as const, classNames: ['benign', 'attack'] },
    };
    const swapped = [...features];
    [swapped[2], swapped[3]] = [swapped[3], swapped[2]];
    let e = appError(() => checkFeatureSpec({ ...base, features: swapped }));
    expect(e.code).toBe('SCHEMA_MISMATCH');
    expect(e.message).toContain(`feature 2 is "${features[3].name}"`);
    expect(e.details.path).toBe('featureSpec.features[2].name');

    e = appError(() => checkFeatureSpec({ ...base, features: features.slice(0, -1) }));
    expect(e.message).toContain(`"${features.at(-1)?.name}" is missing`);
    e = appError(() =>
      checkFeatureSpec({ ...base, features: [...features, { name: 'extra', kind: 'numeric' }] }),
    );
    expect(e.message).toContain('"extra" is not in schema "nsl-kdd"');
    const recast = features.map((f, i) => (i === 1 ? { ...f, kind: 'numeric' as const } : f));
    e = appError(() => checkFeatureSpec({ ...base, features: recast }));
    expect(e.details.path).toBe('featureSpec.features[1].kind');
    e = appError(() => checkFeatureSpec({ ...base, schema: 'made-up-flows', features }));
    expect(e.code).toBe('SCHEMA_MISMATCH');
    expect(e.message).toMatch(/not a known model kind; known: nsl-kdd, .*synthetic-flows, url/);
  });
});

describeEachEngine('model registry', (engine) => {
  let store: TestStore;
  let registry: ModelRegistry;
  let a: ModelDocument;
  let b: ModelDocument;
  let c: ModelDocument;
  const clock = () => new Date('2026-02-03T04:05:06.000Z');

  beforeAll(async () => {
    store = await openTestStore(engine);
    registry = new ModelRegistry(store.db, clock);
    [a, b, c] = await Promise.all([
      syntheticModel('model-a', 1),
      syntheticModel('model-b', 2),
      syntheticModel('model-c', 3),
    ]);
  });
  afterAll(async () => {
    await store?.dispose();
  });

  it('registers versions per kind, experimental, with a "registered" transition', async () => {
    const r1 = await registry.register(a, 'user:alice');
    expect(r1.model).toMatchObject({
      id: 'model-a',
      kind: SYNTHETIC,
      version: 1,
      algorithm: 'gbdt',
      stage: 'experimental',
      createdBy: 'user:alice',
      createdAt: '2026-02-03T04:05:06.000Z',
      headline: { accuracy: 0.9, f1: 0.88, rocAuc: 0.95, fpr: 0.02 },
    });
    expect(r1.model.transitions).toEqual([
      {
        from: null,
        to: 'experimental',
        actor: 'user:alice',
        reason: 'registered',
        at: '2026-02-03T04:05:06.000Z',
      },
    ]);
    // JSON text (a file's content) registers the same way.
    const r2 = await registry.register(JSON.stringify(b), 'cli:bob');
    expect(r2.model.version).toBe(2);
    const got = await registry.get('model-b', { includeDocument: true });
    expect(got.document).toEqual(JSON.parse(JSON.stringify(b)));
    expect(got.featureSpec).toEqual(JSON.parse(JSON.stringify(b.featureSpec)));
    expect((await registry.get('model-a')).document).toBeUndefined();
  });

  it('refuses a duplicate id, an invalid document and a mismatched feature spec', async () => {
    await expect(registry.register(a, 'x')).rejects.toMatchObject({ code: 'CONFLICT', message: /model-a/ });
    await expect(registry.register({ ...a, id: 'bad', ensemble: {} }, 'x')).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { path: expect.stringMatching(/^ensemble/) },
    });
    await expect(registry.register('{not json', 'x')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(registry.register({ ...a, id: 'a/b' }, 'x')).rejects.toMatchObject({
      details: { path: 'id' },
    });
    const features = a.featureSpec.features.map((f, i) => (i === 4 ? { ...f, name: 'bwd_pkts' } : f));
    await expect(registry.register(withFeatures(a, 'renamed', features), 'x')).rejects.toMatchObject({
      code: 'SCHEMA_MISMATCH',
      message: 'feature 4 is "bwd_pkts" but schema "synthetic-flows" expects "bwd_packets" there',
    });
    await expect(registry.register(withFeatures(a, 'other', features, 'nsl-kdd'), 'x')).rejects.toMatchObject(
      {
        code: 'SCHEMA_MISMATCH',
      },
    );
    expect((await registry.list()).map((m) => m.id)).toEqual(['model-b', 'model-a']);
  });

  it('promotes with a reason; production demotes the previous production model to staging', async () => {
    await expect(registry.promote('model-a', 'production', 'user:alice', '  ')).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { path: 'reason' },
    });
    await expect(registry.promote('nope', 'staging', 'user:alice', 'why')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const first = await registry.promote('model-a', 'production', 'user:alice', 'best so far');
    expect(first).toMatchObject({ from: 'experimental', demoted: null, model: { stage: 'production' } });
    await expect(registry.promote('model-a', 'production', 'user:alice', 'again')).rejects.toMatchObject({
      code: 'CONFLICT',
    });

    const second = await registry.promote('model-b', 'production', 'user:carol', 'higher recall');
    expect(second).toMatchObject({
      from: 'experimental',
      demoted: 'model-a',
      model: { stage: 'production' },
    });
    const demoted = await registry.get('model-a');
    expect(demoted.stage).toBe('staging');
    expect(demoted.transitions.map((t) => [t.from, t.to, t.actor, t.reason])).toEqual([
      [null, 'experimental', 'user:alice', 'registered'],
      ['experimental', 'production', 'user:alice', 'best so far'],
      ['production', 'staging', 'user:carol', 'replaced in production by model-b (v2): higher recall'],
    ]);
    expect((await registry.list({ stage: 'production' })).map((m) => m.id)).toEqual(['model-b']);
    expect((await registry.list({ kind: SYNTHETIC, stage: 'staging' })).map((m) => m.id)).toEqual([
      'model-a',
    ]);
    expect(await registry.list({ kind: 'nsl-kdd' })).toEqual([]);
  });

  it('keeps one production model per kind under concurrent promotions', async () => {
    await registry.register(c, 'cli:bob', { stage: 'staging', reason: 'candidate' });
    const results = await Promise.allSettled([
      registry.promote('model-a', 'production', 'u1', 'race 1'),
      registry.promote('model-c', 'production', 'u2', 'race 2'),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled').length).toBeGreaterThanOrEqual(1);
    const production = await registry.list({ stage: 'production' });
    expect(production).toHaveLength(1);
    // Every demotion was recorded: each model's history ends in its current stage.
    for (const m of await registry.list()) {
      const { transitions } = await registry.get(m.id);
      expect(transitions.at(-1)?.to).toBe(m.stage);
    }
  });

  it('archives and registers straight into a stage', async () => {
    const archived = await registry.promote('model-c', 'archived', 'u', 'retired');
    expect(archived.model.stage).toBe('archived');
    await expect(
      registry.register({ ...a, id: 'model-d' }, 'u', { stage: 'staging', reason: '' }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await registry.list()).some((m) => m.id === 'model-d')).toBe(false);
  });
});

describeEachEngine('active models', (engine) => {
  let store: TestStore;
  let app: FastifyInstance;
  let registry: ModelRegistry;
  let docs: ModelDocument[];

  beforeAll(async () => {
    store = await openTestStore(engine);
    registry = new ModelRegistry(store.db);
    docs = await Promise.all([1, 2, 3].map((s) => syntheticModel(`hot-${s}`, s)));
    for (const d of docs) await registry.register(d, 'test');
    await registry.promote('hot-1', 'production', 'test', 'initial');
    app = await buildTestApp(store, { modelPollMs: 0 });
  });
  afterAll(async () => {
    await app?.close();
    await store?.dispose();
  });

  const active = () => app.activeModels as ActiveModelsService;
  const gauge = async () => (await app.metrics.registry.getSingleMetric('vigil_model_in_use')?.get())?.values;

  it('loads the production model at start-up and reports it in the gauge', async () => {
    const m = active().get(SYNTHETIC);
    expect(m?.id).toBe('hot-1');
    expect(m?.version).toBe(1);
    expect(
      active()
        .list()
        .map((x) => x.id),
    ).toEqual(['hot-1']);
    expect(active().get('nsl-kdd')).toBeUndefined();
    expect(await gauge()).toEqual([
      { value: 1, labels: { kind: SYNTHETIC, model_id: 'hot-1', version: '1' } },
    ]);
  });

  it('swaps to a model promoted elsewhere on the next check; a held model keeps working', async () => {
    const held = active().get(SYNTHETIC)!;
    // Another process (the CLI) promotes through its own registry on the same store.
    await new ModelRegistry(store.db).promote('hot-2', 'production', 'cli:ops', 'better');
    expect(active().get(SYNTHETIC)?.id).toBe('hot-1');
    await active().checkForChanges();
    const now = active().get(SYNTHETIC)!;
    expect(now.id).toBe('hot-2');
    expect(held.id).toBe('hot-1');
    const row = new Float64Array(held.compiled.nFeatures);
    expect(held.compiled.predictRow(row, new Float64Array(1))[0]).toBeGreaterThan(0);
    expect(await gauge()).toEqual([
      { value: 1, labels: { kind: SYNTHETIC, model_id: 'hot-2', version: '2' } },
    ]);
  });

  it('refresh(kind) reloads at once; archiving production unloads the kind', async () => {
    await registry.promote('hot-3', 'production', 'test', 'newest');
    await active().refresh(SYNTHETIC);
    expect(active().get(SYNTHETIC)?.id).toBe('hot-3');
    await registry.promote('hot-3', 'archived', 'test', 'pulled');
    await active().checkForChanges();
    expect(active().get(SYNTHETIC)).toBeUndefined();
    expect(await gauge()).toEqual([]);
  });

  it('polls the store on its own when a poll interval is set', async () => {
    const polled = await buildTestApp(store, { modelPollMs: 20 });
    try {
      expect(polled.activeModels.get(SYNTHETIC)).toBeUndefined();
      await registry.promote('hot-1', 'production', 'cli:ops', 'roll back');
      await vi.waitFor(() => expect(polled.activeModels.get(SYNTHETIC)?.id).toBe('hot-1'), {
        timeout: 10_000,
        interval: 20,
      });
    } finally {
      await polled.close();
    }
  });
});
