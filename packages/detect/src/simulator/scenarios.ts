import type { Random } from '@vigil/ml';
import { sampleFlowShape } from '../synthetic/flow-shapes.js';
import type { FlowMeasurements } from './canonical-flow.js';
import {
  between,
  botAddress,
  ephemeralPort,
  externalHost,
  internalHost,
  internalServer,
  logNormal,
  normal,
  pick,
} from './draws.js';

/** The attack scenarios the traffic simulator plays. */
export type AttackScenario =
  | 'port-scan'
  | 'syn-flood'
  | 'ddos'
  | 'ssh-brute-force'
  | 'ftp-brute-force'
  | 'c2-beacon'
  | 'exfiltration';

export const ATTACK_SCENARIOS: readonly AttackScenario[] = Object.freeze([
  'port-scan',
  'syn-flood',
  'ddos',
  'ssh-brute-force',
  'ftp-brute-force',
  'c2-beacon',
  'exfiltration',
]);

/**
 * Attack family of each scenario, in the synthetic-flows category names where one exists
 * (`portscan`, `dos`, `brute-force`); C2 beaconing and exfiltration have families of their own.
 */
export const SCENARIO_FAMILY: Readonly<Record<AttackScenario, string>> = Object.freeze({
  'port-scan': 'portscan',
  'syn-flood': 'dos',
  ddos: 'dos',
  'ssh-brute-force': 'brute-force',
  'ftp-brute-force': 'brute-force',
  'c2-beacon': 'c2',
  exfiltration: 'exfiltration',
});

/** One flow of a campaign, before it gets an id and a start time. */
export interface CampaignFlow {
  readonly srcIp: string;
  readonly srcPort: number;
  readonly dstIp: string;
  readonly dstPort: number;
  readonly protocol: 'tcp' | 'udp';
  readonly measurements: FlowMeasurements;
}

/**
 * A running attack: one attacker (or botnet) against one target, for a number of flows. Most
 * campaigns emit when the simulator draws an attack flow; a periodic one (C2 beaconing) emits on its
 * own schedule, every `periodMs` with jitter, whatever the rest of the traffic does.
 */
export interface Campaign {
  readonly id: number;
  readonly scenario: AttackScenario;
  /** Flows still to emit. */
  remaining: number;
  /** Periodic campaigns: simulated time (ms) of the next flow. */
  dueMs?: number;
  readonly periodMs?: number;
  next(rng: Random): CampaignFlow;
}

const tcpFlow = (
  srcIp: string,
  srcPort: number,
  dstIp: string,
  dstPort: number,
  m: FlowMeasurements,
): CampaignFlow => ({ srcIp, srcPort, dstIp, dstPort, protocol: 'tcp', measurements: m });

/** Starts a campaign of `scenario` at simulated time `nowMs`. */
export function startCampaign(scenario: AttackScenario, id: number, rng: Random, nowMs: number): Campaign {
  const base = { id, scenario };
  switch (scenario) {
    case 'port-scan': {
      // Sequential probes of the well-known ports, then of the rest, from one host at one target.
      const attacker = externalHost(rng);
      const target = internalHost(rng);
      let port = between(rng, 1, 100);
      return {
        ...base,
        remaining: between(rng, 100, 600),
        next: (r) => {
          const shape = sampleFlowShape('portscan', r);
          port = port >= 65535 ? 1 : port + 1;
          return tcpFlow(attacker, ephemeralPort(r), target, port, shape);
        },
      };
    }
    case 'syn-flood': {
      // Spoofed sources, one SYN (sometimes retransmitted), answered by a SYN-ACK or nothing.
      const target = internalServer(rng);
      const port = pick(rng, [80, 443]);
      return {
        ...base,
        remaining: between(rng, 300, 2000),
        next: (r) => {
          const fwd = r.next() < 0.85 ? 1 : 2;
          const bwd = r.next() < 0.5 ? 1 : 0;
          return tcpFlow(botAddress(r), ephemeralPort(r), target, port, {
            durationMs: fwd === 2 ? logNormal(r, 1000, 0.1) : logNormal(r, 0.05, 1),
            fwdPackets: fwd,
            bwdPackets: bwd,
            fwdBytes: 0,
            bwdBytes: 0,
            synCount: fwd,
            rstCount: r.next() < 0.1 ? 1 : 0,
          });
        },
      };
    }
    case 'ddos': {
      // A botnet's HTTP flood: the synthetic DoS shapes from a fixed set of bots.
      const bots = Array.from({ length: between(rng, 30, 200) }, () => botAddress(rng));
      const target = internalServer(rng);
      return {
        ...base,
        remaining: between(rng, 300, 2000),
        next: (r) => tcpFlow(pick(r, bots), ephemeralPort(r), target, 80, sampleFlowShape('dos', r)),
      };
    }
    case 'ssh-brute-force':
    case 'ftp-brute-force': {
      const attacker = externalHost(rng);
      const target = internalServer(rng);
      const port = scenario === 'ssh-brute-force' ? 22 : 21;
      let srcPort = ephemeralPort(rng);
      return {
        ...base,
        remaining: between(rng, 50, 400),
        next: (r) => {
          srcPort = srcPort >= 60999 ? 32768 : srcPort + 1 + r.int(3);
          return tcpFlow(attacker, srcPort, target, port, sampleFlowShape('brute-force', r));
        },
      };
    }
    case 'c2-beacon': {
      // An infected host checks in with its C2 server every period (±5 % jitter) with near-identical
      // small exchanges: periodicity and sameness give it away, not any one flow.
      const host = internalHost(rng);
      const c2 = externalHost(rng);
      const port = pick(rng, [443, 8443, 8080]);
      const periodMs = between(rng, 10, 60) * 1000;
      const fwdBytes = between(rng, 180, 420);
      const bwdBytes = between(rng, 60, 300);
      return {
        ...base,
        remaining: between(rng, 20, 60),
        periodMs,
        dueMs: nowMs,
        next: (r) => {
          const fwd = between(r, 4, 6);
          return tcpFlow(host, ephemeralPort(r), c2, port, {
            durationMs: logNormal(r, 150, 0.2),
            fwdPackets: fwd,
            bwdPackets: fwd - 1,
            fwdBytes: Math.round(fwdBytes * (1 + 0.03 * normal(r))),
            bwdBytes: Math.round(bwdBytes * (1 + 0.03 * normal(r))),
            synCount: 1,
            rstCount: 0,
          });
        },
      };
    }
    case 'exfiltration': {
      // Long uploads of tens to hundreds of MB to an external host: bytes flow out, acks come back.
      const host = internalHost(rng);
      const dest = externalHost(rng);
      const port = pick(rng, [443, 22, 8443, 21]);
      return {
        ...base,
        remaining: between(rng, 3, 12),
        next: (r) => {
          const fwdBytes = Math.round(logNormal(r, 80e6, 0.8));
          const fwdPackets = Math.ceil(fwdBytes / 1400);
          const bwdPackets = Math.ceil(fwdPackets / 2);
          return tcpFlow(host, ephemeralPort(r), dest, port, {
            durationMs: logNormal(r, 120_000, 0.6),
            fwdPackets,
            bwdPackets,
            fwdBytes,
            bwdBytes: bwdPackets * between(r, 0, 12),
            synCount: 1,
            rstCount: 0,
          });
        },
      };
    }
  }
}
