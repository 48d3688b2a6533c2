import type { TreeEnsemble } from '../model/tree-ensemble.js';

/** One feature's share of a prediction. */
export interface FeatureContribution {
  /** Feature index in model input order. */
  readonly feature: number;
  /** Signed change of the additive output credited to the feature (positive pushes the output up). */
  readonly contribution: number;
}

/**
 * Per-row feature contributions of a tree ensemble by path attribution (Saabas): every tree is walked
 * as in scoring, and each split's feature is credited with the change of the node's expected value
 * from the node to the child the row goes to. A node's expected value is the cover-weighted mean of
 * its children's (hessian sums for GBDT, sample weights for forests; equal weights when a tree has no
 * cover), so the contributions of a row add up exactly (up to rounding) to `additive(row) − bias`.
 *
 * Contributions live in the ensemble's additive space: the margin for GBDT (log-odds for sigmoid,
 * per-class margins for softmax) and isolation forests (summed path lengths), and the mean class
 * probability for random forests (leaf distributions divided by the number of trees).
 * Cheaper than TreeSHAP (one path per tree) and a good ranking of "why", though not consistent in
 * the Shapley sense. Instances keep scratch space: not for concurrent use across threads.
 */
export interface ContributionExplainer {
  readonly nFeatures: number;
  readonly nOutputs: number;
  /** Expected additive output per output over the training data (base score + root expected values). */
  readonly bias: Float64Array;
  /**
   * Contributions of one row to output `output` (default 0) written into `out` (length ≥ nFeatures,
   * overwritten); returns `out`. Allocates nothing.
   */
  contributions(row: ArrayLike<number>, out: Float64Array, output?: number): Float64Array;
  /** The `k` largest contributions by magnitude (zeros left out), largest first. */
  topContributions(row: ArrayLike<number>, k: number, output?: number): FeatureContribution[];
}

