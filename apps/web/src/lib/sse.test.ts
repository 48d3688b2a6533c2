import { describe, expect, it } from 'vitest';
import { alertOf, filterAlerts, type LiveAlert, mergeAlerts, relatedAlerts } from './live-alerts';
import { SseParser } from './sse';

describe('server-sent events parser', () => {
  it('parses events split across chunks, with names, ids, multi-line data and comments', () => {
    const p = new SseParser();
    expect(p.push(': hello\n\nevent: alert\nid: 7\ndata: {"a":')).toEqual([]);
    expect(p.push('1}\n\ndata: line1\r\ndata: line2\r')).toEqual([
      { event: 'alert', data: '{"a":1}', id: '7' },
    ]);
    expect(p.push('\n\r\n')).toEqual([{ event: 'message', data: 'line1\nline2', id: '7' }]);
    expect(p.push('data\n\n')).toEqual([{ event: 'message', data: '', id: '7' }]);
  });
});

const alert = (seq: number, over: Partial<LiveAlert> = {}): LiveAlert => ({
  seq,
  at: '2026-03-04T05:06:07.000Z',
  source: 'api',
  modelId: 'm',
  modelVersion: 1,
  kind: 'k',
  probability: 0.9,
  category: 'DoS',
  riskScore: 80,
  srcIp: '10.0.0.1',
  dstIp: '10.0.0.2',
  srcPort: 1,
  dstPort: 2,
  protocol: 'tcp',
  topFeatures: [],
  eventKey: null,
  ...over,
});

describe('live alert list', () => {
  it('reads alerts from events and ignores anything else', () => {
    expect(alertOf({ event: 'alert', data: JSON.stringify(alert(3)) })?.seq).toBe(3);
    expect(alertOf({ event: 'heartbeat', data: '{}' })).toBeNull();
    expect(alertOf({ event: 'alert', data: 'not json' })).toBeNull();
    expect(alertOf({ event: 'message', data: '{"seq":"x"}' })).toBeNull();
  });

  it('keeps the newest first, drops repeats after a reconnect, and caps the list', () => {
    let list = mergeAlerts([], [alert(1), alert(2)]);
    list = mergeAlerts(list, [alert(2), alert(3)]);
    expect(list.map((a) => a.seq)).toEqual([3, 2, 1]);
    expect(mergeAlerts(list, [alert(4)], 2).map((a) => a.seq)).toEqual([4, 3]);
  });

  it('filters by risk, category and address, and relates alerts by source', () => {
    const list = [
      alert(3, { riskScore: 40 }),
      alert(2, { category: 'PortScan', srcIp: '192.168.1.4' }),
      alert(1),
    ];
    expect(filterAlerts(list, { minScore: 50, category: '', address: '' }).map((a) => a.seq)).toEqual([2, 1]);
    expect(filterAlerts(list, { minScore: 0, category: 'PortScan', address: '' }).map((a) => a.seq)).toEqual([
      2,
    ]);
    expect(filterAlerts(list, { minScore: 0, category: '', address: '192.168.' }).map((a) => a.seq)).toEqual([
      2,
    ]);
    expect(relatedAlerts(list, list[0]).map((a) => a.seq)).toEqual([1]);
  });
});
