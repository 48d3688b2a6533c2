import type { Dataset } from '../data/dataset.js';
import {
  isolationPathNormaliser,
  type Tree,
  type TreeEnsemble,
  treeFromNodes,
} from '../model/tree-ensemble.js';
import { Random } from '../util/random.js';

/** Hyper-parameters of {@link trainIsolationForest}. */
export interface IsolationForestParams {
  /** Number of isolation trees. */
  readonly nEstimators: number;
  /** Rows sub-sampled (without replacement) per tree, ψ; capped at the dataset's size. */
  readonly sampleSize: number;
  /** Depth limit; 0 = ⌈log₂ ψ⌉, the average depth of a balanced tree, as in the paper. */
  readonly maxDepth: number;
  /** Seed of the generator; the same seed and data give the same forest. */
  readonly seed: number;
}

/** Defaults from Liu et al. (2008): 100 trees, ψ = 256, depth limit ⌈log₂ ψ⌉. */
export const defaultIsolationForestParams: Readonly<IsolationForestParams> = Object.freeze({
  nEstimators: 100,
  sampleSize: 256,
  maxDepth: 0,
  seed: 42,
});

/**
 * Trains an isolation forest (Liu, Ting & Zhou 2008). Each tree isolates a random sub-sample of
 * ψ rows by splitting on a random feature at a value drawn uniformly between the node's minimum
 * and maximum; a leaf holds depth + c(size), the path length the unbuilt subtree would have added.
 * Labels are ignored. Scores (via evaluateEnsemble, transform 'isolation') are
 * 2^(−E[h(x)] / c(ψ)) in (0, 1]: close to 1 = anomalous, well below 0.5 = normal.
 * Missing values are ignored when choosing a split and follow the side that got more rows.
 */
export function trainIsolationForest(ds: Dataset, params: Partial<IsolationForestParams> = {}): TreeEnsemble {
  const p: IsolationForestParams = { ...defaultIsolationForestParams, ...params };
  validateIsolationForestParams(p);
  if (ds.nRows === 0) throw new RangeError('isolationForest: the dataset has no rows');
  const nFeatures = ds.columns.length;
  if (nFeatures === 0) throw new RangeError('isolationForest: the dataset has no features');
  const psi = Math.min(p.sampleSize, ds.nRows);
  const depthLimit = p.maxDepth > 0 ? p.maxDepth : Math.max(1, Math.ceil(Math.log2(psi)));

  const rng = new Random(p.seed);
  // Partial Fisher–Yates on a persistent permutation: any permutation of 0..n-1 is a valid start,
  // so each tree's first ψ entries are a uniform sample without re-initialising n entries.
  const permutation = Int32Array.from({ length: ds.nRows }, (_, i) => i);
  const trees: Tree[] = [];
  for (let t = 0; t < p.nEstimators; t++) {
    const treeRng = rng.fork();
    for (let j = 0; j < psi; j++) {
      const pick = j + treeRng.int(ds.nRows - j);
      const tmp = permutation[j];
      permutation[j] = permutation[pick];
      permutation[pick] = tmp;
    }
    trees.push(growIsolationTree(ds.columns, permutation.slice(0, psi), depthLimit, treeRng));
  }
  return {
    algorithm: 'isolation-forest',
    nFeatures,
    nOutputs: 1,
    trees,
    treeOutput: new Int32Array(trees.length).fill(-1),
    baseScore: new Float64Array(1),
    transform: 'isolation',
    isolationSampleSize: psi,
  };
}

/** Throws a RangeError naming the first invalid parameter. */
export function validateIsolationForestParams(p: IsolationForestParams): void {
  const check = (name: string, ok: boolean, expected: string, got: unknown): void => {
    if (!ok) throw new RangeError(`isolationForest: ${name} must be ${expected}, got ${JSON.stringify(got)}`);
  };
  check(
    'nEstimators',
    Number.isInteger(p.nEstimators) && p.nEstimators >= 1,
    'an integer ≥ 1',
    p.nEstimators,
  );
  check('sampleSize', Number.isInteger(p.sampleSize) && p.sampleSize >= 2, 'an integer ≥ 2', p.sampleSize);
  check(
    'maxDepth',
    Number.isInteger(p.maxDepth) && p.maxDepth >= 0,
    'an integer ≥ 0 (0 = ⌈log₂ ψ⌉)',
    p.maxDepth,
  );
  check('seed', Number.isInteger(p.seed), 'an integer', p.seed);
}

