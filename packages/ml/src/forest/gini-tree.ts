import { type BinMapper, type BinnedMatrix, MISSING_BIN } from '../data/binning.js';
import { type Tree, treeFromNodes } from '../model/tree-ensemble.js';
import type { Random } from '../util/random.js';

/** Growth limits of one classification tree. */
export interface GiniTreeOptions {
  /** Maximum depth (root = depth 0); 0 means unlimited. */
  readonly maxDepth: number;
  /** Minimum number of (bootstrap-drawn) samples in each child of a split. */
  readonly minSamplesLeaf: number;
  /** Features drawn per node; the search goes on past this count until a valid split is found. */
  readonly maxFeatures: number;
}

/** Training rows of one tree on a binned matrix; per-row arrays are indexed by row id. */
export interface GiniTreeData {
  readonly binned: BinnedMatrix;
  readonly mapper: BinMapper;
  readonly labels: Int32Array;
  readonly nClasses: number;
  /** Distinct rows in the tree's sample; permuted in place while growing. */
  readonly rows: Int32Array;
  /** How many times each row was drawn (bootstrap multiplicity), for minSamplesLeaf. */
  readonly counts: Float64Array;
  /** Effective weight of each row: count × class weight × row weight. */
  readonly weights: Float64Array;
}

// The missing-only split sends every value left. +Infinity would be the exact threshold but is
// not JSON-representable, so model documents could not store it; the largest float32 is.
const FLOAT32_MAX = 3.4028234663852886e38;

interface Split {
  proxy: number;
  feature: number;
  bin: number;
  missingLeft: boolean;
}

/**
 * Grows one CART classification tree with Gini impurity on binned features: at each node a random
 * subset of features is histogrammed, every bin boundary is tried with missing values sent left
 * and right, and the split with the largest weighted impurity decrease wins (even a zero decrease,
 * as scikit-learn, so XOR-like problems can still be split). Thresholds are bin cuts, so the tree
 * uses the `x < threshold` test; a node that saw no missing value sends NaN to its heavier child.
 * Every node stores its weighted class distribution (nClasses values), gain is scikit-learn's
 * weighted impurity decrease (N_t / N · (I − N_L / N_t · I_L − N_R / N_t · I_R)), cover the weight.
 */