/** Builds the explainer of an ensemble: node expected values are computed once, here. */
export function createContributionExplainer(ens: TreeEnsemble): ContributionExplainer {
  const { nFeatures, nOutputs, trees } = ens;
  const nf = nFeatures;
  const nTrees = trees.length;
  const firstNode = new Int32Array(nTrees + 1);
  trees.forEach((t, i) => {
    firstNode[i + 1] = firstNode[i] + t.feature.length;
  });
  const nNodes = firstNode[nTrees];
  // Splits in the compiled kernels' encoding (see PackedEnsemble in compiled-layout.ts): one test
  // `sc[slot] >= thr`, false for a missing value, over a scratch row of x then -x, picking
  // child[2n + c]; so a step has no branch on the data. `feat` is the split feature (nf at leaves).
  const feat = new Int32Array(nNodes);
  const slot = new Int32Array(nNodes);
  const thr = new Float32Array(nNodes);
  const child = new Int32Array(2 * nNodes);
  const target = Int32Array.from(ens.treeOutput);
  const scale = ens.transform === 'mean-probability' ? 1 / (nTrees || 1) : 1;
  const bias = new Float64Array(nOutputs);
  if (ens.baseScore.length === nOutputs) bias.set(ens.baseScore);
  const expected: Float64Array[] = [];
  const depthOf = new Int32Array(nTrees);

  trees.forEach((tree, t) => {
    const base = firstNode[t];
    const stride = strideOf(ens, tree.valuesPerLeaf);
    const { expected: e, depth } = expectedValues(tree, stride);
    expected.push(e);
    depthOf[t] = depth;
    for (let i = 0; i < tree.feature.length; i++) {
      const g = base + i;
      const f = tree.feature[i];
      if (f < 0) {
        // A leaf loops on itself and credits nothing, so walks can run a fixed number of steps.
        feat[g] = nf;
        child[2 * g] = g;
        child[2 * g + 1] = g;
        continue;
      }
      feat[g] = f;
      const th = tree.threshold[i];
      const left = base + tree.left[i];
      const right = base + tree.right[i];
      if (tree.defaultLeft[i] === 1) {
        // c = x >= t: right; NaN → left. A NaN threshold sends every present value right.
        slot[g] = f;
        thr[g] = th !== th ? Number.NEGATIVE_INFINITY : th;
        child[2 * g] = left;
        child[2 * g + 1] = right;
      } else {
        // x < t ⇔ -x >= nextUp(-t) on float32: c = 1 is left; NaN → right.
        slot[g] = nf + f;
        thr[g] = th !== th || th === Number.NEGATIVE_INFINITY ? Number.NaN : nextUpFloat32(-th);
        child[2 * g] = right;
        child[2 * g + 1] = left;
      }
    }
    if (target[t] >= 0) bias[target[t]] += scale * e[0];
    else for (let k = 0; k < nOutputs; k++) bias[k] += scale * e[k];
  });

  /**
   * Per output, made on first use: the trees that feed it (root and depth) and, for each node and
   * test outcome c, the change of expected value `step[2n + c]` (0 at leaves).
   */
  interface Plan {
    roots: Int32Array;
    depths: Int32Array;
    step: Float64Array;
  }
  const plans: (Plan | undefined)[] = new Array(nOutputs);
  function planFor(output: number): Plan {
    const ready = plans[output];
    if (ready) return ready;
    const roots: number[] = [];
    const depths: number[] = [];
    const step = new Float64Array(2 * nNodes);
    trees.forEach((tree, t) => {
      if (target[t] >= 0 && target[t] !== output) return;
      const base = firstNode[t];
      roots.push(base);
      depths.push(depthOf[t]);
      const stride = strideOf(ens, tree.valuesPerLeaf);
      const s = target[t] >= 0 ? 0 : output;
      const e = expected[t];
      for (let i = 0; i < tree.feature.length; i++) {
        const g = base + i;
        if (tree.feature[i] < 0) continue;
        const here = e[i * stride + s];
        for (let c = 0; c < 2; c++)
          step[2 * g + c] = scale * (e[(child[2 * g + c] - base) * stride + s] - here);
      }
    });
    const plan = { roots: Int32Array.from(roots), depths: Int32Array.from(depths), step };
    plans[output] = plan;
    return plan;
  }

  const sc = new Float32Array(2 * nf);
  // Slot nf collects the (zero) steps of walks that already reached their leaf.
  const acc = new Float64Array(nf + 1);
  const scratch = new Float64Array(nf);

  function contributions(row: ArrayLike<number>, out: Float64Array, output = 0): Float64Array {
    if (row.length < nf) throw new RangeError(`contributions: row has ${row.length} values, need ${nf}`);
    if (out.length < nf) throw new RangeError(`contributions: output holds ${out.length} values, need ${nf}`);
    if (!(output >= 0 && output < nOutputs))
      throw new RangeError(`contributions: output ${output} is outside 0..${nOutputs - 1}`);
    const { roots, depths, step } = planFor(output);
    for (let f = 0; f < nf; f++) {
      const v = row[f];
      sc[f] = v;
      sc[nf + f] = -v;
    }
    acc.fill(0);
    const nR = roots.length;
    let t = 0;
    // Four walks at once keep more loads in flight (the steps of one walk depend on each other).
    for (; t + 4 <= nR; t += 4) {
      let n0 = roots[t];
      let n1 = roots[t + 1];
      let n2 = roots[t + 2];
      let n3 = roots[t + 3];
      const steps = Math.max(depths[t], depths[t + 1], depths[t + 2], depths[t + 3]);
      for (let d = 0; d < steps; d++) {
        const k0 = 2 * n0 + +(sc[slot[n0]] >= thr[n0]);
        const k1 = 2 * n1 + +(sc[slot[n1]] >= thr[n1]);
        const k2 = 2 * n2 + +(sc[slot[n2]] >= thr[n2]);
        const k3 = 2 * n3 + +(sc[slot[n3]] >= thr[n3]);
        acc[feat[n0]] += step[k0];
        acc[feat[n1]] += step[k1];
        acc[feat[n2]] += step[k2];
        acc[feat[n3]] += step[k3];
        n0 = child[k0];
        n1 = child[k1];
        n2 = child[k2];
        n3 = child[k3];
      }
    }
    for (; t < nR; t++) {
      let n = roots[t];
      for (let d = depths[t]; d > 0; d--) {
        const k = 2 * n + +(sc[slot[n]] >= thr[n]);
        acc[feat[n]] += step[k];
        n = child[k];
      }
    }
    for (let f = 0; f < nf; f++) out[f] = acc[f];
    return out;
  }

  return {
    nFeatures,
    nOutputs,
    bias,
    contributions,
    topContributions(row, k, output = 0) {
      contributions(row, scratch, output);
      return topByMagnitude(scratch, nf, k);
    },
  };
}

