import { type FeatureInfo, toRowMajor } from '@vigil/ml';
import { describe, expect, it } from 'vitest';
import { createDatasetBuilder } from '../dataset/dataset-builder.js';
import { getFlowSchema } from '../schemas/flow-schema.registry.js';
import { SYNTHETIC_FLOW_FEATURES } from '../synthetic/synthetic-flows.js';
import { FlowRecordError } from './flow-record.error.js';
import { compileFlowRecordEncoder } from './flow-record-encoder.js';

const nsl = getFlowSchema('nsl-kdd');
const cic = getFlowSchema('cicids2017');
const NSL_HEADER = [...nsl.features.map((f) => f.name), 'label', 'difficulty'];

function nslRow(values: Record<string, string>): string[] {
  const defaults: Record<string, string> = {
    protocol_type: 'tcp',
    service: 'http',
    flag: 'SF',
    difficulty: '3',
  };
  return NSL_HEADER.map((h) => values[h] ?? defaults[h] ?? String(NSL_HEADER.indexOf(h) % 7));
}

/** The error `fn` throws, which must be a FlowRecordError. */
function recordError(fn: () => unknown): FlowRecordError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FlowRecordError);
    return e as FlowRecordError;
  }
  throw new Error('expected a FlowRecordError, nothing was thrown');
}

const syntheticSpec = { schema: 'synthetic-flows', features: [...SYNTHETIC_FLOW_FEATURES] };
const synthetic = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  dst_port: 22,
  protocol: 'tcp',
  duration_ms: 1200,
  fwd_packets: 10,
  bwd_packets: 8,
  fwd_bytes: 900,
  bwd_bytes: 1400,
  bytes_per_s: 1916.6,
  packets_per_s: 15,
  mean_iat_ms: 70.5,
  syn_count: 1,
  rst_count: 0,
  ...over,
});

