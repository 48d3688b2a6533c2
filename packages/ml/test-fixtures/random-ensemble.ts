// Random ensembles and rows for tests (not part of the package build).
import { type Tree, type TreeEnsemble, treeFromNodes } from '../src/model/tree-ensemble.js';
import { Random } from '../src/util/random.js';

/** Values that stress the float32 comparison: ties, signed zeros, a subnormal, infinities. */
const SPECIAL = [0, -0, 2 ** -149, -(2 ** -149), 0.5, -1.25, 3.4028234663852886e38];

export interface RandomEnsembleOptions {
  kind: 'binary' | 'multiclass' | 'forest' | 'isolation';
  nTrees: number;
  nFeatures: number;
  maxDepth: number;
  /** Chance that a node below depth 1 becomes a leaf early (ragged trees). */
  leafChance?: number;
  nClasses?: number;
  /** Allow ±Infinity thresholds. */
  extremeThresholds?: boolean;
  /** Allow NaN thresholds (valid for inference, rejected by model documents). */
  nanThresholds?: boolean;
  seed?: number;
}

function randomThreshold(rng: Random, o: RandomEnsembleOptions): number {
  const u = rng.next();
  if (o.extremeThresholds && u < 0.03) return Number.NEGATIVE_INFINITY;
  if (o.extremeThresholds && u < 0.06) return Number.POSITIVE_INFINITY;
  if (o.nanThresholds && u > 0.97) return Number.NaN;
  if (u < 0.3) return SPECIAL[rng.int(SPECIAL.length)];
  return Math.fround((rng.next() - 0.3) * 4);
}

function randomTree(rng: Random, o: RandomEnsembleOptions, valuesPerLeaf: number): Tree {
  const n = {
    feature: [] as number[],
    threshold: [] as number[],
    left: [] as number[],
    right: [] as number[],
    defaultLeft: [] as number[],
    values: [] as number[],
    gain: [] as number[],
    cover: [] as number[],
  };
  const build = (depth: number): number => {
    const id = n.feature.length;
    n.feature.push(-1);
    n.threshold.push(0);
    n.left.push(-1);
    n.right.push(-1);
    n.defaultLeft.push(0);
    n.gain.push(0);
    n.cover.push(1 + rng.int(100));
    for (let k = 0; k < valuesPerLeaf; k++) n.values.push(0);
    if (depth === o.maxDepth || (depth > 1 && rng.next() < (o.leafChance ?? 0.15))) {
      for (let k = 0; k < valuesPerLeaf; k++) {
        n.values[id * valuesPerLeaf + k] = o.kind === 'isolation' ? depth + rng.next() : rng.next() - 0.5;
      }
      return id;
    }
    n.feature[id] = rng.int(o.nFeatures);
    n.threshold[id] = randomThreshold(rng, o);
    n.defaultLeft[id] = rng.int(2);
    n.gain[id] = rng.next() * 10;
    // Children are appended in an order that does not match node ids, like real trainers.
    const l = build(depth + 1);
    const r = build(depth + 1);
    n.left[id] = l;
    n.right[id] = r;
    return id;
  };
  build(0);
  return treeFromNodes({ ...n, valuesPerLeaf });
}

/** A random ensemble of the given kind, reproducible from `seed`. */
export function randomEnsemble(o: RandomEnsembleOptions): TreeEnsemble {
  const rng = new Random(o.seed ?? 1);
  const nClasses = o.nClasses ?? 3;
  switch (o.kind) {
    case 'binary': {
      const trees = Array.from({ length: o.nTrees }, () => randomTree(rng, o, 1));
      return {
        algorithm: 'gbdt',
        nFeatures: o.nFeatures,
        nOutputs: 1,
        trees,
        treeOutput: new Int32Array(o.nTrees),
        baseScore: Float64Array.of(rng.next() - 0.5),
        transform: 'sigmoid',
      };
    }
    case 'multiclass': {
      const trees = Array.from({ length: o.nTrees }, () => randomTree(rng, o, 1));
      return {
        algorithm: 'gbdt',
        nFeatures: o.nFeatures,
        nOutputs: nClasses,
        trees,
        treeOutput: Int32Array.from(trees, (_, t) => t % nClasses),
        baseScore: Float64Array.from({ length: nClasses }, () => rng.next()),
        transform: 'softmax',
      };
    }
    case 'forest': {
      const trees = Array.from({ length: o.nTrees }, () => randomTree(rng, o, nClasses));
      return {
        algorithm: 'random-forest',
        nFeatures: o.nFeatures,
        nOutputs: nClasses,
        trees,
        treeOutput: new Int32Array(o.nTrees).fill(-1),
        baseScore: new Float64Array(0),
        transform: 'mean-probability',
      };
    }
    case 'isolation': {
      const trees = Array.from({ length: o.nTrees }, () => randomTree(rng, o, 1));
      return {
        algorithm: 'isolation-forest',
        nFeatures: o.nFeatures,
        nOutputs: 1,
        trees,
        treeOutput: new Int32Array(o.nTrees).fill(-1),
        baseScore: new Float64Array(0),
        transform: 'isolation',
        isolationSampleSize: 128,
      };
    }
  }
}

/** Row-major random rows with NaNs, ties with thresholds, signed zeros and infinities. */
export function randomRows(nRows: number, nFeatures: number, seed = 2): Float32Array {
  const rng = new Random(seed);
  const rows = new Float32Array(nRows * nFeatures);
  for (let i = 0; i < rows.length; i++) {
    const u = rng.next();
    if (u < 0.08) rows[i] = Number.NaN;
    else if (u < 0.1) rows[i] = rng.next() < 0.5 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    else if (u < 0.35) rows[i] = SPECIAL[rng.int(SPECIAL.length)];
    else rows[i] = (rng.next() - 0.3) * 4;
  }
  return rows;
}
