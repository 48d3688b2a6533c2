import { generateSyntheticFlows } from '@vigil/detect';
import {
  compileEnsemble,
  type Dataset,
  ensembleFromDocument,
  type ModelDocument,
  toRowMajor,
} from '@vigil/ml';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SYNTHETIC_SCHEMA } from '../src/training/demo-model.js';
import { trainModel } from '../src/training/training.service.js';
import { defaultTrainingConfig } from '../src/training/training-config.js';
import { authHeaders, buildTestApp } from './support/app.js';
import { describeEachEngine, openTestStore, type TestStore } from './support/stores.js';

const KIND = SYNTHETIC_SCHEMA.id;
const URL = '/api/v1/predict/flows';

/** A model trained the way `vigil demo` trains one, on fewer rows and rounds to stay fast. */
async function demoModel(): Promise<ModelDocument> {
  const dataset = generateSyntheticFlows({ rows: 3000, seed: 11 });
  const defaults = defaultTrainingConfig();
  const config = {
    ...defaults,
    seed: 11,
    gbdt: { ...defaults.gbdt, nEstimators: 40, earlyStoppingRounds: 10 },
  };
  const outcome = await trainModel({ dataset, schema: SYNTHETIC_SCHEMA, target: 'binary', config });
  return outcome.document;
}

/** Rows of a dataset as JSON records keyed by feature name (categorical codes as names, NaN as null). */
function recordsOf(ds: Dataset, n: number): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, r) =>
    Object.fromEntries(
      ds.features.map((f, j) => {
        const v = ds.columns[j][r];
        return [f.name, v !== v ? null : f.categories ? f.categories[v] : v];
      }),
    ),
  );
}