describe('compileFlowRecordEncoder', () => {
  it('encodes NSL-KDD records exactly as the dataset builder encodes the same CSV rows', () => {
    const rows = [
      nslRow({ protocol_type: 'udp', service: 'domain_u', src_bytes: '146', label: 'normal' }),
      nslRow({ protocol_type: 'tcp', service: 'private', flag: 'REJ', duration: '1e3', label: 'neptune' }),
      nslRow({
        protocol_type: 'icmp',
        service: 'eco_i',
        src_bytes: '?',
        dst_bytes: ' 12 ',
        label: 'ipsweep',
      }),
      nslRow({ protocol_type: ' tcp', service: 'telnet', hot: 'inf', count: '', label: 'buffer_overflow' }),
    ];
    const b = createDatasetBuilder(nsl, { target: 'binary' });
    b.setHeader(NSL_HEADER);
    rows.forEach((r, i) => {
      b.pushRow(r, i + 2);
    });
    const { dataset } = b.finish();
    const encoder = compileFlowRecordEncoder({ schema: 'nsl-kdd', features: [...dataset.features] });
    // As strings (CSV cells as JSON) and as JSON numbers where the cell is a plain number.
    const asStrings = rows.map((r) => Object.fromEntries(NSL_HEADER.map((h, j) => [h, r[j]])));
    const asNumbers = asStrings.map((rec) =>
      Object.fromEntries(Object.entries(rec).map(([k, v]) => [k, /^\d+$/.test(v) ? Number(v) : v])),
    );
    const expected = Array.from(toRowMajor(dataset));
    for (const records of [asStrings, asNumbers]) {
      const out = new Float32Array(rows.length * encoder.nFeatures);
      const counts = encoder.encodeBatch(records, 0, records.length, out);
      expect(Array.from(out)).toEqual(expected);
      expect(counts).toEqual({ unseenCategories: 0, infiniteValues: 1 });
    }
  });

  it('reads CICFlowMeter spellings, leaves absent optional features missing and extracts the 5-tuple', () => {
    const features: FeatureInfo[] = cic.features.map((f) => ({ name: f.name, kind: f.kind }));
    const encoder = compileFlowRecordEncoder({ schema: 'cicids2017', features });
    expect(encoder.required).not.toContain('Destination Port');
    const record: Record<string, unknown> = Object.fromEntries(cic.features.map((f, i) => [` ${f.name}`, i]));
    delete record[' Destination Port'];
    record[' Flow Bytes/s'] = 'Infinity';
    Object.assign(record, {
      'Source IP': '10.0.0.5',
      ' Destination IP': '2001:db8::1',
      'Src Port': 51234,
      'Dst Port': '443',
      Protocol: 6,
      Timestamp: '3/7/2017 8:55',
      ' Label': 'BENIGN',
    });
    // "Dst Port" is an alias of the Destination Port feature, so remove it to test the optional case.
    const noPort = { ...record };
    delete noPort['Dst Port'];
    const out = new Float32Array(2 * encoder.nFeatures);
    const counts = encoder.encodeBatch([noPort, record], 0, 2, out);
    expect(counts.infiniteValues).toBe(2);
    const flowBytes = cic.features.findIndex((f) => f.name === 'Flow Bytes/s');
    expect(out[0]).toBeNaN();
    expect(out[encoder.nFeatures]).toBe(443);
    expect(out[flowBytes]).toBeNaN();
    expect(out[1]).toBe(1);
    expect(encoder.tuple(record)).toEqual({
      srcIp: '10.0.0.5',
      dstIp: '2001:db8::1',
      srcPort: 51234,
      dstPort: 443,
      protocol: 'tcp',
    });
    expect(encoder.tuple(noPort).dstPort).toBeNull();
  });

  it('encodes records keyed by model feature names, with categorical codes from the model', () => {
    const encoder = compileFlowRecordEncoder(syntheticSpec);
    const out = new Float32Array(3 * 12);
    const counts = encoder.encodeBatch(
      [synthetic(), synthetic({ protocol: 'udp', bytes_per_s: null }), synthetic({ protocol: 'sctp' })],
      0,
      3,
      out,
    );
    expect(Array.from(out.subarray(0, 12))).toEqual(
      Array.from(Float32Array.of(22, 0, 1200, 10, 8, 900, 1400, 1916.6, 15, 70.5, 1, 0)),
    );
    expect(out[12 + 1]).toBe(1);
    expect(out[12 + 7]).toBeNaN();
    expect(out[24 + 1]).toBeNaN();
    expect(counts.unseenCategories).toBe(1);
    expect(encoder.tuple({ ...synthetic(), src_ip: '192.168.1.9', proto: 'x' })).toEqual({
      srcIp: '192.168.1.9',
      dstIp: null,
      srcPort: null,
      dstPort: 22,
      protocol: 'tcp',
    });
  });

  it('encodes a sub-range into rows from 0 and reports absolute record indices', () => {
    const encoder = compileFlowRecordEncoder(syntheticSpec);
    const records = [synthetic(), synthetic({ dst_port: 80 }), synthetic({ duration_ms: 'soon' })];
    const out = new Float32Array(12);
    encoder.encodeBatch(records, 1, 2, out);
    expect(out[0]).toBe(80);
    expect(recordError(() => encoder.encodeBatch(records, 2, 3, out)).index).toBe(2);
  });

  it('names the record and field of a bad value', () => {
    const encoder = compileFlowRecordEncoder(syntheticSpec);
    const out = new Float32Array(5 * 12);
    const cases: [Record<string, unknown>, string, string][] = [
      [synthetic({ duration_ms: 'abc' }), 'not-a-number', 'duration_ms'],
      [synthetic({ fwd_packets: true }), 'not-a-number', 'fwd_packets'],
      [synthetic({ fwd_bytes: { value: 1 } }), 'not-a-number', 'fwd_bytes'],
      [synthetic({ protocol: ['tcp'] }), 'not-a-category', 'protocol'],
      [synthetic({ src_ip: 'not-an-ip' }), 'bad-address', 'src_ip'],
      [synthetic({ src_port: 70000 }), 'bad-port', 'src_port'],
    ];
    for (const [bad, code, field] of cases) {
      const err = recordError(() =>
        encoder.encodeBatch([synthetic(), synthetic(), synthetic(), bad], 0, 4, out),
      );
      expect(err.code).toBe(code);
      expect(err.index).toBe(3);
      expect(err.field).toBe(field);
      expect(err.message).toMatch(new RegExp(`^record 3, field "${field}": expected `));
      expect(err.isSchemaMismatch).toBe(false);
    }
  });

  it('refuses unknown, missing and duplicated fields and non-objects', () => {
    const encoder = compileFlowRecordEncoder(syntheticSpec);
    const out = new Float32Array(12);
    const unknown = recordError(() => encoder.encodeBatch([synthetic({ 'Dst-Port': 1 })], 0, 1, out));
    expect(unknown.code).toBe('unknown-field');
    expect(unknown.message).toMatch(/unknown field "Dst-Port" \(did you mean "dst_port"\?\)/);
    expect(unknown.isSchemaMismatch).toBe(true);

    const { syn_count: _, rst_count: __, ...partial } = synthetic();
    const missing = recordError(() => encoder.encodeBatch([partial], 0, 1, out));
    expect(missing.code).toBe('missing-field');
    expect(missing.field).toBe('syn_count');
    expect(missing.message).toMatch(/missing 2 field\(s\).*"syn_count", "rst_count"/);

    const dup = recordError(() => encoder.encodeBatch([synthetic({ ' DST_PORT': 2 })], 0, 1, out));
    expect(dup.code).toBe('duplicate-field');

    expect(recordError(() => encoder.encodeBatch([null], 0, 1, out)).code).toBe('not-an-object');
    expect(recordError(() => encoder.encodeBatch([[1, 2]], 0, 1, out)).code).toBe('not-an-object');

    const lenient = compileFlowRecordEncoder(syntheticSpec, { unknownFields: 'ignore' });
    expect(() => lenient.encodeBatch([synthetic({ note: 'x' })], 0, 1, out)).not.toThrow();
  });

  it('accepts schema columns the model does not use, and metadata fields', () => {
    const features: FeatureInfo[] = [
      { name: 'duration', kind: 'numeric' },
      { name: 'protocol_type', kind: 'categorical', categories: ['icmp', 'tcp', 'udp'] },
    ];
    const encoder = compileFlowRecordEncoder({ schema: 'nsl-kdd', features });
    const out = new Float32Array(2);
    encoder.encodeBatch(
      [
        {
          duration: 3,
          protocol_type: 'udp',
          src_bytes: 5,
          label: 'normal',
          difficulty: 20,
          community_id: 'x',
        },
      ],
      0,
      1,
      out,
    );
    expect(Array.from(out)).toEqual([3, 2]);
    expect(encoder.tuple({ protocol_type: 'udp' }).protocol).toBe('udp');
  });
});

