import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DataFormatError, flowSchemas, getFlowSchema, SchemaDetectionError } from '@vigil/detect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetFileError } from './dataset-file.js';
import { type LoadFlowDatasetOptions, loadFlowDataset } from './load-flow-dataset.js';

// Small synthetic NSL-KDD-shaped files; the real data sets are exercised in apps/server/test.
const nsl = getFlowSchema('nsl-kdd');
const HEADER = [...nsl.features.map((f) => f.name), 'label', 'difficulty'];

function line(values: Record<string, string> = {}): string {
  const defaults: Record<string, string> = {
    protocol_type: 'tcp',
    service: 'http',
    flag: 'SF',
    label: 'normal',
    difficulty: '20',
  };
  return HEADER.map((h) => values[h] ?? defaults[h] ?? '0').join(',');
}

function csv(lines: string[]): string {
  return `${[HEADER.join(','), ...lines].join('\n')}\n`;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-dataset-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

const binary: LoadFlowDatasetOptions = { schema: 'auto', target: 'binary' };

async function loadError(path: string, options: LoadFlowDatasetOptions = binary): Promise<DataFormatError> {
  const err = await loadFlowDataset(path, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DataFormatError);
  return err as DataFormatError;
}

describe('loadFlowDataset', () => {
  const rows = [
    line({ src_bytes: '100', label: 'normal' }),
    line({ protocol_type: 'udp', service: 'domain_u', label: 'smurf' }),
    line({ flag: 'REJ', label: 'neptune' }),
  ];

  it('reads plain and gzip files alike, sniffing gzip by content, not by name', async () => {
    const plain = await loadFlowDataset(await file('a.csv', csv(rows)), binary);
    const gz = await loadFlowDataset(await file('b.csv', gzipSync(csv(rows))), binary);
    expect(plain.gzip).toBe(false);
    expect(gz.gzip).toBe(true);
    expect(plain.schema.id).toBe('nsl-kdd');
    expect(plain.confidence).toBe(1);
    expect(plain.dataset.nRows).toBe(3);
    expect([...plain.dataset.labels!]).toEqual([0, 1, 1]);
    expect(gz.dataset.columns.map((c) => [...c])).toEqual(plain.dataset.columns.map((c) => [...c]));
    expect(gz.dataset.features).toEqual(plain.dataset.features);
    expect(plain.truncated).toBe(false);
    expect(plain.elapsedMs).toBeGreaterThan(0);
  });

  it('copes with CRLF, a BOM and quoted cells', async () => {
    const text = `\uFEFF${csv([rows[0], line({ service: '"ftp_data"' })])}`.replace(/\n/g, '\r\n');
    const r = await loadFlowDataset(await file('crlf.csv', text), binary);
    expect(r.dataset.nRows).toBe(2);
    const svc = r.dataset.features.find((f) => f.name === 'service');
    expect(svc?.categories).toEqual(['ftp_data', 'http']);
  });

  it('stops after `limit` rows and reports progress up to the file size', async () => {
    const many = Array.from({ length: 50 }, (_, i) => line({ duration: String(i) }));
    const path = await file('many.csv.gz', gzipSync(csv(many)));
    const limited = await loadFlowDataset(path, { ...binary, limit: 10 });
    expect(limited.dataset.nRows).toBe(10);
    expect(limited.truncated).toBe(true);
    const calls: [number, number][] = [];
    const full = await loadFlowDataset(path, {
      ...binary,
      onProgress: (read, total) => calls.push([read, total]),
    });
    expect(full.dataset.nRows).toBe(50);
    expect(calls.at(-1)).toEqual([full.bytes, full.bytes]);
  });

  it('reports an empty file and a header-only file', async () => {
    const empty = await loadError(await file('empty.csv', ''));
    expect(empty).toMatchObject({ code: 'empty-file', row: 1 });
    expect(empty.message).toMatch(/^empty\.csv: the file is empty/);
    expect((await loadError(await file('empty.csv.gz', gzipSync('')))).code).toBe('empty-file');
    const headerOnly = await loadError(await file('header.csv', `${HEADER.join(',')}\n`));
    expect(headerOnly).toMatchObject({ code: 'no-rows', row: 2 });
  });

  it('names the row and counts of a ragged row', async () => {
    const path = await file('ragged.csv', csv([rows[0], rows[1], `${rows[2]},extra`]));
    const err = await loadError(path);
    expect(err).toMatchObject({
      code: 'ragged-row',
      row: 4,
      expected: '43 cells',
      got: '44 cells',
      source: path,
    });
    expect(err.message).toBe('ragged.csv: row 4: expected 43 cells like the header, got 44');
  });

  it('names row, column, expected and got for a non-numeric cell', async () => {
    const err = await loadError(await file('nan.csv', csv([rows[0], line({ dst_bytes: '12x' })])));
    expect(err).toMatchObject({
      code: 'not-a-number',
      row: 3,
      column: 'dst_bytes',
      expected: 'a number',
      got: '12x',
    });
    expect(err.message).toBe('nan.csv: row 3, column "dst_bytes": expected a number, got "12x"');
  });

  it('counts infinities as missing and warns', async () => {
    const r = await loadFlowDataset(
      await file(
        'inf.csv',
        csv([line({ src_bytes: 'Infinity' }), line({ src_bytes: 'inf' }), line({ src_bytes: 'NaN' })]),
      ),
      binary,
    );
    expect(r.stats).toMatchObject({ infiniteCells: 2, missingCells: 1 });
    expect(r.warnings.map((w) => w.code)).toContain('infinite-values');
  });

  it('stops on an unknown label, or skips it when asked', async () => {
    const path = await file('label.csv', csv([rows[0], line({ label: 'zeroday' })]));
    const err = await loadError(path);
    expect(err).toMatchObject({ code: 'unknown-label', row: 3, column: 'label', got: 'zeroday' });
    const skipped = await loadFlowDataset(path, { ...binary, unknownLabel: 'skip' });
    expect(skipped.dataset.nRows).toBe(1);
    expect(skipped.stats.skipped).toBe(1);
  });

  it('names the missing columns when the wrong schema is given, and the candidates when none fits', async () => {
    const path = await file('nsl.csv', csv(rows));
    const err = await loadError(path, { schema: 'unsw-nb15', target: 'binary' });
    expect(err.code).toBe('missing-columns');
    expect(err.missingColumns).toContain('sttl');
    const foreign = await loadError(await file('foreign.csv', 'a,b,c\n1,2,3\n'));
    expect(foreign).toBeInstanceOf(SchemaDetectionError);
    expect((foreign as SchemaDetectionError).candidates).toHaveLength(flowSchemas.length);
    await expect(loadFlowDataset(path, { schema: 'zeek' as 'nsl-kdd', target: 'binary' })).rejects.toThrow(
      /unknown flow schema "zeek"/,
    );
  });

  it('maps an unclosed quote to a csv-syntax error with its line', async () => {
    const path = await file('quote.csv', csv([rows[0], line({ service: '"http' }), rows[1]]));
    const err = await loadError(path);
    expect(err.code).toBe('csv-syntax');
    expect(err.row).toBeGreaterThanOrEqual(3);
    expect(err.message).toMatch(/^quote\.csv: line \d+: malformed CSV \(CSV_QUOTE_NOT_CLOSED\)/);
  });

  it('maps a truncated gzip stream to corrupt-gzip', async () => {
    const gz = gzipSync(csv(Array.from({ length: 200 }, () => rows[0])));
    const err = await loadError(await file('cut.csv.gz', gz.subarray(0, gz.length - 40)));
    expect(err.code).toBe('corrupt-gzip');
  });

  it('throws DatasetFileError for a missing file or a directory', async () => {
    const missing = join(dir, 'nope.csv');
    await expect(loadFlowDataset(missing, binary)).rejects.toMatchObject({
      name: 'DatasetFileError',
      code: 'file-not-found',
      path: missing,
      message: `no such file: ${missing}`,
    });
    const sub = join(dir, 'sub');
    await mkdir(sub);
    await expect(loadFlowDataset(sub, binary)).rejects.toBeInstanceOf(DatasetFileError);
    await expect(loadFlowDataset(sub, binary)).rejects.toMatchObject({ code: 'not-a-file' });
  });
});
