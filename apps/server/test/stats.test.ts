import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketStart, resolveWindow } from '../src/modules/stats/stats.service.js';
import { type SeedInput, seedPredictions } from './seed-predictions.js';
import { authHeaders, buildTestApp } from './support/app.js';
import { describeEachEngine, openTestStore, type TestStore } from './support/stores.js';

const NOW = Date.parse('2026-03-10T12:30:00Z');
const H = 3_600_000;
const at = (offsetMs: number) => new Date(NOW + offsetMs).toISOString();

function row(offsetMs: number, p: Partial<SeedInput>): SeedInput {
  return {
    createdAt: at(offsetMs),
    modelId: 'm1',
    kind: 'nsl-kdd',
    verdict: 'benign',
    probability: 0.1,
    category: null,
    riskScore: 0,
    srcIp: null,
    dstIp: null,
    protocol: 'tcp',
    source: 'test',
    ...p,
  };
}

const attack = (category: string, riskScore: number) =>
  ({ verdict: 'attack', category, riskScore, probability: 0.9 }) as const;

// Seven rows in the last 24 h (one stamped exactly now), five older ones.
const SEED: SeedInput[] = [
  row(-1 * H, { ...attack('DoS', 90), srcIp: '10.0.0.1', dstIp: '192.168.0.1' }),
  row(-1 * H, { ...attack('DoS', 80), srcIp: '10.0.0.1', dstIp: '192.168.0.2' }),
  row(-2 * H, { ...attack('PortScan', 70), srcIp: '10.0.0.2', dstIp: '192.168.0.1' }),
  row(-2 * H, { riskScore: 10, srcIp: '10.0.0.3', dstIp: '192.168.0.1', modelId: 'm2' }),
  row(-3 * H, { riskScore: 0, srcIp: '10.0.0.3', dstIp: '192.168.0.3', modelId: 'm2' }),
  row(-23 * H, { riskScore: 20, srcIp: '10.0.0.3' }),
  row(0, { ...attack('DoS', 50), srcIp: '10.0.0.2', dstIp: '192.168.0.1' }),
  ...Array.from({ length: 5 }, () => row(-30 * H, { ...attack('DoS', 100), srcIp: '10.0.0.9' })),
];

/** `n` zeros with the given counts at the given indexes. */
function counts(n: number, at: Record<number, number>): number[] {
  const out = new Array(n).fill(0);
  for (const [i, v] of Object.entries(at)) out[Number(i)] = v;
  return out;
}

describe('stats windows', () => {
  it('defaults to the 24 h before now and truncates buckets in UTC', () => {
    const now = new Date(NOW);
    expect(resolveWindow({}, now).window).toEqual({ from: new Date(NOW - 24 * H), to: now });
    const to = new Date('2026-03-01T00:00:00Z');
    expect(resolveWindow({ to }, now)).toEqual({
      window: { from: new Date(to.getTime() - 24 * H), to },
      filters: { to, from: new Date(to.getTime() - 24 * H) },
    });
    expect(bucketStart(now, 'day').toISOString()).toBe('2026-03-10T00:00:00.000Z');
    expect(bucketStart(now, 'hour').toISOString()).toBe('2026-03-10T12:00:00.000Z');
    expect(bucketStart(new Date(NOW + 59_999), 'minute').toISOString()).toBe('2026-03-10T12:30:00.000Z');
  });
});