describe('FlowRecordEncoder.forKeys', () => {
  /** What encoding a batch does: the encoded rows, or the first error's message. */
  function outcome(encode: (out: Float32Array) => unknown, n: number): unknown {
    const out = new Float32Array(n * SYNTHETIC_FLOW_FEATURES.length);
    try {
      const counts = encode(out);
      return { rows: Array.from(out), counts };
    } catch (e) {
      return (e as Error).message;
    }
  }

  it('encodes rows of values exactly as the records with those keys, errors and tuple included', () => {
    const encoder = compileFlowRecordEncoder(syntheticSpec);
    const base = synthetic({ src_ip: '10.0.0.1', dst_ip: '10.0.0.2', src_port: '5353' });
    // Rows of a file have the same keys: every record of a case is the base with some values changed.
    const like = (over: Record<string, unknown>) => ({ ...base, ...over });
    const cases: Record<string, unknown>[][] = [
      [base, like({ duration_ms: '', fwd_bytes: ' 12 ', protocol: 'udp' }), like({ bytes_per_s: '1e40' })],
      [base, like({ fwd_packets: 'ten' })], // a bad number in the second row
      [{ ...base, surprise: 1 }], // an unknown column
      [{ ...base, 'Fwd Packets': 3 }], // a feature twice, by another of its names
      [Object.fromEntries(Object.entries(base).filter(([k]) => k !== 'syn_count'))], // a required one missing
      [like({ src_ip: 'not-an-address' })],
    ];
    for (const records of cases) {
      const keys = Object.keys(records[0]);
      const rows = records.map((r) => keys.map((k) => r[k]));
      const rowEncoder = encoder.forKeys(keys);
      expect(outcome((out) => rowEncoder.encodeBatch(rows, 0, rows.length, out), rows.length)).toEqual(
        outcome((out) => encoder.encodeBatch(records, 0, records.length, out), records.length),
      );
      expect(rowEncoder.tuple(rows[0])).toEqual(encoder.tuple(records[0]));
    }
    const keys = Object.keys(base);
    expect(encoder.forKeys(keys).tuple(keys.map((k) => base[k]))).toEqual({
      srcIp: '10.0.0.1',
      dstIp: '10.0.0.2',
      srcPort: 5353,
      dstPort: 22,
      protocol: 'tcp',
    });
  });
});
