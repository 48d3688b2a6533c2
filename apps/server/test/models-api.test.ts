import type { ModelDocument } from '@vigil/ml';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SYNTHETIC, syntheticModel } from './model-fixtures.js';
import { authHeaders, buildTestApp } from './support/app.js';
import { describeEachEngine, openTestStore, type TestStore } from './support/stores.js';

describeEachEngine('models API', (engine) => {
  let store: TestStore;
  let app: FastifyInstance;
  let admin: { authorization: string };
  let viewer: { authorization: string };
  let analyst: { authorization: string };
  let a: ModelDocument;
  let b: ModelDocument;

  beforeAll(async () => {
    store = await openTestStore(engine);
    app = await buildTestApp(store, { modelPollMs: 0 });
    admin = await authHeaders(app, 'admin');
    viewer = await authHeaders(app, 'viewer');
    analyst = await authHeaders(app, 'analyst');
    [a, b] = await Promise.all([syntheticModel('api-a', 11), syntheticModel('api-b', 12)]);
  });
  afterAll(async () => {
    await app?.close();
    await store?.dispose();
  });

  const audits = (action: string) =>
    store.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('seq').execute();

  it('lets only admins register; registers a document as the next version, audited', async () => {
    for (const headers of [viewer, analyst]) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/models', headers, payload: a });
      expect(res.statusCode).toBe(403);
    }
    expect((await app.inject({ method: 'POST', url: '/api/v1/models', payload: a })).statusCode).toBe(401);

    const res = await app.inject({ method: 'POST', url: '/api/v1/models', headers: admin, payload: a });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      from: 'experimental',
      demoted: null,
      model: {
        id: 'api-a',
        kind: SYNTHETIC,
        version: 1,
        stage: 'experimental',
        createdBy: 'api-key:test-admin (1)',
      },
    });
    const [entry] = await audits('model.register');
    expect(entry).toMatchObject({ actor: 'api-key:test-admin (1)', target: 'api-a', outcome: 'success' });
    expect(entry.details).toMatchObject({ kind: SYNTHETIC, version: 1, stage: 'experimental' });
  });

  it('refuses duplicates, invalid documents and mismatched feature specs with their codes', async () => {
    const post = (payload: unknown) =>
      app.inject({ method: 'POST', url: '/api/v1/models', headers: admin, payload: payload as object });
    const dup = await post(a);
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('CONFLICT');

    const invalid = await post({ ...a, id: 'broken', formatVersion: 99 });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error).toMatchObject({ code: 'VALIDATION_FAILED', path: 'formatVersion' });

    const features = a.featureSpec.features.map((f, i) => (i === 0 ? { ...f, name: 'port' } : f));
    const mismatch = await post({ ...a, id: 'mismatch', featureSpec: { ...a.featureSpec, features } });
    expect(mismatch.statusCode).toBe(422);
    expect(mismatch.json().error).toMatchObject({
      code: 'SCHEMA_MISMATCH',
      path: 'featureSpec.features[0].name',
      message: expect.stringContaining('"dst_port"'),
    });
    expect((await audits('model.register')).map((e) => e.outcome)).toEqual([
      'success',
      'failure',
      'failure',
      'failure',
    ]);
  });

  it('lists and shows models to viewers; the document only on request', async () => {
    await app.inject({ method: 'POST', url: '/api/v1/models', headers: admin, payload: b });
    const list = await app.inject({ url: `/api/v1/models?kind=${SYNTHETIC}`, headers: viewer });
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((m: { id: string }) => m.id)).toEqual(['api-b', 'api-a']);
    const none = await app.inject({ url: '/api/v1/models?stage=production', headers: viewer });
    expect(none.json().items).toEqual([]);
    const bad = await app.inject({ url: '/api/v1/models?stage=live', headers: viewer });
    expect(bad.statusCode).toBe(400);

    const one = await app.inject({ url: '/api/v1/models/api-a', headers: viewer });
    expect(one.statusCode).toBe(200);
    const body = one.json();
    expect(body.document).toBeUndefined();
    expect(body.metrics).toEqual(a.metrics);
    expect(body.featureSpec.schema).toBe(SYNTHETIC);
    expect(body.transitions).toEqual([
      expect.objectContaining({ from: null, to: 'experimental', reason: 'registered' }),
    ]);
    const full = await app.inject({ url: '/api/v1/models/api-a?include=document', headers: viewer });
    expect(full.json().document).toEqual(JSON.parse(JSON.stringify(a)));
    const missing = await app.inject({ url: '/api/v1/models/nope', headers: viewer });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('NOT_FOUND');
  });

  it('promotes (admin, with a reason), serves the new production model at once, audited', async () => {
    const promote = (id: string, payload: object, headers = admin) =>
      app.inject({ method: 'POST', url: `/api/v1/models/${id}/promote`, headers, payload });
    expect((await promote('api-a', { stage: 'production', reason: 'x' }, analyst)).statusCode).toBe(403);
    expect((await promote('api-a', { stage: 'production', reason: '   ' })).statusCode).toBe(400);
    expect((await promote('api-a', { stage: 'production' })).statusCode).toBe(400);
    expect((await promote('nope', { stage: 'staging', reason: 'x' })).statusCode).toBe(404);

    const active = async () =>
      (await app.inject({ url: '/api/v1/models/active', headers: viewer })).json().items;
    expect(await active()).toEqual([]);
    const first = await promote('api-a', { stage: 'production', reason: 'first model' });
    expect(first.statusCode).toBe(200);
    expect(app.activeModels.get(SYNTHETIC)?.id).toBe('api-a');
    expect(await active()).toEqual([
      {
        id: 'api-a',
        kind: SYNTHETIC,
        version: 1,
        algorithm: 'gbdt',
        nFeatures: a.featureSpec.features.length,
        target: 'binary',
        classNames: ['benign', 'attack'],
      },
    ]);

    const second = await promote('api-b', { stage: 'production', reason: 'better recall' });
    expect(second.json()).toMatchObject({
      from: 'experimental',
      demoted: 'api-a',
      model: { stage: 'production' },
    });
    expect((await active()).map((m: { id: string }) => m.id)).toEqual(['api-b']);
    const demoted = (await app.inject({ url: '/api/v1/models/api-a', headers: viewer })).json();
    expect(demoted.stage).toBe('staging');
    expect(demoted.transitions.at(-1)).toMatchObject({ from: 'production', to: 'staging' });

    const entries = (await audits('model.promote')).filter((e) => e.outcome === 'success');
    expect(entries.map((e) => [e.target, e.details.from, e.details.to, e.details.reason])).toEqual([
      ['api-a', 'experimental', 'production', 'first model'],
      ['api-b', 'experimental', 'production', 'better recall'],
    ]);
    expect(entries[1].details.demoted).toBe('api-a');
  });

  it('documents the model routes in the OpenAPI spec', async () => {
    const spec = (await app.inject({ url: '/api/v1/openapi.json' })).json();
    for (const path of [
      '/api/v1/models',
      '/api/v1/models/active',
      '/api/v1/models/{id}',
      '/api/v1/models/{id}/promote',
    ]) {
      expect(Object.keys(spec.paths)).toContain(path);
    }
  });
});
