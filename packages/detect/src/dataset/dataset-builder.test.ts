import { describe, expect, it } from 'vitest';
import { DataFormatError } from '../errors/data-format.error.js';
import type { FlowSchema } from '../schemas/flow-schema.js';
import { getFlowSchema } from '../schemas/flow-schema.registry.js';
import { createDatasetBuilder } from './dataset-builder.js';
import type { DatasetBuilderOptions } from './dataset-builder.types.js';

const nsl = getFlowSchema('nsl-kdd');
const cic = getFlowSchema('cicids2017');
const NSL_HEADER = [...nsl.features.map((f) => f.name), 'label', 'difficulty'];
const CIC_HEADER = [...cic.features.map((f) => ` ${f.name}`), ' Label'];

/** A row for `header`: "0" everywhere, string defaults for NSL-KDD's categorical columns, then overrides. */
function row(header: readonly string[], values: Record<string, string>): string[] {
  const defaults: Record<string, string> = {
    protocol_type: 'tcp',
    service: 'http',
    flag: 'SF',
    difficulty: '21',
  };
  return header.map((h) => values[h.trim()] ?? defaults[h.trim()] ?? '0');
}

function build(
  schema: FlowSchema,
  header: string[],
  rows: string[][],
  options: Partial<DatasetBuilderOptions> = {},
) {
  const b = createDatasetBuilder(schema, { target: 'binary', ...options });
  b.setHeader(header);
  rows.forEach((r, i) => {
    b.pushRow(r, i + 2);
  });
  return b.finish();
}

/** Runs `fn` and returns the DataFormatError it throws (fails the test when it throws anything else). */
function formatError(fn: () => unknown): DataFormatError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DataFormatError);
    return e as DataFormatError;
  }
  throw new Error('expected a DataFormatError, nothing was thrown');
}

