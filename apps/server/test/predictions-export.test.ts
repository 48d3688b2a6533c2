import { parse as parseCsv } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectedOrder, type SeedRow, seedPredictions, variedRows } from './seed-predictions.js';
import { authHeaders, buildTestApp } from './support/app.js';
import { describeEachEngine, openTestStore, type TestStore } from './support/stores.js';

const T0 = Date.parse('2026-02-01T00:00:00Z');

describeEachEngine('prediction export and clearing', (engine) => {
  let store: TestStore;
  let app: FastifyInstance;
  let rows: SeedRow[];
  let bulk: SeedRow[];
  let viewer: { authorization: string };

  beforeAll(async () => {
    store = await openTestStore(engine);
    app = await buildTestApp(store, {}, () => new Date('2026-03-01T00:00:00Z'));
    rows = await seedPredictions(store.db, variedRows(60, T0));
    // More rows than one export page (5,000), to see every page streamed.
    bulk = await seedPredictions(
      store.db,
      variedRows(12_000, T0 + 86_400_000).map((r) => ({ ...r, modelId: 'bulk' })),
    );
    viewer = await authHeaders(app, 'viewer');
  });
  afterAll(async () => {
    await app?.close();
    await store?.dispose();
  });

  const exportUrl = (query: Record<string, string>) =>
    `/api/v1/predictions/export?${new URLSearchParams(query)}`;

  it('exports CSV with a header, every matching row, and formula-looking text neutralised', async () => {
    const res = await app.inject({
      method: 'GET',
      url: exportUrl({ format: 'csv', modelId: 'model-a' }),
      headers: viewer,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="vigil-predictions-20260301T000000Z.csv"',
    );
    const records: Record<string, string>[] = parseCsv(res.body, { columns: true });
    const expected = expectedOrder(
      rows.filter((r) => r.modelId === 'model-a'),
      'created_at',
      'desc',
    );
    expect(records.map((r) => Number(r.id))).toEqual(expected);
    const injected = records.filter((r) => r.category.includes('cmd'));
    expect(injected.length).toBeGreaterThan(0);
    for (const r of injected) expect(r.category).toBe("'=cmd()");
    expect(res.body).not.toMatch(/(^|,)=cmd/m);
    const sample = records.find((r) => r.category === 'DoS')!;
    expect(sample).toMatchObject({ verdict: 'attack', model_id: 'model-a', dst_port: '443' });
    expect(JSON.parse(sample.top_features)).toEqual([{ name: 'src_bytes', value: 1, contribution: 0.5 }]);
  });

  it('exports the same set as a JSON array and as NDJSON', async () => {
    const query = { verdict: 'attack', modelId: 'model-b', sort: 'risk_score:asc' };
    const expected = expectedOrder(
      rows.filter((r) => r.verdict === 'attack' && r.modelId === 'model-b'),
      'risk_score',
      'asc',
    );
    const json = await app.inject({
      method: 'GET',
      url: exportUrl({ ...query, format: 'json' }),
      headers: viewer,
    });
    expect(json.headers['content-type']).toBe('application/json; charset=utf-8');
    const items = json.json();
    expect(items.map((p: { id: number }) => p.id)).toEqual(expected);
    expect(items.find((p: { category: string }) => p.category === '=cmd()')).toBeDefined();
    const nd = await app.inject({
      method: 'GET',
      url: exportUrl({ ...query, format: 'ndjson' }),
      headers: viewer,
    });
    expect(nd.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    const lines = nd.body
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual(items);
    const empty = await app.inject({
      method: 'GET',
      url: exportUrl({ modelId: 'none', format: 'json' }),
      headers: viewer,
    });
    expect(empty.json()).toEqual([]);
  });

  it('streams a 12,000-row export complete, in order, without repeats', async () => {
    const expected = expectedOrder(bulk, 'created_at', 'asc');
    const csv = await app.inject({
      method: 'GET',
      url: exportUrl({ modelId: 'bulk', sort: 'created_at:asc' }),
      headers: viewer,
    });
    expect(csv.statusCode).toBe(200);
    const records: Record<string, string>[] = parseCsv(csv.body, { columns: true });
    expect(records.map((r) => Number(r.id))).toEqual(expected);
    const nd = await app.inject({
      method: 'GET',
      url: exportUrl({ modelId: 'bulk', sort: 'created_at:asc', format: 'ndjson' }),
      headers: viewer,
    });
    expect(
      nd.body
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l).id),
    ).toEqual(expected);
  });

  it('validates export filters like the list', async () => {
    const res = await app.inject({ method: 'GET', url: exportUrl({ format: 'xlsx' }), headers: viewer });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.path).toBe('querystring.format');
    const inverted = await app.inject({
      method: 'GET',
      url: exportUrl({ minScore: '9', maxScore: '1' }),
      headers: viewer,
    });
    expect(inverted.json().error.path).toBe('querystring.minScore');
  });

  it('lets only admins clear history before a date, and audits it', async () => {
    const before = new Date(T0 + 10_000);
    const url = `/api/v1/predictions?before=${encodeURIComponent(before.toISOString())}`;
    expect((await app.inject({ method: 'DELETE', url, headers: viewer })).statusCode).toBe(403);
    const analyst = await authHeaders(app, 'analyst');
    expect((await app.inject({ method: 'DELETE', url, headers: analyst })).statusCode).toBe(403);
    const bad = await app.inject({
      method: 'DELETE',
      url: '/api/v1/predictions',
      headers: await authHeaders(app, 'admin', 'a0'),
    });
    expect(bad.json().error.path).toBe('querystring.before');

    const admin = await authHeaders(app, 'admin');
    const res = await app.inject({ method: 'DELETE', url, headers: admin });
    expect(res.statusCode, res.body).toBe(200);
    const gone = rows.filter((r) => r.createdAtUs < before.getTime() * 1000);
    expect(gone.length).toBeGreaterThan(0);
    expect(res.json()).toEqual({ deleted: gone.length });
    const left = await store.db
      .selectFrom('predictions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(left.n).toBe(rows.length + bulk.length - gone.length);
    const audit = await store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'predictions.clear')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ outcome: 'success', target: 'predictions' });
    expect(audit[0].actor).toMatch(/^api-key:test-admin \(\d+\)$/);
    expect(audit[0].details).toEqual({ before: before.toISOString(), deleted: gone.length });
    // Again: nothing left before that date.
    expect((await app.inject({ method: 'DELETE', url, headers: admin })).json()).toEqual({ deleted: 0 });
  });
});
