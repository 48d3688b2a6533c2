import { extractUrlFeatures, URL_FEATURE_COUNT } from '@vigil/detect';
import { compileEnsemble, ensembleFromDocument, type ModelDocument } from '@vigil/ml';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { authHeaders, buildTestApp } from './support/app.js';
import { describeEachEngine, openTestStore, type TestStore } from './support/stores.js';
import { generateUrls, trainTestUrlModel } from './url-fixtures.js';

const CHECK = '/api/v1/urls/check';

interface Reason {
  feature: string;
  text: string;
  value: number;
  contribution: number;
}

describeEachEngine('POST /api/v1/urls/check', (engine) => {
  let store: TestStore;
  let app: FastifyInstance;
  let doc: ModelDocument;
  let analyst: { authorization: string };
  const clock = () => new Date('2026-05-06T07:08:09.000Z');
  const urls = generateUrls(300, 77).map((u) => u.url);

  const check = (body: unknown, headers = analyst, target = app) =>
    target.inject({ method: 'POST', url: CHECK, headers, payload: body as object });
  const count = async () =>
    Number(
      (await sql<{ n: number }>`select count(*)::int as n from predictions`.execute(store.db)).rows[0].n,
    );

  beforeAll(async () => {
    store = await openTestStore(engine);
    app = await buildTestApp(store, { history: 'all' }, clock);
    analyst = await authHeaders(app, 'analyst');
    doc = await trainTestUrlModel();
  });
  afterAll(async () => {
    await app?.close();
    await store?.dispose();
  });

  it('answers 503 NO_PRODUCTION_MODEL until a URL model is promoted', async () => {
    const res = await check({ urls: ['https://example.com/'] });
    expect(res.statusCode).toBe(503);
    expect(res.json().error.code).toBe('NO_PRODUCTION_MODEL');
    expect(res.json().error.message).toMatch(/vigil train --schema url/);
    const admin = await authHeaders(app, 'admin');
    const reg = await app.inject({
      method: 'POST',
      url: '/api/v1/models?stage=production&reason=url%20test',
      headers: admin,
      payload: doc,
    });
    expect(reg.statusCode).toBe(201);
    expect(reg.json().model).toMatchObject({ kind: 'url', stage: 'production' });
  });

  it('scores URLs exactly as the compiled model does, with verdicts, risk and reasons', async () => {
    const res = await check({ urls });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.model).toEqual({ id: doc.id, kind: 'url', version: 1, threshold: 0.5 });
    const rows = new Float32Array(urls.length * URL_FEATURE_COUNT);
    urls.forEach((u, i) => {
      extractUrlFeatures(u, rows, i * URL_FEATURE_COUNT);
    });
    const expected = compileEnsemble(ensembleFromDocument(doc)).predictBatch(rows, urls.length);
    expect(body.predictions.map((p: { probability: number }) => p.probability)).toEqual(Array.from(expected));
    let malicious = 0;
    for (const p of body.predictions) {
      const bad = p.probability >= 0.5;
      malicious += Number(bad);
      expect(p.verdict).toBe(bad ? 'attack' : 'benign');
      expect(p.category).toBe(bad ? 'malicious' : 'benign');
      expect(p.riskScore >= 50).toBe(bad);
      expect(p).toMatchObject({ modelId: doc.id, modelVersion: 1 });
      expect(p.reasons.length).toBeGreaterThan(0);
      expect(p.reasons.length).toBeLessThanOrEqual(5);
      const sizes = p.reasons.map((r: Reason) => r.contribution);
      expect(sizes.every((c: number) => c > 0)).toBe(true);
      expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    }
    expect(malicious).toBeGreaterThan(100);
    expect(malicious).toBeLessThan(200);
    expect(body.summary).toEqual({ urls: 300, malicious, stored: 300 });
  });

  it('explains in words: IP hosts, brands outside their domain, many subdomains', async () => {
    const res = await check({
      urls: [
        'http://0x7f000001/paypal/login',
        'http://paypal.com.a.b.c.login-secure.tk/webscr?cmd=_login',
        'https://www.gardennews.org/recipes/green-river.html',
      ],
    });
    expect(res.statusCode).toBe(200);
    const [ip, sub, plain] = res.json().predictions;
    expect(ip).toMatchObject({ verdict: 'attack', host: '0x7f000001', domain: null });
    expect(sub).toMatchObject({
      verdict: 'attack',
      host: 'paypal.com.a.b.c.login-secure.tk',
      domain: 'login-secure.tk',
    });
    expect(plain).toMatchObject({ verdict: 'benign', domain: 'gardennews.org' });
    const texts = [...ip.reasons, ...sub.reasons].map((r: Reason) => r.text).join(' | ');
    expect(texts).toMatch(
      /host is an IP address \(hex\)|IP address written in an unusual form|brand 'paypal'|many subdomains|suspicious words|top-level domain \.tk/,
    );
    for (const r of plain.reasons) expect(r.text.length).toBeGreaterThan(5);
  });

  it('stores verdicts in history as kind url with the host, per VIGIL_HISTORY', async () => {
    await sql`delete from predictions`.execute(store.db);
    const batch = ['http://192.0.2.1/chase/login', 'https://www.citygreen3.de/news/'];
    expect((await check({ urls: batch })).json().summary.stored).toBe(2);
    const rows = await store.db.selectFrom('predictions').selectAll().orderBy('id').execute();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      kind: 'url',
      model_id: doc.id,
      verdict: 'attack',
      category: 'malicious',
      host: '192.0.2.1',
      dst_ip: null,
      source: 'api',
      created_at: clock(),
    });
    expect(rows[0].record).toEqual({ url: batch[0], host: '192.0.2.1', domain: null });
    expect(rows[1].record).toMatchObject({ host: 'www.citygreen3.de', domain: 'citygreen3.de' });
    expect(rows[0].top_features.length).toBeGreaterThan(0);
    expect(rows[0].top_features[0]).toHaveProperty('name');

    for (const [history, stored] of [
      ['alerts', 1],
      ['none', 0],
    ] as const) {
      const other = await buildTestApp(store, { history }, clock);
      try {
        const before = await count();
        const res = await check({ urls: batch, explain: 'none' }, analyst, other);
        expect(res.json().summary.stored).toBe(stored);
        expect(res.json().predictions.every((p: { reasons: unknown[] }) => p.reasons.length === 0)).toBe(
          true,
        );
        expect(await count()).toBe(before + stored);
      } finally {
        await other.close();
      }
    }
  });

  it('refuses bad URLs with their index, and bad bodies', async () => {
    const cases: [unknown, string, RegExp][] = [
      [{ urls: ['https://ok.example/', 'ftp://files.example/x'] }, 'urls.1', /only http and https/],
      [
        { urls: ['https://ok.example/', 'https://ok.example/', 'not a url'] },
        'urls.2',
        /not a valid absolute URL/,
      ],
      [{ urls: [`https://long.example/${'a'.repeat(2048)}`] }, 'urls.0', /at most 2048/],
      [{ urls: ['   '] }, 'urls.0', /empty/],
      [{ urls: ['javascript:alert(1)'] }, 'urls.0', /only http and https/],
      // Shape errors come from the body schema (paths start with `body.`).
      [{ urls: [] }, 'body.urls', /at least one URL/],
      [{ urls: Array.from({ length: 10_001 }, () => 'https://a.example/') }, 'body.urls', /at most 10000/],
      [{ urls: 'https://a.example/' }, 'body.urls', /array/],
      [{ urls: ['https://a.example/'], extra: 1 }, '', /extra|unrecognized/i],
    ];
    for (const [body, path, message] of cases) {
      const res = await check(body);
      expect(res.statusCode).toBe(400);
      const { error } = res.json();
      expect(error.code).toBe('VALIDATION_FAILED');
      if (path) expect(error.path).toBe(path);
      expect(error.message).toMatch(message);
    }
  });

  it('lets analysts and admins check, not viewers or anonymous callers', async () => {
    const viewer = await authHeaders(app, 'viewer');
    expect((await check({ urls: ['https://a.example/'] }, viewer)).statusCode).toBe(403);
    expect(
      (await app.inject({ method: 'POST', url: CHECK, payload: { urls: ['https://a.example/'] } }))
        .statusCode,
    ).toBe(401);
    const admin = await authHeaders(app, 'admin');
    expect((await check({ urls: ['https://a.example/'] }, admin)).statusCode).toBe(200);
  });
});
