import { describe, expect, it } from 'vitest';
import { chunkHistoryJson, decodeChunkHistory, historyAlert } from './batch-history.js';
import { decodePendingAlerts, isBinaryPendingAlerts, PendingAlertsWriter } from './batch-pending-alerts.js';

const tuple = { srcIp: '10.0.0.1', dstIp: null, srcPort: 443, dstPort: null, protocol: 'tcp' };
const prediction = (i: number) => ({
  verdict: 'attack' as const,
  probability: 0.1 + i / 7,
  category: i % 2 ? 'dos' : 'port scan',
  riskScore: 50 + i,
  topFeatures: [
    { name: 'fwd_bytes', value: 1.5e9 + i, contribution: 1 / 3 },
    { name: 'proto', value: null, contribution: -0.25 },
  ],
});

/** The same alerts in the binary file and in the JSON written before it, decoded alike. */
function bothForms(records: unknown[], keys: string[] | null) {
  const writer = new PendingAlertsWriter(keys);
  const alerts = records.map((record, i) => {
    writer.add(i + 1, prediction(i), tuple, record);
    return historyAlert(i + 1, prediction(i), tuple, record, keys);
  });
  const binary = writer.finish();
  if (binary === null) throw new Error('no alerts written');
  return { binary, json: new TextEncoder().encode(chunkHistoryJson(alerts, keys)) };
}

describe('the pending alerts file', () => {
  it('reads back what a delimited file gave, any text included, as the JSON form did', () => {
    const keys = ['a', 'b', 'c'];
    const records = [
      ['1.5', '', 'plain'],
      ['café', '日本', 'emoji 🛡️ and a\nline feed'],
      { a: 'x', b: 'from an object', c: 'y' },
      ['"quoted", =formula', '\\u0000 as text', 'tab\there'],
    ];
    const { binary, json } = bothForms(records, keys);
    expect(isBinaryPendingAlerts(binary)).toBe(true);
    expect(isBinaryPendingAlerts(json)).toBe(false);
    const decoded = decodeChunkHistory(binary);
    expect(decoded).toEqual(decodeChunkHistory(json));
    // As a file is read: a Buffer at an odd offset of a larger one.
    const fromFile = Buffer.concat([Buffer.from('odd'), binary, Buffer.from('rest')]).subarray(
      3,
      3 + binary.length,
    );
    expect(decodeChunkHistory(fromFile)).toEqual(decoded);
    expect(decoded[1][11]).toEqual({ a: 'café', b: '日本', c: 'emoji 🛡️ and a\nline feed' });
    expect(decoded[0]).toEqual([
      1,
      'attack',
      0.1,
      'port scan',
      50,
      '10.0.0.1',
      null,
      443,
      null,
      'tcp',
      [
        { name: 'fwd_bytes', value: 1.5e9, contribution: 1 / 3 },
        { name: 'proto', value: null, contribution: -0.25 },
      ],
      { a: '1.5', b: '', c: 'plain' },
    ]);
    // Values under keys: the history copy writes them as the JSON form did.
    const { keys: read, alerts } = decodePendingAlerts(binary);
    expect(read).toEqual(keys);
    expect(chunkHistoryJson(alerts, read)).toBe(new TextDecoder().decode(json));
  });

  it('keeps records of any shape when rows have no common keys (JSON lines, URL lists)', () => {
    const records = [
      { url: 'https://example.test/ä', domain: 'example.test' },
      { n: 1, nested: { x: [true, null] } },
      {},
    ];
    const { binary, json } = bothForms(records, null);
    expect(decodeChunkHistory(binary)).toEqual(decodeChunkHistory(json));
    expect(decodeChunkHistory(binary).map((a) => a[11])).toEqual(records);
  });

  it('refuses a file cut short, naming why', () => {
    const { binary } = bothForms([['1']], ['a']);
    expect(() => decodePendingAlerts(binary.subarray(0, binary.length - 1))).toThrow(
      /pending alerts file is corrupt: its alerts do not add up/,
    );
    expect(() => decodePendingAlerts(binary.subarray(0, 60))).toThrow(/pending alerts file is corrupt/);
  });

  it('is nothing when a chunk has no alert', () => {
    expect(new PendingAlertsWriter(null).finish()).toBeNull();
  });

  it('grows past its first buffers', () => {
    const keys = ['long'];
    const records = Array.from({ length: 3000 }, (_, i) => [`${i}:${'x'.repeat(100)}`]);
    const { binary, json } = bothForms(records, keys);
    expect(decodeChunkHistory(binary)).toEqual(decodeChunkHistory(json));
  });
});