describe('createDatasetBuilder', () => {
  it('builds columns, sorted vocabularies and labels for both targets', () => {
    const rows = [
      row(NSL_HEADER, { protocol_type: 'udp', service: 'domain_u', src_bytes: '146', label: 'normal' }),
      row(NSL_HEADER, { protocol_type: 'tcp', service: 'private', flag: 'REJ', label: 'neptune' }),
      row(NSL_HEADER, { protocol_type: 'icmp', service: 'eco_i', src_bytes: '8', label: 'ipsweep' }),
      row(NSL_HEADER, { protocol_type: 'tcp', service: 'telnet', label: 'buffer_overflow' }),
    ];
    const binary = build(nsl, NSL_HEADER, rows);
    const ds = binary.dataset;
    expect(ds.nRows).toBe(4);
    expect(ds.features).toHaveLength(41);
    expect(ds.features.map((f) => f.name)).not.toContain('difficulty');
    expect(ds.classNames).toEqual(['benign', 'attack']);
    expect([...ds.labels!]).toEqual([0, 1, 1, 1]);
    const proto = ds.features.findIndex((f) => f.name === 'protocol_type');
    expect(ds.features[proto].categories).toEqual(['icmp', 'tcp', 'udp']);
    expect([...ds.columns[proto]]).toEqual([2, 1, 0, 1]);
    const src = ds.features.findIndex((f) => f.name === 'src_bytes');
    expect([...ds.columns[src]]).toEqual([146, 0, 8, 0]);
    expect(binary.stats.classCounts).toEqual({ benign: 1, attack: 3 });

    const category = build(nsl, NSL_HEADER, rows, { target: 'category' });
    expect(category.dataset.classNames).toEqual(['normal', 'dos', 'probe', 'r2l', 'u2r']);
    expect([...category.dataset.labels!]).toEqual([0, 1, 2, 4]);
    expect(category.warnings.map((w) => w.code)).toEqual(['empty-classes']);
  });

  it('reads missing spellings as NaN, counts infinities and warns about them', () => {
    const header = CIC_HEADER;
    const cells = ['', 'NaN', 'nan', '-', '  ', 'Infinity', '-Infinity', 'inf', '1e3', ' 42 '];
    const rows = cells.map((v) =>
      row(header, { 'Flow Bytes/s': v, 'Destination Port': '80', Label: 'BENIGN' }),
    );
    const { dataset, stats, warnings } = build(cic, header, rows);
    const col = dataset.columns[dataset.features.findIndex((f) => f.name === 'Flow Bytes/s')];
    expect([...col.slice(0, 8)].every(Number.isNaN)).toBe(true);
    expect([...col.slice(8)]).toEqual([1000, 42]);
    expect(stats.missingCells).toBe(5);
    expect(stats.infiniteCells).toBe(3);
    expect(stats.infiniteByColumn).toEqual({ 'Flow Bytes/s': 3 });
    expect(stats.missingByColumn).toEqual({ 'Flow Bytes/s': 5 });
    const inf = warnings.find((w) => w.code === 'infinite-values');
    expect(inf).toMatchObject({ column: 'Flow Bytes/s', count: 3 });
    expect(`${inf}`).toBe('column "Flow Bytes/s": 3 infinite value(s) read as missing');
  });

  it('stops on a non-numeric cell with row, column, expected and got', () => {
    const header = CIC_HEADER;
    const b = createDatasetBuilder(cic, { target: 'binary' });
    b.setHeader(header);
    b.pushRow(row(header, { Label: 'BENIGN' }), 2);
    const err = formatError(() => b.pushRow(row(header, { 'Flow Bytes/s': 'abc', Label: 'BENIGN' }), 17));
    expect(err).toMatchObject({
      code: 'not-a-number',
      row: 17,
      column: 'Flow Bytes/s',
      expected: 'a number',
      got: 'abc',
    });
    expect(err.message).toBe('row 17, column "Flow Bytes/s": expected a number, got "abc"');
  });

  it('rejects ragged rows naming the row and both counts', () => {
    const b = createDatasetBuilder(nsl, { target: 'binary' });
    b.setHeader(NSL_HEADER);
    const short = row(NSL_HEADER, { label: 'normal' }).slice(0, 40);
    const err = formatError(() => b.pushRow(short, 5));
    expect(err).toMatchObject({ code: 'ragged-row', row: 5, expected: '43 cells', got: '40 cells' });
    expect(err.message).toContain('row 5');
  });

  it('rejects an unknown label with the accepted list, or skips it when asked', () => {
    const rows = [
      row(NSL_HEADER, { label: 'normal' }),
      row(NSL_HEADER, { label: 'zeroday' }),
      row(NSL_HEADER, { label: 'zeroday' }),
    ];
    const err = formatError(() => build(nsl, NSL_HEADER, rows));
    expect(err).toMatchObject({ code: 'unknown-label', row: 3, column: 'label', got: 'zeroday' });
    expect(err.allowed).toContain('apache2');
    expect(err.expected).toMatch(/^one of: normal, apache2, back/);

    const skipped = build(nsl, NSL_HEADER, rows, { unknownLabel: 'skip' });
    expect(skipped.dataset.nRows).toBe(1);
    expect(skipped.stats.skipped).toBe(2);
    expect(skipped.stats.skippedLabels).toEqual({ zeroday: 2 });
    expect(skipped.warnings.find((w) => w.code === 'skipped-rows')?.message).toContain('"zeroday" (2)');

    const allSkipped = formatError(() => build(nsl, NSL_HEADER, rows.slice(1), { unknownLabel: 'skip' }));
    expect(allSkipped.code).toBe('no-rows');
    expect(allSkipped.message).toContain('all 2 data rows were skipped');
  });

  it('reports no header and header-only input clearly', () => {
    const empty = formatError(() => createDatasetBuilder(nsl, { target: 'binary' }).finish());
    expect(empty).toMatchObject({ code: 'empty-file', expected: 'a header row' });
    const headerOnly = formatError(() => build(nsl, NSL_HEADER, []));
    expect(headerOnly).toMatchObject({ code: 'no-rows', row: 2 });
    expect(headerOnly.message).toContain('not followed by any data row');
  });

  it('names the missing columns when the header belongs to another schema', () => {
    const b = createDatasetBuilder(getFlowSchema('unsw-nb15'), { target: 'binary' });
    const err = formatError(() => b.setHeader(NSL_HEADER));
    expect(err.code).toBe('missing-columns');
    expect(err.missingColumns).toContain('sttl');
    // NSL-KDD shares `service` and `label` with UNSW-NB15; the other 41 UNSW features are absent.
    expect(err.missingColumns).toHaveLength(41);
    expect(err.missingColumns).not.toContain('service');
    expect(err.message).toContain('required by schema "unsw-nb15"');

    const noLabel = formatError(() =>
      createDatasetBuilder(nsl, { target: 'category' }).setHeader(NSL_HEADER.slice(0, 41)),
    );
    expect(noLabel.missingColumns).toEqual(['label']);
  });

  it('rejects a known column given twice', () => {
    const header = [...NSL_HEADER, ' Service'];
    const err = formatError(() => createDatasetBuilder(nsl, { target: 'binary' }).setHeader(header));
    expect(err).toMatchObject({
      code: 'duplicate-column',
      row: 1,
      column: 'service',
      got: 'columns 3 and 44',
    });
  });

  it('drops extra columns on request and fills an absent optional column with NaN', () => {
    const header = CIC_HEADER.filter((h) => h.trim() !== 'Destination Port');
    const { dataset, warnings } = build(cic, header, [row(header, { Label: 'DDoS' })], {
      dropColumns: [' flow bytes/s'],
    });
    const names = dataset.features.map((f) => f.name);
    expect(names).not.toContain('Flow Bytes/s');
    expect(names[0]).toBe('Destination Port');
    expect(dataset.columns[0][0]).toBeNaN();
    expect(warnings.find((w) => w.code === 'absent-optional-column')?.column).toBe('Destination Port');
    expect(() => createDatasetBuilder(cic, { target: 'binary', dropColumns: ['nope'] })).toThrow(
      /no column "nope"/,
    );
  });

  it('reuses a vocabulary and class list: codes kept, unseen values missing', () => {
    const train = build(nsl, NSL_HEADER, [
      row(NSL_HEADER, { service: 'http', label: 'normal' }),
      row(NSL_HEADER, { service: 'ftp', label: 'smurf' }),
    ]);
    const test = build(
      nsl,
      NSL_HEADER,
      [
        row(NSL_HEADER, { service: 'http', label: 'smurf' }),
        row(NSL_HEADER, { service: 'gopher', label: 'normal' }),
      ],
      { categories: train.dataset.features, classNames: train.dataset.classNames },
    );
    const svc = test.dataset.features.findIndex((f) => f.name === 'service');
    expect(test.dataset.features[svc].categories).toEqual(['ftp', 'http']);
    expect(test.dataset.columns[svc][0]).toBe(1);
    expect(test.dataset.columns[svc][1]).toBeNaN();
    expect(test.stats.unseenByColumn).toEqual({ service: 1 });
    expect(test.warnings.some((w) => w.code === 'unseen-categories')).toBe(true);

    const reordered = build(nsl, NSL_HEADER, [row(NSL_HEADER, { label: 'normal' })], {
      classNames: ['attack', 'benign'],
    });
    expect(reordered.dataset.classNames).toEqual(['attack', 'benign']);
    expect(reordered.dataset.labels![0]).toBe(1);
    expect(() => createDatasetBuilder(nsl, { target: 'binary', classNames: ['dos'] })).toThrow(
      /"dos" not classes of target "binary"/,
    );
  });

  it('grows past its initial capacity without losing rows', () => {
    const n = 5000;
    const rows = Array.from({ length: n }, (_, i) =>
      row(NSL_HEADER, { duration: String(i), label: i % 3 ? 'normal' : 'back' }),
    );
    const { dataset } = build(nsl, NSL_HEADER, rows);
    expect(dataset.nRows).toBe(n);
    expect(dataset.columns[0].length).toBe(n);
    expect(dataset.columns[0][n - 1]).toBe(n - 1);
    expect(dataset.labels![3]).toBe(1);
  });
});
