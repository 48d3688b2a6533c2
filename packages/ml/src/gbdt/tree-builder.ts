import type { BinMapper } from '../data/binning.js';
import { type Tree, treeFromNodes } from '../model/tree-ensemble.js';

/**
 * A tree while it grows: plain arrays indexed by node id, node 0 the root, children appended in
 * the order splits are applied (breadth first, like XGBoost's depthwise growth).
 */
export class TreeBuilder {
  readonly feature: number[] = [];
  /** Split bin: rows with bin ≤ it go left (−1: no value goes left). */
  readonly bin: number[] = [];
  readonly left: number[] = [];
  readonly right: number[] = [];
  readonly defaultLeft: number[] = [];
  readonly value: number[] = [];
  readonly gain: number[] = [];
  readonly cover: number[] = [];

  /** Appends a leaf and returns its id. */
  add(value: number, cover: number): number {
    this.feature.push(-1);
    this.bin.push(0);
    this.left.push(-1);
    this.right.push(-1);
    this.defaultLeft.push(0);
    this.value.push(value);
    this.gain.push(0);
    this.cover.push(cover);
    return this.feature.length - 1;
  }

  /** Turns leaf `id` into a split; the children must be added with `add`. */
  split(
    id: number,
    feature: number,
    bin: number,
    defaultLeft: boolean,
    gain: number,
    left: number,
    right: number,
  ): void {
    this.feature[id] = feature;
    this.bin[id] = bin;
    this.defaultLeft[id] = defaultLeft ? 1 : 0;
    this.gain[id] = gain;
    this.left[id] = left;
    this.right[id] = right;
  }

  /** The finished tree, with thresholds taken from the bin cut points. */
  toTree(mapper: BinMapper): Tree {
    const threshold = this.feature.map((f, i) => {
      if (f < 0) return 0;
      const b = this.bin[i];
      // Bin −1 sends every present value right: no threshold is below all of them but −∞.
      return b < 0 ? Number.NEGATIVE_INFINITY : mapper.cuts[f][b];
    });
    return treeFromNodes({
      feature: this.feature,
      threshold,
      left: this.left,
      right: this.right,
      defaultLeft: this.defaultLeft,
      values: this.value,
      gain: this.gain,
      cover: this.cover,
    });
  }
}

/**
 * A finished tree in the binned form used to update margins of rows a tree did not train on and
 * of validation rows, without going back to float values.
 */
export interface BinnedTree {
  readonly feature: Int32Array;
  readonly bin: Int32Array;
  readonly defaultLeft: Uint8Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly value: Float64Array;
}

/** Snapshot of a builder for binned traversal. */
export function binnedTree(b: TreeBuilder): BinnedTree {
  return {
    feature: Int32Array.from(b.feature),
    bin: Int32Array.from(b.bin),
    defaultLeft: Uint8Array.from(b.defaultLeft),
    left: Int32Array.from(b.left),
    right: Int32Array.from(b.right),
    value: Float64Array.from(b.value),
  };
}

/**
 * Adds the tree's leaf value for each row i (where `only` is absent or `only[i] === 0`) to
 * `margins[i * stride + offset]`. `codes` is column-major with missing coded as `missingBin[f]`.
 */
export function addTreeToMargins(
  t: BinnedTree,
  codes: Uint8Array,
  nRows: number,
  missingBin: Int32Array,
  margins: Float64Array,
  stride: number,
  offset: number,
  only?: Uint8Array,
): void {
  const { feature, bin, defaultLeft, left, right, value } = t;
  for (let i = 0; i < nRows; i++) {
    if (only !== undefined && only[i] !== 0) continue;
    let node = 0;
    let f = feature[0];
    while (f >= 0) {
      const c = codes[f * nRows + i];
      const goLeft = c === missingBin[f] ? defaultLeft[node] === 1 : c <= bin[node];
      node = goLeft ? left[node] : right[node];
      f = feature[node];
    }
    margins[i * stride + offset] += value[node];
  }
}