export function growGiniTree(data: GiniTreeData, options: GiniTreeOptions, rng: Random): Tree {
  const { binned, mapper, labels, nClasses: K, rows, counts, weights } = data;
  const { codes, nRows, nFeatures } = binned;
  const hist = new Float64Array(256 * K);
  const histCount = new Float64Array(256);
  const totals = new Float64Array(K);
  const leftSums = new Float64Array(K);
  const featureOrder = Int32Array.from({ length: nFeatures }, (_, f) => f);
  const nonEmpty = new Int32Array(256);

  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const defaultLeft: number[] = [];
  const values: number[] = [];
  const gain: number[] = [];
  const cover: number[] = [];
  const addNode = (): number => {
    feature.push(-1);
    threshold.push(0);
    left.push(-1);
    right.push(-1);
    defaultLeft.push(0);
    gain.push(0);
    cover.push(0);
    for (let k = 0; k < K; k++) values.push(0);
    return feature.length - 1;
  };

  let rootWeight = 0;
  let weight = 0;
  let count = 0;
  const best: Split = { proxy: 0, feature: -1, bin: -1, missingLeft: false };
  // Scores one candidate partition of the current node; reads the node state set in the loop below.
  const evaluate = (f: number, bin: number, missingLeft: boolean, lw: number, lc: number): void => {
    let lWeight = lw;
    let lCount = lc;
    if (missingLeft) {
      for (let k = 0; k < K; k++) lWeight += hist[MISSING_BIN * K + k];
      lCount += histCount[MISSING_BIN];
    }
    const rWeight = weight - lWeight;
    const rCount = count - lCount;
    if (lCount < options.minSamplesLeaf || rCount < options.minSamplesLeaf) return;
    if (!(lWeight > 0 && rWeight > 0)) return;
    let lSq = 0;
    let rSq = 0;
    for (let k = 0; k < K; k++) {
      const l = leftSums[k] + (missingLeft ? hist[MISSING_BIN * K + k] : 0);
      const r = totals[k] - l;
      lSq += l * l;
      rSq += r * r;
    }
    // Maximising Σ L²/W_L + Σ R²/W_R minimises the children's weighted Gini impurity.
    const proxy = lSq / lWeight + rSq / rWeight;
    if (proxy > best.proxy) {
      best.proxy = proxy;
      best.feature = f;
      best.bin = bin;
      // With no missing value seen here, NaN follows the heavier child.
      best.missingLeft = missingLeft || (histCount[MISSING_BIN] === 0 && lWeight >= rWeight);
    }
  };

  // Deep nodes touch few bins: zeroing only those beats wiping all 256 × K cells per feature.
  const clearBins = (nNonEmpty: number): void => {
    for (let e = 0; e < nNonEmpty; e++) {
      const b = nonEmpty[e];
      histCount[b] = 0;
      for (let k = 0; k < K; k++) hist[b * K + k] = 0;
    }
    histCount[MISSING_BIN] = 0;
    for (let k = 0; k < K; k++) hist[MISSING_BIN * K + k] = 0;
  };

  const stack: [node: number, start: number, end: number, depth: number][] = [[addNode(), 0, rows.length, 0]];
  while (stack.length > 0) {
    const [node, start, end, depth] = stack.pop()!;
    totals.fill(0);
    weight = 0;
    count = 0;
    for (let j = start; j < end; j++) {
      const i = rows[j];
      totals[labels[i]] += weights[i];
      weight += weights[i];
      count += counts[i];
    }
    if (node === 0) rootWeight = weight;
    cover[node] = weight;
    let sumSq = 0;
    let classesPresent = 0;
    for (let k = 0; k < K; k++) {
      values[node * K + k] = weight > 0 ? totals[k] / weight : 1 / K;
      sumSq += totals[k] * totals[k];
      if (totals[k] > 0) classesPresent++;
    }
    const atDepthLimit = options.maxDepth > 0 && depth >= options.maxDepth;
    if (atDepthLimit || classesPresent <= 1 || count < 2 * options.minSamplesLeaf) continue;

    best.proxy = Number.NEGATIVE_INFINITY;
    best.feature = -1;
    let examined = 0;
    for (let j = 0; j < nFeatures; j++) {
      if (examined >= options.maxFeatures && best.feature >= 0) break;
      // Partial Fisher–Yates: each node draws features without replacement, in a random order.
      const pick = j + rng.int(nFeatures - j);
      const f = featureOrder[pick];
      featureOrder[pick] = featureOrder[j];
      featureOrder[j] = f;

      // The histogram is all zeros here: each feature clears the bins it used (see below).
      const base = f * nRows;
      for (let r = start; r < end; r++) {
        const i = rows[r];
        const b = codes[base + i];
        hist[b * K + labels[i]] += weights[i];
        histCount[b] += counts[i];
      }
      const nBins = mapper.cuts[f].length;
      let nNonEmpty = 0;
      for (let b = 0; b < nBins; b++) if (histCount[b] > 0) nonEmpty[nNonEmpty++] = b;
      const missingCount = histCount[MISSING_BIN];
      if (nNonEmpty + (missingCount > 0 ? 1 : 0) <= 1) {
        clearBins(nNonEmpty);
        continue; // constant in this node: does not count towards maxFeatures
      }
      examined++;

      leftSums.fill(0);
      let leftWeight = 0;
      let leftCount = 0;
      for (let e = 0; e < nNonEmpty; e++) {
        const b = nonEmpty[e];
        for (let k = 0; k < K; k++) leftSums[k] += hist[b * K + k];
        leftCount += histCount[b];
        leftWeight = 0;
        for (let k = 0; k < K; k++) leftWeight += leftSums[k];
        const last = e === nNonEmpty - 1;
        // Bins strictly between two non-empty bins are empty in this node, so any of them gives the
        // same partition; the middle one puts the threshold midway in quantile terms.
        const bin = last ? nBins - 1 : (b + nonEmpty[e + 1] - 1) >> 1;
        // Missing right (or none); for the last bin this is the "is missing" split.
        if (!last || missingCount > 0) evaluate(f, bin, false, leftWeight, leftCount);
        if (!last && missingCount > 0) evaluate(f, bin, true, leftWeight, leftCount);
      }
      clearBins(nNonEmpty);
    }
    if (best.feature < 0) continue;

    const f = best.feature;
    const nBins = mapper.cuts[f].length;
    const base = f * nRows;
    // Partition rows[start, end) in place: left rows first.
    let lo = start;
    let hi = end - 1;
    const goesLeft = (i: number): boolean => {
      const b = codes[base + i];
      return b === MISSING_BIN ? best.missingLeft : b <= best.bin;
    };
    while (lo <= hi) {
      if (goesLeft(rows[lo])) lo++;
      else {
        const tmp = rows[lo];
        rows[lo] = rows[hi];
        rows[hi--] = tmp;
      }
    }
    const leftNode = addNode();
    const rightNode = addNode();
    feature[node] = f;
    threshold[node] = best.bin === nBins - 1 ? FLOAT32_MAX : mapper.cuts[f][best.bin];
    left[node] = leftNode;
    right[node] = rightNode;
    defaultLeft[node] = best.missingLeft ? 1 : 0;
    gain[node] = rootWeight > 0 ? Math.max(0, best.proxy - sumSq / weight) / rootWeight : 0;
    stack.push([rightNode, lo, end, depth + 1], [leftNode, start, lo, depth + 1]);
  }

  return treeFromNodes({
    feature,
    threshold,
    left,
    right,
    defaultLeft,
    values,
    valuesPerLeaf: K,
    gain,
    cover,
  });
}
