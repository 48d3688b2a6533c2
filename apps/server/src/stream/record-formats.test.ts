import { describe, expect, it } from 'vitest';
import { canonicalFromCic, canonicalFromZeek, recordForModel, recordFormat } from './record-formats.js';

const zeek = {
  ts: 1767225600.25,
  uid: 'CAbc123',
  'id.orig_h': '10.0.0.5',
  'id.orig_p': 50123,
  'id.resp_h': '203.0.113.9',
  'id.resp_p': 443,
  proto: 'tcp',
  service: 'ssl',
  duration: 2,
  orig_bytes: 1000,
  resp_bytes: 5000,
  conn_state: 'SF',
  history: 'ShADadFfR',
  orig_pkts: 10,
  resp_pkts: 11,
};

describe('stream record formats', () => {
  it('recognises canonical, CICFlowMeter and Zeek conn records', () => {
    expect(recordFormat({ src_ip: '10.0.0.1', fwd_packets: 1 })).toBe('canonical');
    expect(recordFormat({ 'Flow Duration': 10, 'Total Fwd Packets': 1 })).toBe('cicflowmeter');
    expect(recordFormat({ 'Flow Duration': 10, 'Tot Fwd Pkts': 1 })).toBe('cicflowmeter');
    expect(recordFormat(zeek)).toBe('zeek-conn');
    expect(recordFormat({ uid: 'x', id: { orig_h: '10.0.0.1' }, orig_pkts: 1 })).toBe('zeek-conn');
  });

  it('maps Zeek conn to the canonical record with derived rates and history flags', () => {
    expect(canonicalFromZeek(zeek)).toEqual({
      flow_id: 'CAbc123',
      start_time: '2026-01-01T00:00:00.250Z',
      end_time: '2026-01-01T00:00:02.250Z',
      src_ip: '10.0.0.5',
      src_port: 50123,
      dst_ip: '203.0.113.9',
      dst_port: 443,
      protocol: 'tcp',
      duration_ms: 2000,
      fwd_packets: 10,
      bwd_packets: 11,
      fwd_bytes: 1000,
      bwd_bytes: 5000,
      bytes_per_s: 3000,
      packets_per_s: 10.5,
      mean_iat_ms: 100,
      syn_count: 2,
      rst_count: 1,
    });
    // Unanswered attempt: no duration, no bytes ('-' in TSV logs becomes absent or "-").
    const s0 = canonicalFromZeek({
      ...zeek,
      duration: '-',
      orig_bytes: '-',
      resp_bytes: '-',
      history: 'S',
      resp_pkts: 0,
      orig_pkts: 1,
    });
    expect(s0).toMatchObject({
      duration_ms: 0,
      fwd_bytes: 0,
      bytes_per_s: null,
      syn_count: 1,
      mean_iat_ms: 0,
    });
    expect(canonicalFromZeek({ conn_state: 'S0', uid: 'u', orig_pkts: 1 })).not.toHaveProperty('src_ip');
  });

  it('maps CICFlowMeter rows, converting microseconds to milliseconds', () => {
    const row = {
      'Flow ID': '10.0.0.1-10.0.0.2-1-80-6',
      ' Source IP': '10.0.0.1',
      ' Destination Port': '80',
      ' Protocol': '6',
      ' Flow Duration': '2500',
      ' Total Fwd Packets': '3',
      ' Flow IAT Mean': '1250',
      ' Fwd Header Length': '60',
      Label: 'BENIGN',
    };
    expect(canonicalFromCic(row)).toEqual({
      flow_id: '10.0.0.1-10.0.0.2-1-80-6',
      src_ip: '10.0.0.1',
      dst_port: '80',
      protocol: 'tcp',
      duration_ms: 2.5,
      fwd_packets: '3',
      mean_iat_ms: 1.25,
    });
    expect(canonicalFromCic({ 'Flow Duration': 1 })).toEqual({ duration_ms: 0.001, protocol: null });
  });

  it('leaves CICFlowMeter rows as they are for CICIDS2017 models, and non-objects alone', () => {
    const row = { 'Flow Duration': 1, 'Total Fwd Packets': 2 };
    expect(recordForModel(row, 'cicids2017')).toBe(row);
    expect(recordForModel(row, 'synthetic-flows')).toEqual({
      duration_ms: 0.001,
      fwd_packets: 2,
      protocol: null,
    });
    expect(recordForModel(42, 'synthetic-flows')).toBe(42);
    const canonical = { fwd_packets: 1 };
    expect(recordForModel(canonical, 'synthetic-flows')).toBe(canonical);
  });
});
