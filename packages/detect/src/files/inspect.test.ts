import { describe, expect, it } from 'vitest';
import { getFlowSchema } from '../schemas/flow-schema.registry.js';
import { ZEEK_CONN_FIELDS } from '../schemas/zeek-conn.schema.js';
import { checkBom, checkMagic, checkNotBinary } from './bytes-sniff.js';
import { FileFormatError } from './file-format.error.js';
import { inspectText, MAX_COLUMNS } from './inspect.js';
import { createRecordMapper } from './record-mapper.js';

const nslHeader = [...getFlowSchema('nsl-kdd').features.map((f) => f.name), 'label', 'difficulty'];
const nslRow = nslHeader.map((h) => (h === 'protocol_type' ? 'tcp' : h === 'label' ? 'normal' : '0'));
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof FileFormatError) return err.code;
    throw err;
  }
  return 'ok';
};

describe('inspectText', () => {
  it('detects a flow CSV, its schema, delimiter and preview', () => {
    const text = `${nslHeader.join(';')}\n${nslRow.join(';')}\n${nslRow.join(';')}\n`;
    const i = inspectText(text, { complete: true });
    expect(i).toMatchObject({
      layout: 'csv',
      delimiter: ';',
      schema: 'nsl-kdd',
      kind: 'flows',
      headerRow: true,
    });
    expect(i.rowsInHead).toBe(2);
    expect(i.preview.rows[0]).toEqual(nslRow);
    expect(i.unknown).toEqual([]);
    expect(i.used).toHaveLength(nslHeader.length);
  });

  it('reads Zeek TSV headers and Zeek JSON lines as zeek-conn', () => {
    const row = ZEEK_CONN_FIELDS.map((f) =>
      f === 'proto' ? 'tcp' : f.startsWith('id.') && f.endsWith('_h') ? '10.0.0.1' : '-',
    );
    const tsv = `#separator \\x09\n#path\tconn\n#fields\t${ZEEK_CONN_FIELDS.join('\t')}\n${row.join('\t')}\n#close\tx\n`;
    const t = inspectText(tsv, { complete: true });
    expect(t).toMatchObject({
      layout: 'zeek-tsv',
      schema: 'zeek-conn',
      delimiter: '\t',
      comment: '#',
      rowsInHead: 1,
    });
    expect(t.zeek).toEqual({ unsetField: '-', emptyField: '(empty)', path: 'conn' });
    expect(t.preview.rows[0][ZEEK_CONN_FIELDS.indexOf('service')]).toBeNull();

    const json = `${JSON.stringify({ ts: 1, uid: 'C1', id: { orig_h: '10.0.0.1', orig_p: 1, resp_h: '10.0.0.2', resp_p: 80 }, proto: 'tcp', conn_state: 'S0', local_orig: true, missed_bytes: 0, history: 'S', orig_pkts: 1, orig_ip_bytes: 44, resp_pkts: 0, resp_ip_bytes: 0, service: 'http', duration: 1, orig_bytes: 0, resp_bytes: 0 })}\n`;
    const j = inspectText(json, { complete: true });
    expect(j).toMatchObject({ layout: 'zeek-json', schema: 'zeek-conn' });
    const record = createRecordMapper(j).fromJsonLine(json.trim());
    expect(record).toMatchObject({ 'id.orig_h': '10.0.0.1', local_orig: 'T', local_resp: '-' });
  });

  it('recognises URL lists: a url column, a named column, or bare URLs', () => {
    expect(inspectText('url,note\nhttp://a.test/,x\n', { complete: true })).toMatchObject({
      kind: 'urls',
      schema: 'url',
      urlColumn: 'url',
      unknown: ['note'],
    });
    expect(inspectText('id,link\n1,a.test\n', { complete: true, urlColumn: 'link' }).urlColumn).toBe('link');
    const bare = inspectText('https://a.test/x\nb.example.org/login\n', { complete: true });
    expect(bare).toMatchObject({ kind: 'urls', headerRow: false, header: ['url'], rowsInHead: 2 });
    expect(createRecordMapper(bare).fromCells([''])).toBe('empty URL');
  });

  it('refuses what cannot be a batch, with a code per reason', () => {
    expect(code(() => inspectText('', { complete: true }))).toBe('empty-file');
    expect(code(() => inspectText(`${nslHeader.join(',')}\n`, { complete: true }))).toBe('no-rows');
    expect(code(() => inspectText('a,b\n1,2\n', { complete: true }))).toBe('unknown-schema');
    expect(
      code(() =>
        inspectText(`${nslHeader.join(',')}\n${nslRow.join(',')}\n`, { complete: true, schema: 'zeek-conn' }),
      ),
    ).toBe('missing-columns');
    const wide = Array.from({ length: MAX_COLUMNS + 1 }, (_, i) => `c${i}`).join(',');
    expect(code(() => inspectText(`${wide}\n${wide}\n`, { complete: true }))).toBe('too-many-columns');
    expect(code(() => inspectText('x'.repeat(100), { complete: false }))).toBe('line-too-long');
    expect(code(() => inspectText('{"a": 1\n', { complete: true }))).toBe('unknown-format');
    expect(code(() => inspectText('#separator \\x09\n1\t2\n', { complete: true }))).toBe('bad-zeek-header');
    const dup = [...nslHeader, 'duration'];
    expect(
      code(() => inspectText(`${dup.join(',')}\n${[...nslRow, '0'].join(',')}\n`, { complete: true })),
    ).toBe('duplicate-column');
  });

  it('maps rows to records: ragged rows are bad, unknown columns left out', () => {
    const i = inspectText(`${nslHeader.join(',')},note\n${nslRow.join(',')},x\n`, { complete: true });
    const mapper = createRecordMapper(i);
    const record = mapper.fromCells([...nslRow, 'x']) as Record<string, unknown>;
    expect(record.protocol_type).toBe('tcp');
    expect('note' in record).toBe(false);
    expect(mapper.fromCells(nslRow)).toBe(`expected ${nslHeader.length + 1} fields, got ${nslHeader.length}`);
    expect(mapper.fromJsonLine('[1]')).toBe('expected a JSON object');
  });

  it("gives a row's values in the keys' order, as the record holds them", () => {
    const valuesOf = (header: string[], cells: string[]) => {
      const mapper = createRecordMapper(
        inspectText(`${header.join(',')}\n${cells.join(',')}\n`, { complete: true }),
      );
      const record = mapper.fromCells(cells) as Record<string, unknown>;
      const values = mapper.valuesFromCells(cells);
      expect(values).toEqual(mapper.keys?.map((k) => record[k]));
      return values;
    };
    // Every column used, in order: the cells are the values, not copied.
    const all = [...nslRow];
    expect(valuesOf(nslHeader, all)).toBe(all);
    // An unknown column left out: the used ones, copied.
    const noted = [...nslRow, 'x'];
    const values = valuesOf([...nslHeader, 'note'], noted);
    expect(values).not.toBe(noted);
    expect(values).toHaveLength(nslHeader.length);
  });
});

describe('byte sniffing', () => {
  it('refuses binary content, other compressions and UTF-16', () => {
    expect(code(() => checkNotBinary(Uint8Array.from([0x61, 0x00])))).toBe('binary-data');
    expect(code(() => checkNotBinary(Uint8Array.from({ length: 100 }, (_, i) => (i % 10 === 0 ? 1 : 0x61)))));
    expect(code(() => checkNotBinary(new TextEncoder().encode('a,b\tc\r\n')))).toBe('ok');
    expect(code(() => checkMagic(Uint8Array.from([0x42, 0x5a, 0x68, 0x39])))).toBe('unsupported-compression');
    expect(code(() => checkMagic(Uint8Array.from([0xd4, 0xc3, 0xb2, 0xa1])))).toBe('binary-data');
    expect(code(() => checkBom(Uint8Array.from([0xfe, 0xff, 0, 0x61])))).toBe('unsupported-encoding');
    expect(checkBom(Uint8Array.from([0xef, 0xbb, 0xbf, 0x61]))).toBe('utf-8');
  });
});
