/**
 * One decision tree in flat arrays, node 0 the root. An internal node sends a row left when
 * `x[feature] < threshold`, and a missing value (NaN) left when `defaultLeft` is 1 (XGBoost's
 * convention, so imported and native trees are the same thing). A leaf has `feature = -1`.
 * Leaf outputs live in `values`: `valuesPerLeaf` numbers per node, at `node * valuesPerLeaf`.
 */
export interface Tree {
  readonly feature: Int32Array;
  readonly threshold: Float32Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly defaultLeft: Uint8Array;
  readonly values: Float64Array;
  readonly valuesPerLeaf: number;
  /** Loss reduction of each split (0 at leaves), for gain importance. */
  readonly gain: Float32Array;
  /** Sum of hessians (GBDT) or of sample weights (forests) reaching each node, for cover importance. */
  readonly cover: Float32Array;
}

/** How raw tree outputs become the model's output. */
export type OutputTransform =
  /** Binary GBDT: sigmoid of the margin, output = P(class 1). */
  | 'sigmoid'
  /** Multi-class GBDT: softmax over per-class margins. */
  | 'softmax'
  /** Random forest: mean of per-leaf class distributions. */
  | 'mean-probability'
  /** Isolation forest: 2^(-mean path length / c(sampleSize)), higher = more anomalous. */
  | 'isolation'
  /** Raw sums (regression-like margins). */
  | 'identity';

/**
 * A tree ensemble ready for inference, whatever trained it. For GBDT, tree t adds its single leaf
 * value to output `treeOutput[t]` (multi-class boosting grows one tree per class per round);
 * for forests `treeOutput[t] = -1` and each leaf carries `nOutputs` values added to every output.
 */
export interface TreeEnsemble {
  readonly algorithm: 'gbdt' | 'random-forest' | 'isolation-forest';
  readonly nFeatures: number;
  readonly nOutputs: number;
  readonly trees: readonly Tree[];
  readonly treeOutput: Int32Array;
  /** Starting margin per output (GBDT), added before the transform. */
  readonly baseScore: Float64Array;
  readonly transform: OutputTransform;
  /** Isolation forest: the sub-sample size ψ used for c(ψ) normalisation. */
  readonly isolationSampleSize?: number;
}

/** Builds a Tree from plain node lists (used by trainers and importers). */
export function treeFromNodes(nodes: {
  feature: ArrayLike<number>;
  threshold: ArrayLike<number>;
  left: ArrayLike<number>;
  right: ArrayLike<number>;
  defaultLeft: ArrayLike<number>;
  values: ArrayLike<number>;
  valuesPerLeaf?: number;
  gain?: ArrayLike<number>;
  cover?: ArrayLike<number>;
}): Tree {
  const n = nodes.feature.length;
  const valuesPerLeaf = nodes.valuesPerLeaf ?? 1;
  if (nodes.values.length !== n * valuesPerLeaf) {
    throw new RangeError(`tree: ${nodes.values.length} values for ${n} nodes × ${valuesPerLeaf}`);
  }
  return {
    feature: Int32Array.from(nodes.feature),
    threshold: Float32Array.from(nodes.threshold),
    left: Int32Array.from(nodes.left),
    right: Int32Array.from(nodes.right),
    defaultLeft: Uint8Array.from(nodes.defaultLeft),
    values: Float64Array.from(nodes.values),
    valuesPerLeaf,
    gain: nodes.gain ? Float32Array.from(nodes.gain) : new Float32Array(n),
    cover: nodes.cover ? Float32Array.from(nodes.cover) : new Float32Array(n),
  };
}

/**
 * Reference evaluation of one row: a plain tree walk, written for clarity, not speed. The compiled
 * predictor (inference/) is tested against it; use that one on hot paths.
 * Returns the transformed outputs (probabilities, or the anomaly score for isolation forests).
 */
export function evaluateEnsemble(ens: TreeEnsemble, row: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(
    ens.baseScore.length === ens.nOutputs ? ens.baseScore : new Float64Array(ens.nOutputs),
  );
  for (let t = 0; t < ens.trees.length; t++) {
    const tree = ens.trees[t];
    let node = 0;
    while (tree.feature[node] >= 0) {
      const x = Math.fround(row[tree.feature[node]]);
      const goLeft = x !== x ? tree.defaultLeft[node] === 1 : x < tree.threshold[node];
      node = goLeft ? tree.left[node] : tree.right[node];
    }
    const target = ens.treeOutput[t];
    if (target >= 0) out[target] += tree.values[node * tree.valuesPerLeaf];
    else for (let k = 0; k < ens.nOutputs; k++) out[k] += tree.values[node * tree.valuesPerLeaf + k];
  }
  return applyTransform(ens, out);
}

/** Average path length of an unsuccessful search in a binary search tree of n nodes (isolation forest c(n)). */
export function isolationPathNormaliser(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + 0.5772156649015329) - (2 * (n - 1)) / n;
}

/** Turns summed raw outputs into the model's outputs, in place; returns `out`. */
export function applyTransform(ens: TreeEnsemble, out: Float64Array): Float64Array {
  switch (ens.transform) {
    case 'sigmoid':
      for (let k = 0; k < out.length; k++) out[k] = 1 / (1 + Math.exp(-out[k]));
      return out;
    case 'softmax': {
      let max = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < out.length; k++) max = Math.max(max, out[k]);
      let sum = 0;
      for (let k = 0; k < out.length; k++) {
        out[k] = Math.exp(out[k] - max);
        sum += out[k];
      }
      for (let k = 0; k < out.length; k++) out[k] /= sum;
      return out;
    }
    case 'mean-probability': {
      const n = ens.trees.length || 1;
      for (let k = 0; k < out.length; k++) out[k] /= n;
      return out;
    }
    case 'isolation': {
      const n = ens.trees.length || 1;
      const c = isolationPathNormaliser(ens.isolationSampleSize ?? 256);
      for (let k = 0; k < out.length; k++) out[k] = c > 0 ? 2 ** (-(out[k] / n) / c) : 0.5;
      return out;
    }
    case 'identity':
      return out;
  }
}