const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);

/** Smallest float32 greater than `v` (v a float32, not NaN, not +Infinity). */
function nextUpFloat32(v: number): number {
  if (v === 0) return 2 ** -149;
  f32[0] = v;
  i32[0] += v > 0 ? 1 : -1;
  return f32[0];
}

/** Output slots per node: forest leaves carry every output; GBDT leaves carry one value. */
function strideOf(ens: TreeEnsemble, valuesPerLeaf: number): number {
  return Math.max(1, Math.min(valuesPerLeaf, ens.nOutputs));
}

/** Cover-weighted mean leaf value below each node, `stride` values per node (children before parents). */
function expectedValues(
  tree: TreeEnsemble['trees'][number],
  stride: number,
): { expected: Float64Array; depth: number } {
  const n = tree.feature.length;
  const vpl = tree.valuesPerLeaf;
  const expected = new Float64Array(n * stride);
  const done = new Uint8Array(n);
  const level = new Int32Array(n);
  let depth = 0;
  // Iterative post-order: trees can be deep (forests) and node ids need not be ordered.
  const stack: number[] = [0];
  while (stack.length > 0) {
    const i = stack[stack.length - 1];
    if (tree.feature[i] < 0) {
      for (let k = 0; k < stride; k++) expected[i * stride + k] = tree.values[i * vpl + k];
      depth = Math.max(depth, level[i]);
      done[i] = 1;
      stack.pop();
      continue;
    }
    const l = tree.left[i];
    const r = tree.right[i];
    if (!done[l] || !done[r]) {
      level[l] = level[i] + 1;
      level[r] = level[i] + 1;
      if (!done[l]) stack.push(l);
      if (!done[r]) stack.push(r);
      continue;
    }
    let wl = tree.cover[l];
    let wr = tree.cover[r];
    if (!(wl >= 0 && wr >= 0 && wl + wr > 0)) {
      wl = 1;
      wr = 1;
    }
    const w = wl + wr;
    for (let k = 0; k < stride; k++) {
      expected[i * stride + k] = (wl * expected[l * stride + k] + wr * expected[r * stride + k]) / w;
    }
    done[i] = 1;
    stack.pop();
  }
  return { expected, depth };
}

/** Indices of the k largest |values| (non-zero), largest first; k is small, so insertion into k slots. */
function topByMagnitude(values: Float64Array, n: number, k: number): FeatureContribution[] {
  const size = Math.max(0, Math.min(k, n));
  const idx: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = Math.abs(values[i]);
    if (!(a > 0)) continue;
    if (idx.length === size && (size === 0 || a <= Math.abs(values[idx[size - 1]]))) continue;
    let p = idx.length === size ? size - 1 : idx.length;
    while (p > 0 && Math.abs(values[idx[p - 1]]) < a) {
      idx[p] = idx[p - 1];
      p--;
    }
    idx[p] = i;
  }
  return idx.map((feature) => ({ feature, contribution: values[feature] }));
}
