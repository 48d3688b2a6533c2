import { describe, expect, it } from 'vitest';
import { compileFlowRecordEncoder } from '../scoring/flow-record-encoder.js';
import { SYNTHETIC_FLOW_FEATURES } from '../synthetic/synthetic-flows.js';
import { isoTime } from './canonical-flow.js';
import { ATTACK_SCENARIOS, type AttackScenario } from './scenarios.js';
import { createTrafficSimulator, type SimulatedFlow } from './traffic-simulator.js';

function take(n: number, options: Parameters<typeof createTrafficSimulator>[0]): SimulatedFlow[] {
  const sim = createTrafficSimulator(options);
  return Array.from({ length: n }, () => sim.next());
}

/** Flows of one scenario, grouped by campaign. */
function campaignsOf(flows: SimulatedFlow[], scenario: AttackScenario): SimulatedFlow[][] {
  const byId = new Map<number, SimulatedFlow[]>();
  for (const f of flows) {
    if (f.truth.scenario !== scenario) continue;
    const list = byId.get(f.truth.campaign!) ?? [];
    list.push(f);
    byId.set(f.truth.campaign!, list);
  }
  return [...byId.values()];
}

describe('createTrafficSimulator', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = take(2000, { seed: 5, attackShare: 0.3 });
    const b = take(2000, { seed: 5, attackShare: 0.3 });
    const c = take(2000, { seed: 6, attackShare: 0.3 });
    expect(a).toEqual(b);
    expect(a.map((f) => f.record.dst_port)).not.toEqual(c.map((f) => f.record.dst_port));
  });

  it('spaces start times at the nominal rate, in order, with unique flow ids', () => {
    const flows = take(5000, { seed: 1, flowsPerSecond: 100, startTime: 0 });
    const starts = flows.map((f) => Date.parse(f.record.start_time));
    for (let i = 1; i < starts.length; i++) expect(starts[i]).toBeGreaterThanOrEqual(starts[i - 1]);
    // 5,000 flows at 100/s span about 50 s.
    expect(starts[starts.length - 1] / 1000).toBeGreaterThan(45);
    expect(starts[starts.length - 1] / 1000).toBeLessThan(55);
    expect(new Set(flows.map((f) => f.record.flow_id)).size).toBe(5000);
  });

  it('draws roughly the attack share, from every scenario over a long run', () => {
    const flows = take(60_000, { seed: 2, attackShare: 0.2 });
    const attacks = flows.filter((f) => f.truth.label === 'attack');
    expect(attacks.length / flows.length).toBeGreaterThan(0.15);
    expect(attacks.length / flows.length).toBeLessThan(0.25);
    const seen = new Set(attacks.map((f) => f.truth.scenario));
    expect([...seen].sort()).toEqual([...ATTACK_SCENARIOS].sort());
    for (const f of flows) {
      if (f.truth.label === 'benign')
        expect(f.truth).toEqual({ label: 'benign', scenario: 'benign', family: 'benign', campaign: null });
      else expect(f.truth.campaign).toBeGreaterThan(0);
    }
  });

  it('plays each scenario as its ground truth says', () => {
    const flows = take(60_000, { seed: 3, attackShare: 0.3 });
    for (const scan of campaignsOf(flows, 'port-scan')) {
      expect(new Set(scan.map((f) => `${f.record.src_ip}>${f.record.dst_ip}`)).size).toBe(1);
      expect(new Set(scan.map((f) => f.record.dst_port)).size).toBe(scan.length);
    }
    for (const flood of campaignsOf(flows, 'syn-flood')) {
      expect(new Set(flood.map((f) => f.record.dst_ip)).size).toBe(1);
      expect(new Set(flood.map((f) => f.record.src_ip)).size).toBeGreaterThan(flood.length * 0.9);
      for (const f of flood) {
        expect(f.record.fwd_packets).toBeLessThanOrEqual(2);
        expect(f.record.syn_count).toBe(f.record.fwd_packets);
        expect(f.record.fwd_bytes).toBe(0);
      }
    }
    for (const ddos of campaignsOf(flows, 'ddos')) {
      expect(new Set(ddos.map((f) => f.record.dst_ip)).size).toBe(1);
      expect(new Set(ddos.map((f) => f.record.src_ip)).size).toBeGreaterThan(5);
    }
    for (const [scenario, port] of [
      ['ssh-brute-force', 22],
      ['ftp-brute-force', 21],
    ] as const) {
      for (const brute of campaignsOf(flows, scenario)) {
        expect(
          new Set(brute.map((f) => `${f.record.src_ip}>${f.record.dst_ip}:${f.record.dst_port}`)),
        ).toEqual(new Set([`${brute[0].record.src_ip}>${brute[0].record.dst_ip}:${port}`]));
      }
    }
    for (const exfil of campaignsOf(flows, 'exfiltration')) {
      for (const f of exfil) expect(f.record.fwd_bytes).toBeGreaterThan(50 * f.record.bwd_bytes);
    }
  });

  it('beacons periodically, whatever the rate of the other traffic', () => {
    const sim = createTrafficSimulator({ seed: 4, attackShare: 0, flowsPerSecond: 50 });
    sim.launch('c2-beacon');
    const flows = Array.from({ length: 50_000 }, () => sim.next());
    const [beacons] = campaignsOf(flows, 'c2-beacon');
    expect(beacons.length).toBeGreaterThan(10);
    const gaps = beacons
      .slice(1)
      .map((f, i) => Date.parse(f.record.start_time) - Date.parse(beacons[i].record.start_time));
    const mean = gaps.reduce((s, g) => s + g, 0) / gaps.length;
    expect(mean).toBeGreaterThanOrEqual(10_000);
    for (const g of gaps) expect(Math.abs(g - mean)).toBeLessThan(mean * 0.12);
    expect(
      new Set(beacons.map((f) => `${f.record.src_ip}>${f.record.dst_ip}:${f.record.dst_port}`)).size,
    ).toBe(1);
    expect(flows.filter((f) => f.truth.label === 'attack')).toHaveLength(beacons.length);
  });

  it('restricts campaigns to the chosen scenarios', () => {
    const flows = take(5000, { seed: 9, attackShare: 0.5, scenarios: ['port-scan'] });
    const scenarios = new Set(flows.map((f) => f.truth.scenario));
    expect([...scenarios].sort()).toEqual(['benign', 'port-scan']);
  });

  it('emits records the synthetic-flows model can encode', () => {
    const encoder = compileFlowRecordEncoder({
      schema: 'synthetic-flows',
      features: [...SYNTHETIC_FLOW_FEATURES],
    });
    const records = take(3000, { seed: 7, attackShare: 0.5 }).map((f) => f.record);
    const out = new Float32Array(records.length * encoder.nFeatures);
    const counts = encoder.encodeBatch(records, 0, records.length, out);
    expect(counts).toEqual({ unseenCategories: 0, infiniteValues: 0 });
    expect(encoder.tuple(records[0]).srcIp).toBe(records[0].src_ip);
    for (const r of records) {
      expect(Number.isInteger(r.fwd_packets) && r.fwd_packets >= 1).toBe(true);
      expect(r.end_time >= r.start_time).toBe(true);
    }
  });

  it('formats times exactly as toISOString does', () => {
    let t = Date.UTC(2026, 0, 1) - 5000;
    for (let i = 0; i < 20_000; i++) {
      t += (i * 7919) % 1700;
      expect(isoTime(t)).toBe(new Date(t).toISOString());
    }
    expect(isoTime(0)).toBe('1970-01-01T00:00:00.000Z');
    expect(isoTime(Date.UTC(2026, 0, 1, 0, 0, 0, 7.9))).toBe('2026-01-01T00:00:00.007Z');
  });

  it('rejects bad options', () => {
    expect(() => createTrafficSimulator({ seed: -1 })).toThrow(/seed/);
    expect(() => createTrafficSimulator({ seed: 1, flowsPerSecond: 0 })).toThrow(/flowsPerSecond/);
    expect(() => createTrafficSimulator({ seed: 1, attackShare: 2 })).toThrow(/attackShare/);
    expect(() => createTrafficSimulator({ seed: 1, scenarios: [] })).toThrow(/scenarios/);
    expect(() => createTrafficSimulator({ seed: 1, scenarios: ['nope' as AttackScenario] })).toThrow(
      /scenarios/,
    );
  });
});
