import { Random } from '@vigil/ml';
import { sampleFlowShape } from '../synthetic/flow-shapes.js';
import { type CanonicalFlowRecord, canonicalFlow, type FlowEndpoints } from './canonical-flow.js';
import { ephemeralPort, exponentialGapMs, externalServer, internalHost, internalServer } from './draws.js';
import {
  ATTACK_SCENARIOS,
  type AttackScenario,
  type Campaign,
  type CampaignFlow,
  SCENARIO_FAMILY,
  startCampaign,
} from './scenarios.js';

/** What a simulated flow really is. */
export interface FlowGroundTruth {
  readonly label: 'benign' | 'attack';
  readonly scenario: 'benign' | AttackScenario;
  /** Attack family (`portscan`, `dos`, `brute-force`, `c2`, `exfiltration`) or `benign`. */
  readonly family: string;
  /** Campaign number (attacks of one campaign share attacker and target); null for benign flows. */
  readonly campaign: number | null;
}

export interface SimulatedFlow {
  readonly record: CanonicalFlowRecord;
  readonly truth: FlowGroundTruth;
}

/** Options of {@link createTrafficSimulator}. */
export interface TrafficSimulatorOptions {
  readonly seed: number;
  /** Simulated flows per second: spacing of the records' start times (default 20). */
  readonly flowsPerSecond?: number;
  /** Simulated time of the first flow, ms since the epoch (default 2026-01-01T00:00:00Z). */
  readonly startTime?: number;
  /** Share of flows drawn from attack campaigns, 0..1 (default 0.1). */
  readonly attackShare?: number;
  /** Scenarios campaigns are drawn from (default all). */
  readonly scenarios?: readonly AttackScenario[];
  /** Campaigns running at once, at most (default 3). */
  readonly maxCampaigns?: number;
}

/**
 * A seeded, endless source of flows in simulated-time order. Pacing in real time is the caller's:
 * the simulator only spaces start times as a Poisson process at `flowsPerSecond`.
 */
export interface TrafficSimulator {
  /** The next flow. */
  next(): SimulatedFlow;
  /** Starts a campaign now (its flows follow with the next attack draws or on its schedule). */
  launch(scenario: AttackScenario): void;
  /** Simulated time of the last flow, ms since the epoch. */
  readonly nowMs: number;
  /** Flows emitted so far. */
  readonly emitted: number;
  /** Campaigns running now. */
  readonly activeCampaigns: readonly { id: number; scenario: AttackScenario; remaining: number }[];
}

const DEFAULT_START = Date.UTC(2026, 0, 1);
// Chance that an attack draw opens a new campaign while others run: a few overlap, most run alone.
const NEW_CAMPAIGN_CHANCE = 0.01;

/**
 * Benign traffic (web, DNS, SSH and FTP sessions, failed connections, bulk transfers: the shapes of
 * the synthetic data set) mixed with attack campaigns: port scans, SYN floods, botnet DDoS, SSH and
 * FTP brute force, periodic C2 beaconing and data exfiltration, each flow with its ground truth.
 * Records carry the synthetic-flows features, so the demo model scores them. Same seed, same flows.
 */
