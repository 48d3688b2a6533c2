import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parseModelDocument } from '@vigil/ml';
import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_URL_MODEL_PATH } from '../src/modules/urls/default-url-model.js';
import {
  multipart,
  promote,
  SYNTHETIC_HEADER,
  storedResults,
  syntheticBatchModel,
  syntheticCsv,
  waitForBatch,
  zeekModel,
} from './batches-fixtures.js';
import { authHeaders, buildTestApp } from './support/app.js';
import { describeEachEngine, openTestStore, type TestStore } from './support/stores.js';

describeEachEngine('batches: upload, process, summarise, export', (engine) => {
  let store: TestStore;
  let app: FastifyInstance;
  let analyst: Record<string, string>;
  let viewer: Record<string, string>;

  const upload = (fields: Record<string, string>, content?: Buffer | string, headers = analyst) => {
    const body = multipart(fields, content === undefined ? undefined : { content });
    return app.inject({
      method: 'POST',
      url: '/api/v1/batches',
      headers: { ...headers, ...body.headers },
      payload: body.payload,
    });
  };
  const countFor = async (id: number) => (await storedResults(store.db, id)).n;

  beforeAll(async () => {
    store = await openTestStore(engine);
    app = await buildTestApp(store);
    analyst = await authHeaders(app, 'analyst');
    viewer = await authHeaders(app, 'viewer');
    const admin = await authHeaders(app, 'admin');
    await promote(app, admin, await syntheticBatchModel('batch-synthetic'));
    await promote(app, admin, await zeekModel('batch-zeek'));
  });
  afterAll(async () => {
    await app?.close();
    await store?.dispose();
  });

  it('uploads a flow CSV, scores every row in the background, and reports the detected format', async () => {
    const rows = 12_345;
    const res = await upload({ name: 'day one' }, syntheticCsv(rows, 7));
    expect(res.statusCode, res.body).toBe(201);
    const { batch, format } = res.json();
    expect(batch).toMatchObject({ name: 'day one', kind: 'synthetic-flows', rowsTotal: rows });
    expect(format).toMatchObject({ layout: 'csv', delimiter: ',', schema: 'synthetic-flows', gzip: false });
    expect(format.preview.columns).toEqual(SYNTHETIC_HEADER);
    expect(format.preview.rows).toHaveLength(5);
    expect(format.columns.unknown).toEqual([]);

    const done = await waitForBatch(app, viewer, batch.id);
    expect(done).toMatchObject({ state: 'done', rowsDone: rows, rowsTotal: rows, rowsBad: 0, percent: 100 });
    expect(await countFor(batch.id)).toBe(rows);

    const summary = (
      await app.inject({ method: 'GET', url: `/api/v1/batches/${batch.id}/summary`, headers: viewer })
    ).json();
    expect(summary.verdicts.benign + summary.verdicts.attack).toBe(rows);
    expect(summary.rows).toEqual({ scored: rows, bad: 0 });
    expect(summary.histogram).toHaveLength(10);
    expect(summary.histogram.reduce((s: number, b: { count: number }) => s + b.count, 0)).toBe(rows);
    expect(summary.topSources.length).toBeGreaterThan(0);
    expect(summary.topDestinations[0].value).toMatch(/^192\.168\.1\./);

    const csv = await app.inject({
      method: 'GET',
      url: `/api/v1/batches/${batch.id}/results?format=csv`,
      headers: viewer,
    });
    expect(csv.statusCode).toBe(200);
    const parsed = parse(csv.body, { columns: true }) as Record<string, string>[];
    expect(parsed).toHaveLength(rows);
    expect(parsed.map((r) => Number(r.row))).toEqual(Array.from({ length: rows }, (_, i) => i + 1));
    expect(parsed[0].src_ip).toBe('10.0.0.0');
    // Alerts keep their input record; benign rows are found in the file by their row number.
    const attack = parsed.find((r) => r.verdict === 'attack')!;
    expect(JSON.parse(attack.record)).toMatchObject({ src_ip: attack.src_ip, protocol: expect.any(String) });
    expect(JSON.parse(parsed.find((r) => r.verdict === 'benign')!.record)).toEqual({});
    // The alerts are in prediction history, tagged with the batch (benign rows only in the results).
    const history = await app.inject({
      method: 'GET',
      url: `/api/v1/predictions?batchId=${batch.id}&limit=5&verdict=attack`,
      headers: viewer,
    });
    expect(history.json().items).toHaveLength(5);
    expect(history.json().items[0].source).toBe(`batch:${batch.id}`);
    const docs = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    expect(Object.keys(docs.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/batches',
        '/api/v1/batches/{id}/events',
        '/api/v1/batches/{id}/results',
      ]),
    );
    const categories = summary.categories.map((c: { value: string; count: number }) => [c.value, c.count]);
    expect(Object.fromEntries(categories)).toEqual({
      attack: summary.verdicts.attack,
      benign: summary.verdicts.benign,
    });
  });

  it.skipIf(!existsSync(DEFAULT_URL_MODEL_PATH))(
    'scores a URL list with the production URL model',
    async () => {
      const list =
        'id,link\n1,https://www.bbc.co.uk/news\n2,http://paypal.com.secure-login.example.tk/webscr?cmd=_login\n3,ftp://files.test/x\n4,\n5,https://github.com/\n';
      const refused = await upload({ urlColumn: 'link' }, list);
      expect(refused.statusCode).toBe(503);
      expect(refused.json().error.message).toMatch(/no URL model is in production/);
      await promote(
        app,
        await authHeaders(app, 'admin', 'url-admin'),
        parseModelDocument(await readFile(DEFAULT_URL_MODEL_PATH, 'utf8')),
      );
      const res = await upload({ urlColumn: 'link' }, list);
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().format).toMatchObject({ kind: 'urls', schema: 'url', urlColumn: 'link' });
      const done = await waitForBatch(app, viewer, res.json().batch.id);
      expect(done).toMatchObject({ state: 'done', rowsDone: 5, rowsBad: 2 });
      const summary = (
        await app.inject({ method: 'GET', url: `/api/v1/batches/${done.id}/summary`, headers: viewer })
      ).json();
      expect(summary.verdicts).toEqual({ benign: 2, attack: 1 });
      expect(summary.topDomains[0]).toMatchObject({
        value: expect.stringMatching(/example\.tk$/),
        attacks: 1,
      });
      expect(summary.badRows.map((b: { row: number; reason: string }) => [b.row, b.reason])).toEqual([
        [3, expect.stringMatching(/only http and https/)],
        [4, 'empty URL'],
      ]);
    },
  );
});
