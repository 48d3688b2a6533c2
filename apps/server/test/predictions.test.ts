import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectedOrder, isoMicros, type SeedRow, seedPredictions, variedRows } from './seed-predictions.js';
import { authHeaders, buildTestApp } from './support/app.js';
import { describeEachEngine, openTestStore, type TestStore } from './support/stores.js';

const T0 = Date.parse('2026-02-01T00:00:00Z');
const N = 240;

describeEachEngine('prediction history', (engine) => {
  let store: TestStore;
  let app: FastifyInstance;
  let rows: SeedRow[];
  let viewer: { authorization: string };

  beforeAll(async () => {
    store = await openTestStore(engine);
    app = await buildTestApp(store, {}, () => new Date('2026-03-01T00:00:00Z'));
    rows = await seedPredictions(store.db, variedRows(N, T0));
    viewer = await authHeaders(app, 'viewer');
  });
  afterAll(async () => {
    await app?.close();
    await store?.dispose();
  });

  async function list(query: Record<string, string | number>) {
    const qs = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
    return app.inject({ method: 'GET', url: `/api/v1/predictions?${qs}`, headers: viewer });
  }
  async function ids(query: Record<string, string | number>): Promise<number[]> {
    const res = await list({ limit: 1000, ...query });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().nextCursor).toBeNull();
    return res.json().items.map((p: { id: number }) => p.id);
  }
  const idsWhere = (pred: (r: SeedRow) => boolean) => expectedOrder(rows.filter(pred), 'created_at', 'desc');

  it('lists everything newest first with the stored fields', async () => {
    const res = await list({ limit: 2 });
    expect(res.statusCode).toBe(200);
    const [first] = res.json().items;
    const newest = rows.find((r) => r.id === expectedOrder(rows, 'created_at', 'desc')[0])!;
    expect(first).toMatchObject({
      id: newest.id,
      modelId: newest.modelId,
      verdict: newest.verdict,
      riskScore: newest.riskScore,
      srcIp: newest.srcIp,
      topFeatures: [{ name: 'src_bytes', value: 1, contribution: 0.5 }],
      record: { src_bytes: 1 },
    });
    expect(await ids({})).toEqual(expectedOrder(rows, 'created_at', 'desc'));
  });

  it('applies every filter, alone and combined', async () => {
    const from = isoMicros(T0 + 10_000);
    const to = isoMicros(T0 + 40_000);
    const fromUs = (T0 + 10_000) * 1000;
    const toUs = (T0 + 40_000) * 1000;
    expect(await ids({ from, to })).toEqual(idsWhere((r) => r.createdAtUs >= fromUs && r.createdAtUs < toUs));
    expect(await ids({ verdict: 'attack' })).toEqual(idsWhere((r) => r.verdict === 'attack'));
    expect(await ids({ category: 'PortScan' })).toEqual(idsWhere((r) => r.category === 'PortScan'));
    expect(await ids({ minScore: 60, maxScore: 80 })).toEqual(
      idsWhere((r) => r.riskScore >= 60 && r.riskScore <= 80),
    );
    expect(await ids({ srcIp: '10.0.0.3' })).toEqual(idsWhere((r) => r.srcIp === '10.0.0.3'));
    expect(await ids({ dstIp: '192.168.1.2' })).toEqual(idsWhere((r) => r.dstIp === '192.168.1.2'));
    expect(await ids({ ip: '192.168.1.0' })).toEqual(
      idsWhere((r) => r.srcIp === '192.168.1.0' || r.dstIp === '192.168.1.0'),
    );
    expect(await ids({ modelId: 'model-b' })).toEqual(idsWhere((r) => r.modelId === 'model-b'));
    expect(await ids({ kind: 'unsw-nb15' })).toEqual(idsWhere((r) => r.kind === 'unsw-nb15'));
    const combined = await ids({ verdict: 'attack', modelId: 'model-a', minScore: 70, from });
    expect(combined).toEqual(
      idsWhere(
        (r) =>
          r.verdict === 'attack' && r.modelId === 'model-a' && r.riskScore >= 70 && r.createdAtUs >= fromUs,
      ),
    );
    expect(combined.length).toBeGreaterThan(0);
  });

  it('searches free text over addresses, category, verdict and model', async () => {
    expect(await ids({ q: 'portscan' })).toEqual(idsWhere((r) => r.category === 'PortScan'));
    expect(await ids({ q: '10.0.0.4' })).toEqual(idsWhere((r) => r.srcIp === '10.0.0.4'));
    expect(await ids({ q: 'dos udp' })).toEqual(
      idsWhere((r) => r.category === 'DoS' && r.protocol === 'udp'),
    );
    expect(await ids({ q: 'model-b -attack' })).toEqual(
      idsWhere((r) => r.modelId === 'model-b' && r.verdict !== 'attack'),
    );
    // SQL-looking text is only ever a search term.
    expect(await ids({ q: "' or 1=1; drop table predictions --" })).toEqual([]);
    expect(await ids({ category: "x' or '1'='1" })).toEqual([]);
    expect(await ids({})).toHaveLength(N);
  });

  for (const field of ['created_at', 'risk_score', 'probability'] as const) {
    for (const dir of ['asc', 'desc'] as const) {
      it(`sorts by ${field}:${dir} and walks every page once, ties included`, async () => {
        const expected = expectedOrder(rows, field, dir);
        expect(await ids({ sort: `${field}:${dir}` })).toEqual(expected);
        const walked: number[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const res = await list({ sort: `${field}:${dir}`, limit: 7, ...(cursor ? { cursor } : {}) });
          expect(res.statusCode, res.body).toBe(200);
          const body = res.json();
          walked.push(...body.items.map((p: { id: number }) => p.id));
          cursor = body.nextCursor;
          pages++;
        } while (cursor && pages < 100);
        expect(pages).toBe(Math.ceil(N / 7));
        expect(walked).toEqual(expected);
      });
    }
  }

  it('ends with a null cursor when the last page is exactly full', async () => {
    const page = await list({ verdict: 'attack', limit: rows.filter((r) => r.verdict === 'attack').length });
    expect(page.json().nextCursor).toBeNull();
  });

  it('refuses bad cursors, cursors of another sort, inverted ranges and unknown fields, naming the field', async () => {
    const expect400 = async (query: Record<string, string | number>, path: string) => {
      const res = await list(query);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', path });
    };
    await expect400({ cursor: 'not a cursor!' }, 'querystring.cursor');
    await expect400(
      { cursor: Buffer.from('{"s":"created_at:desc"}').toString('base64url') },
      'querystring.cursor',
    );
    const first = await list({ sort: 'risk_score:asc', limit: 5 });
    await expect400({ sort: 'probability:asc', cursor: first.json().nextCursor }, 'querystring.cursor');
    await expect400({ from: '2026-02-02T00:00:00Z', to: '2026-02-01T00:00:00Z' }, 'querystring.from');
    await expect400({ minScore: 80, maxScore: 20 }, 'querystring.minScore');
    await expect400({ minScore: 101 }, 'querystring.minScore');
    await expect400({ from: 'yesterday' }, 'querystring.from');
    await expect400({ srcIp: '10.0.0.999' }, 'querystring.srcIp');
    await expect400({ sort: 'id; drop table predictions' }, 'querystring.sort');
    await expect400({ limit: 0 }, 'querystring.limit');
    await expect400({ verdict: 'evil' }, 'querystring.verdict');
    const unknown = await list({ colour: 'red' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.message).toMatch(/colour/);
  });

  it('needs a signed-in caller', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/predictions' });
    expect(res.statusCode).toBe(401);
  });
});
