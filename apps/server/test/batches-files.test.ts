import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { uploadDir } from '../src/modules/batches/batch-upload.js';
import {
  multipart,
  promote,
  SYNTHETIC_HEADER,
  syntheticBatchModel,
  syntheticCsv,
  syntheticRows,
  toCsv,
  waitForBatch,
  zeekJson,
  zeekModel,
  zeekRecords,
  zeekTsv,
} from './batches-fixtures.js';
import { authHeaders, buildTestApp } from './support/app.js';
import { describeEachEngine, openTestStore, type TestStore } from './support/stores.js';

const LIMIT = 1 << 20;

describeEachEngine('batch files: validation before the job, bad rows inside it', (engine) => {
  let store: TestStore;
  let app: FastifyInstance;
  let analyst: Record<string, string>;

  const upload = (
    fields: Record<string, string>,
    content?: Buffer | string,
    target = app,
    filename?: string,
  ) => {
    const body = multipart(fields, content === undefined ? undefined : { content, filename });
    return target.inject({
      method: 'POST',
      url: '/api/v1/batches',
      headers: { ...analyst, ...body.headers },
      payload: body.payload,
    });
  };
  let dataDir: string;
  const uploads = async () => new Set(await readdir(uploadDir(dataDir)).catch(() => []));
  /** The upload is refused with `status` and a message, and leaves no file behind. */
  const refused = async (content: Buffer | string, status: number, message: RegExp, fields = {}) => {
    const before = await uploads();
    const res = await upload(fields, content);
    expect(res.statusCode, res.body).toBe(status);
    expect(res.json().error.message).toMatch(message);
    expect([...(await uploads())].filter((f) => !before.has(f))).toEqual([]);
    return res.json().error;
  };
  const finished = async (content: Buffer | string, fields = {}) => {
    const res = await upload(fields, content);
    expect(res.statusCode, res.body).toBe(201);
    const { batch, format } = res.json();
    return { batch: await waitForBatch(app, analyst, batch.id), format };
  };

  beforeAll(async () => {
    store = await openTestStore(engine);
    dataDir = await mkdtemp(join(tmpdir(), 'vigil-batch-files-'));
    app = await buildTestApp(store, { uploadLimit: LIMIT, dataDir });
    analyst = await authHeaders(app, 'analyst');
    const admin = await authHeaders(app, 'admin');
    await promote(app, admin, await syntheticBatchModel('files-synthetic'));
    await promote(app, admin, await zeekModel('files-zeek'));
  });
  afterAll(async () => {
    await app?.close();
    await store?.dispose();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses binary data, naming the first NUL byte', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48]);
    await refused(png, 400, /binary data \(a NUL byte at offset 8\)/);
    await refused(Buffer.from('PK\u0003\u0004rest of a zip'), 400, /ZIP archive.*export it as CSV/);
  });

  it('refuses text that is not UTF-8, with the byte offset and line', async () => {
    const latin1 = Buffer.concat([
      Buffer.from(`${SYNTHETIC_HEADER.join(',')}\n`),
      Buffer.from(`${syntheticRows(1, 1)[0].join(',')}\n`),
      Buffer.from('caf'),
      Buffer.from([0xe9]),
      Buffer.from(',x\n'),
    ]);
    const offset = latin1.indexOf(0xe9);
    await refused(latin1, 400, new RegExp(`not valid UTF-8: byte 0xe9 at offset ${offset}, line 3.*Latin-1`));
    await refused(Buffer.from([0xff, 0xfe, 0x61, 0x00]), 400, /UTF-16LE.*save it as UTF-8/);
  });

  it('accepts UTF-8 with a byte-order mark, and tab or semicolon delimiters', async () => {
    const rows = syntheticRows(20, 2);
    const bom = await finished(`\uFEFF${toCsv(SYNTHETIC_HEADER, rows)}`);
    expect(bom.batch).toMatchObject({ state: 'done', rowsDone: 20, rowsBad: 0 });
    const tsv = await finished(toCsv(SYNTHETIC_HEADER, rows, '\t'));
    expect(tsv.format.delimiter).toBe('\t');
    expect(tsv.batch).toMatchObject({ state: 'done', rowsDone: 20, rowsBad: 0 });
    const semi = await finished(toCsv(SYNTHETIC_HEADER, rows, ';'));
    expect(semi.format.delimiter).toBe(';');
  });

  it('refuses an empty file and a header without rows', async () => {
    await refused('', 400, /the file is empty/);
    await refused('\n\n', 400, /only blank lines/);
    await refused(`${SYNTHETIC_HEADER.join(',')}\n`, 400, /header but no data rows/);
    await refused(gzipSync(Buffer.alloc(0)), 400, /empty/);
  });

  it('answers 413 naming the limit for a file one byte over it, and deletes the partial upload', async () => {
    const big = Buffer.from(syntheticCsv(20_000, 3));
    expect(big.length).toBeGreaterThan(LIMIT + 1);
    const error = await refused(big.subarray(0, LIMIT + 1), 413, /upload limit of 1 MiB \(1048576 bytes/);
    expect(error.code).toBe('PAYLOAD_TOO_LARGE');
    // Exactly at the limit is accepted (the cut last line is a bad row), though far above the JSON bodyLimit.
    const small = await buildTestApp(store, { uploadLimit: LIMIT, bodyLimit: 1024, dataDir });
    try {
      const res = await upload({}, big.subarray(0, LIMIT), small);
      expect(res.statusCode, res.body).toBe(201);
      const batch = await waitForBatch(small, analyst, res.json().batch.id);
      expect(batch.state).toBe('done');
      expect(batch.rowsBad).toBeLessThanOrEqual(1);
    } finally {
      await small.close();
    }
  });

  it('answers 413 for a small gzip file that expands past the content limit (a gzip bomb)', async () => {
    const [header, row] = syntheticCsv(1, 3).trim().split('\n');
    const content = `${header}\n${`${row}\n`.repeat(Math.ceil((2 * LIMIT) / row.length))}`;
    const bomb = gzipSync(content);
    expect(bomb.length).toBeLessThan(LIMIT / 10);
    const limited = await buildTestApp(store, { uploadLimit: LIMIT, uploadContentLimit: LIMIT, dataDir });
    try {
      const before = await uploads();
      const res = await upload({}, bomb, limited);
      expect(res.statusCode, res.body).toBe(413);
      expect(res.json().error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', path: 'file' });
      expect(res.json().error.message).toMatch(/larger than the limit of 1048576 bytes .* once decompressed/);
      expect([...(await uploads())].filter((f) => !before.has(f))).toEqual([]);
      // The same rows below the limit are accepted.
      const fine = await upload(
        {},
        gzipSync(content.slice(0, content.indexOf('\n', LIMIT / 2) + 1)),
        limited,
      );
      expect(fine.statusCode, fine.body).toBe(201);
    } finally {
      await limited.close();
    }
  });

  it('counts ragged rows as bad rows with their row number, not as a failure', async () => {
    const rows = syntheticRows(50, 4).map((r) => r.join(','));
    rows[2] = rows[2].split(',').slice(0, -1).join(',');
    rows[9] = `${rows[9]},extra`;
    rows[20] = rows[20].replace(/,[^,]*$/, ',not-a-number');
    const { batch } = await finished(`${SYNTHETIC_HEADER.join(',')}\n${rows.join('\n')}\n`);
    expect(batch).toMatchObject({ state: 'done', rowsDone: 50, rowsBad: 3 });
    const summary = (
      await app.inject({ method: 'GET', url: `/api/v1/batches/${batch.id}/summary`, headers: analyst })
    ).json();
    expect(summary.rows).toEqual({ scored: 47, bad: 3 });
    expect(summary.badRows).toEqual([
      {
        row: 3,
        line: 4,
        reason: `expected ${SYNTHETIC_HEADER.length} fields, got ${SYNTHETIC_HEADER.length - 1}`,
      },
      {
        row: 10,
        line: 11,
        reason: `expected ${SYNTHETIC_HEADER.length} fields, got ${SYNTHETIC_HEADER.length + 1}`,
      },
      {
        row: 21,
        line: 22,
        reason: expect.stringMatching(/field "rst_count": expected a number.*"not-a-number"/),
      },
    ]);
  });

  it('stores formula-looking cells as data and exports them so no spreadsheet runs them', async () => {
    const rows = syntheticRows(30, 5);
    const protocol = SYNTHETIC_HEADER.indexOf('protocol');
    rows[0][protocol] = '=cmd()';
    rows[1][protocol] = '@SUM(A1)';
    rows[2][SYNTHETIC_HEADER.indexOf('src_ip')] = '=HYPERLINK("http://x")';
    const csv = toCsv(SYNTHETIC_HEADER, rows).replace('=HYPERLINK("http://x")', '"=HYPERLINK(""http://x"")"');
    const { batch } = await finished(csv, { name: '=evil()' });
    expect(batch).toMatchObject({ state: 'done', rowsDone: 30, rowsBad: 1, name: '=evil()' });
    for (const format of ['csv', 'json'] as const) {
      const res = await app.inject({
        method: 'GET',
        url: `/api/v1/batches/${batch.id}/results?format=${format}`,
        headers: analyst,
      });
      expect(res.statusCode).toBe(200);
      const items: Record<string, unknown>[] =
        format === 'csv' ? parse(res.body, { columns: true }) : res.json();
      expect(items).toHaveLength(29);
      if (format === 'csv') {
        for (const item of items)
          for (const cell of Object.values(item)) expect(String(cell)).not.toMatch(/^[=+@\t\r]/);
      }
    }
    const summary = (
      await app.inject({ method: 'GET', url: `/api/v1/batches/${batch.id}/summary`, headers: analyst })
    ).json();
    expect(summary.badRows[0]).toMatchObject({
      row: 3,
      reason: expect.stringMatching(/src_ip.*address.*=HYPERLINK/),
    });
  });

  it('reads gzip by its magic bytes, whatever the file name', async () => {
    const { batch, format } = await finished(gzipSync(syntheticCsv(3000, 6)));
    expect(format.gzip).toBe(true);
    expect(batch).toMatchObject({ state: 'done', rowsDone: 3000, rowsTotal: 3000, rowsBad: 0 });
    await refused(gzipSync(syntheticCsv(100, 6)).subarray(0, 200), 400, /gzip data is corrupt or truncated/);
  });

  it('sniffs Zeek conn.log as TSV and as JSON lines and maps it to the zeek-conn schema', async () => {
    const records = zeekRecords(700, 9);
    const tsv = await finished(zeekTsv(records));
    expect(tsv.format).toMatchObject({
      layout: 'zeek-tsv',
      schema: 'zeek-conn',
      delimiter: '\t',
      headerRow: false,
    });
    expect(tsv.batch).toMatchObject({ state: 'done', rowsTotal: 700, rowsDone: 700, rowsBad: 0 });
    const json = await finished(zeekJson(records));
    expect(json.format).toMatchObject({ layout: 'zeek-json', schema: 'zeek-conn' });
    expect(json.batch).toMatchObject({ state: 'done', rowsTotal: 700, rowsDone: 700, rowsBad: 0 });
    // Both layouts carry the same values, so every row gets the same verdict.
    const verdicts = async (id: number) =>
      (
        await app.inject({
          method: 'GET',
          url: `/api/v1/batches/${id}/results?format=json`,
          headers: analyst,
        })
      )
        .json()
        .map((p: { probability: number; srcIp: string }) => [p.probability, p.srcIp]);
    expect(await verdicts(json.batch.id as number)).toEqual(await verdicts(tsv.batch.id as number));
    const summary = (
      await app.inject({ method: 'GET', url: `/api/v1/batches/${tsv.batch.id}/summary`, headers: analyst })
    ).json();
    expect(summary.verdicts.attack).toBeGreaterThan(100);
    expect(summary.topSources[0].value).toMatch(/^10\.1\./);
  });

  it('reports missing and unknown columns; refuses a kind without a production model', async () => {
    const header = SYNTHETIC_HEADER.filter((h) => h !== 'syn_count' && h !== 'rst_count');
    const rows = syntheticRows(5, 1).map((r) => r.slice(0, header.length));
    await refused(toCsv(header, rows), 422, /unknown-schema|no known flow schema matches/);
    const e = await refused(toCsv(header, rows), 422, /lacks 2 column\(s\).*"syn_count", "rst_count"/, {
      schema: 'synthetic-flows',
    });
    expect(e.code).toBe('SCHEMA_MISMATCH');
    await refused(syntheticCsv(5), 422, /schema "nsl-kdd" requires/, { schema: 'nsl-kdd' });
    const extra = await finished(
      toCsv(
        [...SYNTHETIC_HEADER, 'analyst_note'],
        syntheticRows(5, 1).map((r) => [...r, 'hi']),
      ),
    );
    expect(extra.format.columns.unknown).toEqual(['analyst_note']);
    expect(extra.batch.state).toBe('done');
    const wide = `${Array.from({ length: 600 }, (_, i) => `c${i}`).join(',')}\n${'1,'.repeat(599)}1\n`;
    await refused(wide, 400, /600 columns; at most 512/);
  });

  it('recognises URL lists and refuses them until a URL model is in production', async () => {
    const e = await refused(
      'url\nhttp://example.com/a\nhttps://evil.test/login\n',
      503,
      /no URL model is in production/,
    );
    expect(e.code).toBe('NO_PRODUCTION_MODEL');
    await refused('https://example.com/\nexample.org/x\n', 503, /URL/);
    await refused('id,link\n1,http://a.test/\n', 503, /URL/, { urlColumn: 'link' });
    await refused('id,link\n1,http://a.test/\n', 422, /no column named "href"/, { urlColumn: 'href' });
  });

  it('checks roles and the form', async () => {
    const viewer = await authHeaders(app, 'viewer', 'files-viewer');
    const body = multipart({}, { content: syntheticCsv(5) });
    const denied = await app.inject({
      method: 'POST',
      url: '/api/v1/batches',
      headers: { ...viewer, ...body.headers },
      payload: body.payload,
    });
    expect(denied.statusCode).toBe(403);
    expect((await upload({ schema: 'synthetic-flows' })).json().error.message).toMatch(/no file/);
    expect((await upload({ colour: 'red' }, 'x')).json().error.message).toMatch(
      /unknown form field "colour"/,
    );
    const json = await app.inject({
      method: 'POST',
      url: '/api/v1/batches',
      headers: analyst,
      payload: { file: 'x' },
    });
    expect(json.statusCode).toBe(415);
  });
});