export function createTrafficSimulator(options: TrafficSimulatorOptions): TrafficSimulator {
  const { seed } = options;
  const rate = options.flowsPerSecond ?? 20;
  const attackShare = options.attackShare ?? 0.1;
  const scenarios = options.scenarios ?? ATTACK_SCENARIOS;
  const maxCampaigns = options.maxCampaigns ?? 3;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
    throw new RangeError(`traffic simulator: seed must be an integer 0..4294967295, got ${seed}`);
  if (!(rate > 0 && Number.isFinite(rate)))
    throw new RangeError(`traffic simulator: flowsPerSecond must be a positive number, got ${rate}`);
  if (!(attackShare >= 0 && attackShare <= 1))
    throw new RangeError(`traffic simulator: attackShare must be in [0, 1], got ${attackShare}`);
  if (scenarios.length === 0 || scenarios.some((s) => !ATTACK_SCENARIOS.includes(s)))
    throw new RangeError(
      `traffic simulator: scenarios must be some of ${ATTACK_SCENARIOS.join(', ')}, got ${scenarios.join(', ')}`,
    );
  if (!Number.isInteger(maxCampaigns) || maxCampaigns < 1)
    throw new RangeError(`traffic simulator: maxCampaigns must be a positive integer, got ${maxCampaigns}`);

  const rng = new Random(seed);
  const idPrefix = `sim-${seed}-`;
  let nowMs = options.startTime ?? DEFAULT_START;
  let emitted = 0;
  let campaignSeq = 0;
  const campaigns: Campaign[] = [];

  const launch = (scenario: AttackScenario): Campaign => {
    const c = startCampaign(scenario, ++campaignSeq, rng, nowMs);
    campaigns.push(c);
    return c;
  };

  const emit = (flow: CampaignFlow, startMs: number, truth: FlowGroundTruth): SimulatedFlow => {
    const at: FlowEndpoints = {
      flowId: idPrefix + emitted++,
      startMs,
      srcIp: flow.srcIp,
      srcPort: flow.srcPort,
      dstIp: flow.dstIp,
      dstPort: flow.dstPort,
      protocol: flow.protocol,
    };
    return { record: canonicalFlow(at, flow.measurements), truth };
  };

  const fromCampaign = (c: Campaign, startMs: number): SimulatedFlow => {
    const flow = c.next(rng);
    c.remaining--;
    if (c.periodMs !== undefined && c.dueMs !== undefined)
      c.dueMs += c.periodMs * (1 + 0.05 * (2 * rng.next() - 1));
    if (c.remaining <= 0) campaigns.splice(campaigns.indexOf(c), 1);
    return emit(flow, startMs, {
      label: 'attack',
      scenario: c.scenario,
      family: SCENARIO_FAMILY[c.scenario],
      campaign: c.id,
    });
  };

  const benign = (startMs: number): SimulatedFlow => {
    const shape = sampleFlowShape('benign', rng);
    const internal =
      shape.dstPort === 53 || ((shape.dstPort === 22 || shape.dstPort === 21) && rng.next() < 0.7);
    const flow: CampaignFlow = {
      srcIp: internalHost(rng),
      srcPort: ephemeralPort(rng),
      dstIp: internal ? internalServer(rng) : externalServer(rng),
      dstPort: shape.dstPort,
      protocol: shape.protocol,
      measurements: shape,
    };
    return emit(flow, startMs, { label: 'benign', scenario: 'benign', family: 'benign', campaign: null });
  };

  const attack = (startMs: number): SimulatedFlow | undefined => {
    let drawable = campaigns.filter((c) => c.periodMs === undefined);
    if (campaigns.length < maxCampaigns && (drawable.length === 0 || rng.next() < NEW_CAMPAIGN_CHANCE)) {
      const c = launch(scenarios[rng.int(scenarios.length)]);
      // A periodic campaign's first flow is due now; it leaves this draw to the schedule.
      if (c.periodMs !== undefined) return fromCampaign(c, startMs);
      drawable = [c];
    }
    if (drawable.length === 0) return undefined;
    return fromCampaign(drawable[rng.int(drawable.length)], startMs);
  };

  return {
    next() {
      const arrival = nowMs + exponentialGapMs(rng, rate);
      let due: Campaign | undefined;
      for (const c of campaigns)
        if (c.dueMs !== undefined && c.dueMs <= arrival && (!due || c.dueMs < due.dueMs!)) due = c;
      if (due) {
        nowMs = Math.max(nowMs, due.dueMs!);
        return fromCampaign(due, nowMs);
      }
      nowMs = arrival;
      if (rng.next() < attackShare) {
        const flow = attack(nowMs);
        if (flow) return flow;
      }
      return benign(nowMs);
    },
    launch(scenario) {
      if (!ATTACK_SCENARIOS.includes(scenario))
        throw new RangeError(`traffic simulator: unknown scenario "${scenario}"`);
      launch(scenario);
    },
    get nowMs() {
      return nowMs;
    },
    get emitted() {
      return emitted;
    },
    get activeCampaigns() {
      return campaigns.map((c) => ({ id: c.id, scenario: c.scenario, remaining: c.remaining }));
    },
  };
}