describeEachEngine('stats', (engine) => {
  let store: TestStore;
  let app: FastifyInstance;
  let viewer: { authorization: string };

  beforeAll(async () => {
    store = await openTestStore(engine);
    app = await buildTestApp(store, {}, () => new Date(NOW));
    await seedPredictions(store.db, SEED);
    await store.db
      .insertInto('models')
      .values({
        id: 'm1',
        kind: 'nsl-kdd',
        version: 3,
        algorithm: 'gbdt',
        stage: 'production',
        document: JSON.stringify({}),
        metrics: JSON.stringify({}),
        feature_spec: JSON.stringify({}),
        created_by: 'test',
      })
      .execute();
    viewer = await authHeaders(app, 'viewer');
  });
  afterAll(async () => {
    await app?.close();
    await store?.dispose();
  });

  async function get(path: string, query: Record<string, string> = {}) {
    const qs = new URLSearchParams(query);
    return app.inject({ method: 'GET', url: `/api/v1/stats/${path}?${qs}`, headers: viewer });
  }

  it('summarises the last 24 h by default', async () => {
    const res = await get('summary');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      window: { from: at(-24 * H), to: at(0) },
      total: 7,
      byVerdict: { benign: 3, attack: 4 },
      alertRate: 4 / 7,
      meanRisk: expect.closeTo(320 / 7, 9),
      byCategory: [
        { category: 'DoS', count: 3 },
        { category: null, count: 3 },
        { category: 'PortScan', count: 1 },
      ],
      topSources: [
        { ip: '10.0.0.1', attacks: 2, total: 2 },
        { ip: '10.0.0.2', attacks: 2, total: 2 },
        { ip: '10.0.0.3', attacks: 0, total: 3 },
      ],
      topDestinations: [
        { ip: '192.168.0.1', attacks: 3, total: 4 },
        { ip: '192.168.0.2', attacks: 1, total: 1 },
        { ip: '192.168.0.3', attacks: 0, total: 1 },
      ],
      models: [
        {
          modelId: 'm1',
          kind: 'nsl-kdd',
          version: 3,
          stage: 'production',
          count: 5,
          firstSeen: at(-23 * H),
          lastSeen: at(0),
        },
        {
          modelId: 'm2',
          kind: 'nsl-kdd',
          version: null,
          stage: null,
          count: 2,
          firstSeen: at(-3 * H),
          lastSeen: at(-2 * H),
        },
      ],
    });
  });

  it('applies the history filters to the summary', async () => {
    const wide = (await get('summary', { from: at(-48 * H) })).json();
    expect(wide.total).toBe(12);
    expect(wide.topSources[0]).toEqual({ ip: '10.0.0.9', attacks: 5, total: 5 });
    const attacks = (await get('summary', { verdict: 'attack', dstIp: '192.168.0.1' })).json();
    expect(attacks).toMatchObject({ total: 3, byVerdict: { benign: 0, attack: 3 }, alertRate: 1 });
    const none = (await get('summary', { modelId: 'nope' })).json();
    expect(none).toMatchObject({ total: 0, alertRate: null, meanRisk: null, byCategory: [], models: [] });
    const bad = await get('summary', { from: at(0), to: at(-H) });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.path).toBe('querystring.from');
  });

  it('counts per hour over the default window, every bucket present', async () => {
    const res = await get('timeseries');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.window).toEqual({ from: at(-24 * H), to: at(0) });
    expect(body.buckets).toHaveLength(25);
    expect(body.buckets[0]).toBe('2026-03-09T12:00:00.000Z');
    expect(body.buckets[24]).toBe('2026-03-10T12:00:00.000Z');
    expect(body.series).toEqual([{ key: 'total', counts: counts(25, { 1: 1, 21: 1, 22: 2, 23: 2, 24: 1 }) }]);
  });

  it('groups by verdict and by category', async () => {
    const verdict = (await get('timeseries', { groupBy: 'verdict' })).json();
    expect(verdict.groupBy).toBe('verdict');
    expect(verdict.series).toEqual([
      { key: 'benign', counts: counts(25, { 1: 1, 21: 1, 22: 1 }) },
      { key: 'attack', counts: counts(25, { 22: 1, 23: 2, 24: 1 }) },
    ]);
    const category = (await get('timeseries', { groupBy: 'category' })).json();
    expect(category.series).toEqual([
      { key: 'DoS', counts: counts(25, { 23: 2, 24: 1 }) },
      { key: null, counts: counts(25, { 1: 1, 21: 1, 22: 1 }) },
      { key: 'PortScan', counts: counts(25, { 22: 1 }) },
    ]);
    // Verdict series are always both present, even when a filter leaves one empty.
    const onlyAttacks = (await get('timeseries', { groupBy: 'verdict', verdict: 'attack' })).json();
    expect(onlyAttacks.series[0]).toEqual({ key: 'benign', counts: counts(25, {}) });
  });

  it('buckets by minute and by day within explicit windows; `to` is exclusive', async () => {
    const minutes = (
      await get('timeseries', { bucket: 'minute', from: at(-90 * 60_000), to: at(-30 * 60_000) })
    ).json();
    expect(minutes.buckets).toHaveLength(60);
    expect(minutes.buckets[0]).toBe('2026-03-10T11:00:00.000Z');
    expect(minutes.series).toEqual([{ key: 'total', counts: counts(60, { 30: 2 }) }]);
    const days = (await get('timeseries', { bucket: 'day', from: at(-48 * H) })).json();
    expect(days.buckets).toEqual([
      '2026-03-08T00:00:00.000Z',
      '2026-03-09T00:00:00.000Z',
      '2026-03-10T00:00:00.000Z',
    ]);
    expect(days.series).toEqual([{ key: 'total', counts: [0, 6, 6] }]);
    const half = (
      await get('timeseries', { from: '2026-03-10T00:00:00Z', to: '2026-03-10T12:00:00Z' })
    ).json();
    expect(half.buckets).toHaveLength(12);
    expect(half.series[0].counts.reduce((a: number, b: number) => a + b, 0)).toBe(5);
    const empty = (await get('timeseries', { from: at(0), to: at(0) })).json();
    expect(empty).toMatchObject({ buckets: [], series: [{ key: 'total', counts: [] }] });
  });

  it('refuses too many buckets and bad parameters with a 400 naming the field', async () => {
    const many = await get('timeseries', { bucket: 'minute', from: at(-48 * H) });
    expect(many.statusCode).toBe(400);
    expect(many.json().error).toMatchObject({ code: 'VALIDATION_FAILED', path: 'querystring.bucket' });
    expect(many.json().error.message).toMatch(/2881 minute buckets .* limit of 2000/);
    for (const [query, path] of [
      [{ bucket: 'week' }, 'querystring.bucket'],
      [{ groupBy: 'src_ip' }, 'querystring.groupBy'],
      [{ from: at(0), to: at(-H) }, 'querystring.from'],
      [{ minScore: '50', maxScore: '10' }, 'querystring.minScore'],
    ] as const) {
      const res = await get('timeseries', query);
      expect(res.statusCode, JSON.stringify(query)).toBe(400);
      expect(res.json().error.path).toBe(path);
    }
  });

  it('needs a signed-in caller', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/stats/summary' });
    expect(res.statusCode).toBe(401);
  });
});