/**
 * Score threshold that flags the top `contamination` share of `scores` as anomalies (flag when
 * score > threshold): the (1 − contamination) quantile with linear interpolation, which is how
 * scikit-learn's IsolationForest sets its offset.
 */
export function anomalyThreshold(scores: ArrayLike<number>, contamination: number): number {
  if (!(contamination > 0 && contamination <= 0.5)) {
    throw new RangeError(`anomalyThreshold: contamination must be in (0, 0.5], got ${contamination}`);
  }
  if (scores.length === 0) throw new RangeError('anomalyThreshold: no scores');
  const sorted = Float64Array.from(scores).sort();
  if (sorted[sorted.length - 1] !== sorted[sorted.length - 1])
    throw new RangeError('anomalyThreshold: NaN score');
  const pos = (1 - contamination) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}

function growIsolationTree(
  columns: readonly Float32Array[],
  rows: Int32Array,
  depthLimit: number,
  rng: Random,
): Tree {
  const nFeatures = columns.length;
  const featureOrder = Int32Array.from({ length: nFeatures }, (_, f) => f);
  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const defaultLeft: number[] = [];
  const values: number[] = [];
  const cover: number[] = [];
  const addNode = (): number => {
    feature.push(-1);
    threshold.push(0);
    left.push(-1);
    right.push(-1);
    defaultLeft.push(0);
    values.push(0);
    cover.push(0);
    return feature.length - 1;
  };

  const stack: [node: number, start: number, end: number, depth: number][] = [[addNode(), 0, rows.length, 0]];
  while (stack.length > 0) {
    const [node, start, end, depth] = stack.pop()!;
    const size = end - start;
    cover[node] = size;
    // Every node keeps its expected path length, so a truncated walk still reads a sensible value.
    values[node] = depth + isolationPathNormaliser(size);
    if (depth >= depthLimit || size <= 1) continue;

    // Random feature among those not constant in this node; the node is a leaf if all are.
    let chosen = -1;
    let min = 0;
    let max = 0;
    for (let j = 0; j < nFeatures && chosen < 0; j++) {
      const pick = j + rng.int(nFeatures - j);
      const f = featureOrder[pick];
      featureOrder[pick] = featureOrder[j];
      featureOrder[j] = f;
      const col = columns[f];
      min = Number.POSITIVE_INFINITY;
      max = Number.NEGATIVE_INFINITY;
      for (let r = start; r < end; r++) {
        const v = col[rows[r]];
        if (v < min) min = v;
        if (v > max) max = v;
      }
      if (min < max) chosen = f;
    }
    if (chosen < 0) continue;

    // Values are float32, so the threshold is too; rounding may land on min, which would leave the
    // left side empty, so fall back to max (min goes left, max right).
    let split = Math.fround(min + rng.next() * (max - min));
    if (!(split > min)) split = max;
    const col = columns[chosen];
    let nLeft = 0;
    let nRight = 0;
    for (let r = start; r < end; r++) {
      const v = col[rows[r]];
      if (v < split) nLeft++;
      else if (v >= split) nRight++;
    }
    const missingLeft = nLeft >= nRight;
    let lo = start;
    let hi = end - 1;
    while (lo <= hi) {
      const v = col[rows[lo]];
      if (v !== v ? missingLeft : v < split) lo++;
      else {
        const tmp = rows[lo];
        rows[lo] = rows[hi];
        rows[hi--] = tmp;
      }
    }
    const leftNode = addNode();
    const rightNode = addNode();
    feature[node] = chosen;
    threshold[node] = split;
    left[node] = leftNode;
    right[node] = rightNode;
    defaultLeft[node] = missingLeft ? 1 : 0;
    stack.push([rightNode, lo, end, depth + 1], [leftNode, start, lo, depth + 1]);
  }
  return treeFromNodes({ feature, threshold, left, right, defaultLeft, values, cover });
}
