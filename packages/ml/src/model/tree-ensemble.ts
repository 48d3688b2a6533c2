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
