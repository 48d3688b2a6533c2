import { createDataset, type Dataset, type FeatureInfo, Random } from '@vigil/ml';
import { BINARY_CLASS_NAMES, type FlowTarget } from '../schemas/flow-schema.js';
import { type FlowShape, type SyntheticFlowClass, sampleFlowShape } from './flow-shapes.js';

/** Classes of the synthetic flows' `category` target. */
export const SYNTHETIC_FLOW_CATEGORIES: readonly SyntheticFlowClass[] = [
  'benign',
  'portscan',
  'dos',
  'brute-force',
];

/** The small canonical feature set of synthetic flows (CICFlowMeter-like statistics). */
export const SYNTHETIC_FLOW_FEATURES: readonly FeatureInfo[] = Object.freeze([
  { name: 'dst_port', kind: 'numeric' },
  { name: 'protocol', kind: 'categorical', categories: ['tcp', 'udp'] },
  { name: 'duration_ms', kind: 'numeric' },
  { name: 'fwd_packets', kind: 'numeric' },
  { name: 'bwd_packets', kind: 'numeric' },
  { name: 'fwd_bytes', kind: 'numeric' },
  { name: 'bwd_bytes', kind: 'numeric' },
  { name: 'bytes_per_s', kind: 'numeric' },
  { name: 'packets_per_s', kind: 'numeric' },
  { name: 'mean_iat_ms', kind: 'numeric' },
  { name: 'syn_count', kind: 'numeric' },
  { name: 'rst_count', kind: 'numeric' },
] satisfies FeatureInfo[]);

/** Options of {@link generateSyntheticFlows}. */
export interface SyntheticFlowOptions {
  readonly rows: number;
  readonly seed: number;
  /** Share of attack rows, 0..1 (default 0.3). */
  readonly attackRatio?: number;
  /** Label with benign/attack (default) or with the attack family. */
  readonly target?: FlowTarget;
  /**
   * Share of rows whose label is replaced by another class (default 0.01): real labels are noisy too,
   * and it keeps a perfect score out of reach so metrics stay informative.
   */
  readonly labelNoise?: number;
}

// How attacks split between families: DoS dominates most captures, brute force is the rarest.
const ATTACK_MIX: readonly [SyntheticFlowClass, number][] = [
  ['portscan', 0.35],
  ['dos', 0.45],
  ['brute-force', 0.2],
];

/**
 * Labelled synthetic flows for demos and tests when no real data set is at hand: web-like benign
 * traffic, port scans (many short flows of one or two packets), DoS (floods with high packet rates
 * and slow, long-held connections) and SSH/FTP brute force. The families overlap on purpose (failed
 * benign connections look like scan probes, slow DoS like idle keep-alives) and every statistic gets
 * measurement noise, so the data is learnable but not separable by one threshold.
 * The same seed gives the same rows.
 */
export function generateSyntheticFlows(options: SyntheticFlowOptions): Dataset {
  const { rows, seed } = options;
  const attackRatio = options.attackRatio ?? 0.3;
  const labelNoise = options.labelNoise ?? 0.01;
  const target = options.target ?? 'binary';
  if (!Number.isInteger(rows) || rows <= 0)
    throw new RangeError(`synthetic flows: rows must be a positive integer, got ${rows}`);
  if (!(attackRatio >= 0 && attackRatio <= 1))
    throw new RangeError(`synthetic flows: attackRatio must be in [0, 1], got ${attackRatio}`);
  if (!(labelNoise >= 0 && labelNoise <= 1))
    throw new RangeError(`synthetic flows: labelNoise must be in [0, 1], got ${labelNoise}`);

  const rng = new Random(seed);
  const classNames = target === 'binary' ? BINARY_CLASS_NAMES : SYNTHETIC_FLOW_CATEGORIES;
  const columns = SYNTHETIC_FLOW_FEATURES.map(() => new Float32Array(rows));
  const labels = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const cls = rng.next() < attackRatio ? pickAttack(rng) : 'benign';
    writeRow(columns, i, sampleFlowShape(cls, rng));
    let y = target === 'binary' ? Number(cls !== 'benign') : SYNTHETIC_FLOW_CATEGORIES.indexOf(cls);
    if (rng.next() < labelNoise) y = (y + 1 + rng.int(classNames.length - 1)) % classNames.length;
    labels[i] = y;
  }
  return createDataset({ features: SYNTHETIC_FLOW_FEATURES, columns, labels, classNames });
}

function pickAttack(rng: Random): SyntheticFlowClass {
  let u = rng.next();
  for (const [cls, p] of ATTACK_MIX) {
    if (u < p) return cls;
    u -= p;
  }
  return ATTACK_MIX[ATTACK_MIX.length - 1][0];
}

/** Derives the rate statistics the way CICFlowMeter does, including its undefined rate at duration 0. */
function writeRow(columns: Float32Array[], i: number, s: FlowShape): void {
  const packets = s.fwdPackets + s.bwdPackets;
  const bytes = s.fwdBytes + s.bwdBytes;
  const seconds = s.durationMs / 1000;
  const values = [
    s.dstPort,
    s.protocol === 'tcp' ? 0 : 1,
    s.durationMs,
    s.fwdPackets,
    s.bwdPackets,
    s.fwdBytes,
    s.bwdBytes,
    seconds > 0 ? bytes / seconds : Number.NaN,
    seconds > 0 ? packets / seconds : Number.NaN,
    packets > 1 ? s.durationMs / (packets - 1) : 0,
    s.synCount,
    s.rstCount,
  ];
  for (let f = 0; f < values.length; f++) columns[f][i] = values[f];
}