describeEachEngine('POST /api/v1/predict/flows', (engine) => {
  let store: TestStore;
  let app: FastifyInstance;
  let doc: ModelDocument;
  let analyst: { authorization: string };
  let data: Dataset;
  let records: Record<string, unknown>[];
  const clock = () => new Date('2026-03-04T05:06:07.000Z');

  const score = (body: unknown, headers = analyst, target = app) =>
    target.inject({ method: 'POST', url: URL, headers, payload: body as object });
  const count = async () =>
    Number(
      (await sql<{ n: number }>`select count(*)::int as n from predictions`.execute(store.db)).rows[0].n,
    );

  beforeAll(async () => {
    store = await openTestStore(engine);
    app = await buildTestApp(store, { history: 'all' }, clock);
    analyst = await authHeaders(app, 'analyst');
    doc = await demoModel();
    data = generateSyntheticFlows({ rows: 600, seed: 99 });
    records = recordsOf(data, 600);
  });
  afterAll(async () => {
    await app?.close();
    await store?.dispose();
  });

  it('answers 503 NO_PRODUCTION_MODEL with how to promote one, before any model is promoted', async () => {
    for (const body of [{ records: records.slice(0, 1) }, { schema: KIND, records: records.slice(0, 1) }]) {
      const res = await score(body);
      expect(res.statusCode).toBe(503);
      expect(res.json().error.code).toBe('NO_PRODUCTION_MODEL');
      expect(res.json().error.message).toMatch(/promote .*--stage production/);
    }
    const admin = await authHeaders(app, 'admin');
    const reg = await app.inject({
      method: 'POST',
      url: '/api/v1/models?stage=production&reason=scoring%20test',
      headers: admin,
      payload: doc,
    });
    expect(reg.statusCode).toBe(201);
  });

  it('scores one record exactly as the compiled model does', async () => {
    const res = await score({ records: [records[0]], explain: 'all' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    const compiled = compileEnsemble(ensembleFromDocument(doc));
    const p = compiled.predictRow(toRowMajor(data).subarray(0, data.features.length), new Float64Array(1))[0];
    expect(body.model).toEqual({ id: doc.id, kind: KIND, version: 1, threshold: 0.5 });
    expect(body.predictions).toHaveLength(1);
    const [one] = body.predictions;
    expect(one.probability).toBe(p);
    expect(one.verdict).toBe(p >= 0.5 ? 'attack' : 'benign');
    expect(one.category).toBe(one.verdict);
    expect(one).toMatchObject({ modelId: doc.id, modelVersion: 1 });
    expect(one.topFeatures.length).toBeGreaterThan(0);
    expect(one.topFeatures.length).toBeLessThanOrEqual(5);
    for (const f of one.topFeatures) expect(data.features.map((x) => x.name)).toContain(f.name);
  });

  it('scores many records: probabilities, verdicts, risk scores and explanations agree', async () => {
    const res = await score({ schema: KIND, records });
    expect(res.statusCode).toBe(200);
    const { predictions, summary } = res.json();
    const expected = compileEnsemble(ensembleFromDocument(doc)).predictBatch(toRowMajor(data), data.nRows);
    expect(predictions.map((p: { probability: number }) => p.probability)).toEqual(Array.from(expected));
    let attacks = 0;
    for (const p of predictions) {
      const attack = p.probability >= 0.5;
      attacks += Number(attack);
      expect(p.verdict).toBe(attack ? 'attack' : 'benign');
      expect(p.riskScore >= 50).toBe(attack);
      // Contributions are sorted by magnitude.
      const sizes = p.topFeatures.map((f: { contribution: number }) => Math.abs(f.contribution));
      expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
      // By default only alerts are explained.
      expect(sizes.length > 0).toBe(attack);
    }
    expect(attacks).toBeGreaterThan(50);
    expect(summary).toMatchObject({ records: 600, attacks, stored: 600 });

    for (const [explain, explained] of [
      ['all', 600],
      ['none', 0],
    ] as const) {
      const body = (await score({ records, explain })).json();
      const n = body.predictions.filter((p: { topFeatures: unknown[] }) => p.topFeatures.length > 0).length;
      expect(n).toBe(explained);
      expect(body.predictions.map((p: { probability: number }) => p.probability)).toEqual(
        Array.from(expected),
      );
    }
  });

  it('stores history per VIGIL_HISTORY (all, alerts, none) with the 5-tuple and source', async () => {
    const tuple = { src_ip: '10.1.2.3', dst_ip: '192.0.2.7', src_port: 40000 };
    const batch = records.slice(0, 200).map((r) => ({ ...r, ...tuple }));
    // Valid JSON that PostgreSQL's jsonb refuses (NUL, a lone surrogate) must not fail the insert.
    batch[0] = { ...batch[0], community_id: '1:x\u0000y\ud800' };
    const attacks = (await score({ records: batch })).json().summary.attacks as number;
    expect(attacks).toBeGreaterThan(0);
    expect(attacks).toBeLessThan(200);

    await sql`delete from predictions`.execute(store.db);
    expect((await score({ records: batch })).json().summary.stored).toBe(200);
    expect(await count()).toBe(200);
    const row = await store.db
      .selectFrom('predictions')
      .selectAll()
      .where('verdict', '=', 'attack')
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      model_id: doc.id,
      kind: KIND,
      source: 'api',
      src_ip: '10.1.2.3',
      dst_ip: '192.0.2.7',
      src_port: 40000,
      created_at: clock(),
    });
    expect(row.dst_port).toBe(row.record.dst_port);
    expect(row.risk_score).toBeGreaterThanOrEqual(50);
    expect(row.top_features.length).toBeGreaterThan(0);
    const first = await store.db
      .selectFrom('predictions')
      .select('record')
      .orderBy('id')
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(first.record.community_id).toBe('1:x\ufffdy\ufffd');

    for (const [history, stored] of [
      ['alerts', attacks],
      ['none', 0],
    ] as const) {
      const other = await buildTestApp(store, { history }, clock);
      try {
        const before = await count();
        const res = await score({ records: batch }, analyst, other);
        expect(res.json().summary.stored).toBe(stored);
        expect(await count()).toBe(before + stored);
      } finally {
        await other.close();
      }
    }
  });

  it('explains records with missing values and reads them back from history', async () => {
    const holes = records.slice(0, 20).map((r) => ({ ...r, duration_ms: null }));
    const res = await score({ records: holes, explain: 'all' });
    expect(res.statusCode).toBe(200);
    const missing = res
      .json()
      .predictions.flatMap((p: { topFeatures: { name: string; value: number | null }[] }) => p.topFeatures)
      .filter((f: { name: string }) => f.name === 'duration_ms');
    expect(missing.every((f: { value: number | null }) => f.value === null)).toBe(true);
    const history = await app.inject({ url: '/api/v1/predictions?limit=20', headers: analyst });
    expect(history.statusCode).toBe(200);
    expect(history.json().items).toHaveLength(20);
  });

  it('counts predictions by verdict in the metrics', async () => {
    // prom-client hands out live objects: read the numbers before the next request.
    const total = async () =>
      (await app.metrics.predictions.get()).values
        .filter((v) => v.labels.kind === KIND)
        .reduce((a, v) => a + v.value, 0);
    const before = await total();
    await score({ records: records.slice(0, 10) });
    expect((await total()) - before).toBe(10);
  });

  it('refuses bad batches with the path of the field', async () => {
    const cases: [unknown, number, string, string][] = [
      [{ records: [] }, 400, 'VALIDATION_FAILED', 'body.records'],
      [
        { records: Array.from({ length: 10_001 }, () => records[0]) },
        400,
        'VALIDATION_FAILED',
        'body.records',
      ],
      [{ records: [records[0], 'x'] }, 400, 'VALIDATION_FAILED', 'body.records.1'],
      [
        { records: records.slice(0, 5).map((r, i) => (i === 3 ? { ...r, duration_ms: 'abc' } : r)) },
        400,
        'VALIDATION_FAILED',
        'records.3.duration_ms',
      ],
      [{ records: [{ ...records[0], fwd_bytes: true }] }, 400, 'VALIDATION_FAILED', 'records.0.fwd_bytes'],
      [{ records: [{ ...records[0], src_ip: 'somewhere' }] }, 400, 'VALIDATION_FAILED', 'records.0.src_ip'],
      [
        { records: [{ ...records[0], 'Flow Duration': 1 }] },
        422,
        'SCHEMA_MISMATCH',
        'records.0.Flow Duration',
      ],
      [{ records: [{ dst_port: 80 }] }, 422, 'SCHEMA_MISMATCH', 'records.0.protocol'],
      [{ schema: 'nope', records: [records[0]] }, 400, 'VALIDATION_FAILED', 'schema'],
      [{ schema: 'url', records: [records[0]] }, 400, 'VALIDATION_FAILED', 'schema'],
      [{ records: [records[0]], extra: 1 }, 400, 'VALIDATION_FAILED', 'body'],
      [{ records: [records[0]], explain: 'some' }, 400, 'VALIDATION_FAILED', 'body.explain'],
    ];
    for (const [body, status, code, path] of cases) {
      const res = await score(body);
      expect(res.statusCode, JSON.stringify(res.json())).toBe(status);
      expect(res.json().error).toMatchObject({ code, path });
    }
    const nsl = await score({ schema: 'nsl-kdd', records: [records[0]] });
    expect(nsl.statusCode).toBe(503);
    expect(nsl.json().error.message).toMatch(/no production model for flow schema "nsl-kdd"/);
  });

  it('is in the OpenAPI document with its limits', async () => {
    const doc = (await app.inject({ url: '/api/v1/openapi.json' })).json();
    const body = doc.paths[URL].post.requestBody.content['application/json'].schema;
    expect(body.properties.records).toMatchObject({ type: 'array', minItems: 1, maxItems: 10_000 });
    expect(doc.paths[URL].post.responses['200']).toBeDefined();
  });

  it('lets analysts and admins score, not viewers or anonymous callers', async () => {
    const body = { records: [records[0]] };
    expect((await score(body, await authHeaders(app, 'admin', 'a2'))).statusCode).toBe(200);
    expect((await score(body, await authHeaders(app, 'viewer'))).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: URL, payload: body })).statusCode).toBe(401);
  });
});
