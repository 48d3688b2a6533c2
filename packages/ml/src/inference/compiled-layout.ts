import type { Tree, TreeEnsemble } from '../model/tree-ensemble.js';

/** Deepest tree the complete (padded, pointer-free) layout accepts; kernels unroll up to this depth. */
export const MAX_COMPLETE_DEPTH = 8;

/**
 * An ensemble packed into a few flat arrays for the inference kernels.
 *
 * Every split is rewritten as one test `c = scratch[slot] >= thr` that is false for a missing value,
 * where the scratch row holds `x` in slots 0..nf-1 and `-x` in slots nf..2nf-1:
 * - default-left split `x < t`: slot f, thr t, and c = 1 means "go right";
 * - default-right split: `x < t ⇔ -x >= nextUp(-t)` on float32 values, so slot nf + f,
 *   thr nextUp(-t), and c = 1 means "go left".
 * Child `c` is therefore always "the child for c", and NaN always takes child 0, with no branch.
 *
 * `complete` layout: every tree padded to a full binary tree of `depth` levels (node j has children
 * 2j+1, 2j+2; a shallow leaf is copied into both sides), so no child pointers are loaded.
 * `general` layout: child references `next[2n + c]`, ≥ 0 an internal node, < 0 `~leafIndex`.
 */
export interface PackedEnsemble {
  readonly layout: 'complete' | 'general';
  readonly nFeatures: number;
  readonly nOutputs: number;
  readonly nTrees: number;
  /** Complete layout: levels per tree (all trees padded to it). 0 in the general layout. */
  readonly depth: number;
  readonly slot: Int32Array;
  readonly thr: Float32Array;
  /** General layout only. */
  readonly next: Int32Array;
  /** General layout only: root reference per tree. */
  readonly roots: Int32Array;
  /** `leafWidth` values per leaf. */
  readonly leaf: Float64Array;
  /** 1 (tree t adds to output `target[t]`) or nOutputs (each leaf adds to every output). */
  readonly leafWidth: number;
  readonly target: Int32Array;
  readonly base: Float64Array;
}

interface SplitCode {
  slot: number;
  thr: number;
  /** Node index of the child taken when c = 0 and when c = 1. */
  child0: number;
  child1: number;
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

function encodeSplit(tree: Tree, node: number, nf: number): SplitCode {
  const f = tree.feature[node];
  const t = tree.threshold[node];
  if (tree.defaultLeft[node] === 1) {
    // x >= t is "not x < t" for every non-missing x; a NaN threshold sends every such x right.
    return {
      slot: f,
      thr: t !== t ? Number.NEGATIVE_INFINITY : t,
      child0: tree.left[node],
      child1: tree.right[node],
    };
  }
  // NaN thr makes c always 0 (right): correct for t = -Infinity (nothing is below it) and t = NaN.
  const thr = t !== t || t === Number.NEGATIVE_INFINITY ? Number.NaN : nextUpFloat32(-t);
  return { slot: nf + f, thr, child0: tree.right[node], child1: tree.left[node] };
}

/** Walks a tree once: checks references, features and acyclicity; returns its depth and internal count. */
function inspectTree(tree: Tree, t: number, nf: number): { depth: number; internal: number } {
  const n = tree.feature.length;
  if (n === 0) throw new RangeError(`compile: tree ${t} has no nodes`);
  const seen = new Uint8Array(n);
  const stack = [0, 0];
  let depth = 0;
  let internal = 0;
  while (stack.length > 0) {
    const d = stack.pop() as number;
    const node = stack.pop() as number;
    if (!(node >= 0 && node < n)) throw new RangeError(`compile: tree ${t} references node ${node} of ${n}`);
    if (seen[node])
      throw new RangeError(`compile: tree ${t} reaches node ${node} twice (cycle or shared node)`);
    seen[node] = 1;
    const f = tree.feature[node];
    if (f < 0) {
      depth = Math.max(depth, d);
      continue;
    }
    if (f >= nf) throw new RangeError(`compile: tree ${t} node ${node} splits on feature ${f} of ${nf}`);
    internal++;
    stack.push(tree.left[node], d + 1, tree.right[node], d + 1);
  }
  return { depth, internal };
}

/** Copies a leaf's output(s) to `leaf[li * width ..]` with the same reads evaluateEnsemble makes. */
function writeLeaf(
  out: Float64Array,
  li: number,
  width: number,
  tree: Tree,
  node: number,
  target: number,
): void {
  const src = node * tree.valuesPerLeaf;
  if (width === 1) out[li] = tree.values[src];
  else if (target >= 0) out[li * width + target] = tree.values[src];
  else for (let k = 0; k < width; k++) out[li * width + k] = tree.values[src + k];
}

/** Packs an ensemble after validating it (throws RangeError on anything that could misbehave). */
export function packEnsemble(ens: TreeEnsemble): PackedEnsemble {
  const nf = ens.nFeatures;
  const nOut = ens.nOutputs;
  const nTrees = ens.trees.length;
  if (!(Number.isInteger(nf) && nf >= 0 && Number.isInteger(nOut) && nOut >= 1)) {
    throw new RangeError(`compile: bad shape nFeatures=${nf}, nOutputs=${nOut}`);
  }
  if (ens.treeOutput.length !== nTrees) {
    throw new RangeError(`compile: ${ens.treeOutput.length} tree outputs for ${nTrees} trees`);
  }
  let vectorLeaves = false;
  let maxDepth = 0;
  let internal = 0;
  ens.trees.forEach((tree, t) => {
    const target = ens.treeOutput[t];
    if (target >= nOut) throw new RangeError(`compile: tree ${t} targets output ${target} of ${nOut}`);
    const n = tree.feature.length;
    for (const [name, len] of [
      ['threshold', tree.threshold.length],
      ['left', tree.left.length],
      ['right', tree.right.length],
      ['defaultLeft', tree.defaultLeft.length],
    ] as const) {
      if (len !== n) throw new RangeError(`compile: tree ${t} has ${len} ${name} entries for ${n} nodes`);
    }
    const need = target >= 0 ? 1 : nOut;
    if (tree.valuesPerLeaf < need || tree.values.length !== n * tree.valuesPerLeaf) {
      throw new RangeError(`compile: tree ${t} leaf values do not hold ${need} value(s) per node`);
    }
    if (target < 0) vectorLeaves = true;
    const info = inspectTree(tree, t, nf);
    maxDepth = Math.max(maxDepth, info.depth);
    internal += info.internal;
  });
  // One output: a vector leaf is a scalar for output 0, so every ensemble of that shape shares the fast path.
  const width = vectorLeaves && nOut > 1 ? nOut : 1;
  const target = Int32Array.from(ens.treeOutput, (o) => Math.max(o, 0));
  const base = ens.baseScore.length === nOut ? Float64Array.from(ens.baseScore) : new Float64Array(nOut);
  const padded = nTrees * (2 ** maxDepth - 1);
  const common = { nFeatures: nf, nOutputs: nOut, nTrees, leafWidth: width, target, base };
  if (maxDepth <= MAX_COMPLETE_DEPTH && padded <= 8 * Math.max(internal, 16)) {
    return { ...common, ...packComplete(ens, maxDepth, width) };
  }
  return { ...common, ...packGeneral(ens, internal, width) };
}

function packComplete(ens: TreeEnsemble, depth: number, width: number) {
  const nf = ens.nFeatures;
  const nI = 2 ** depth - 1;
  const nL = 2 ** depth;
  const nTrees = ens.trees.length;
  const slot = new Int32Array(nTrees * nI);
  const thr = new Float32Array(nTrees * nI);
  const leaf = new Float64Array(nTrees * nL * width);
  for (let t = 0; t < nTrees; t++) {
    const tree = ens.trees[t];
    const target = ens.treeOutput[t];
    const fill = (node: number, j: number, d: number): void => {
      if (d === depth) {
        writeLeaf(leaf, t * nL + j - nI, width, tree, node, target);
      } else if (tree.feature[node] < 0) {
        // Padding split (slot 0, thr 0): both sides hold the same leaf, so its outcome is irrelevant.
        fill(node, 2 * j + 1, d + 1);
        fill(node, 2 * j + 2, d + 1);
      } else {
        const code = encodeSplit(tree, node, nf);
        slot[t * nI + j] = code.slot;
        thr[t * nI + j] = code.thr;
        fill(code.child0, 2 * j + 1, d + 1);
        fill(code.child1, 2 * j + 2, d + 1);
      }
    };
    fill(0, 0, 0);
  }
  const layout = 'complete' as const;
  return { layout, depth, slot, thr, next: new Int32Array(0), roots: new Int32Array(0), leaf };
}

function packGeneral(ens: TreeEnsemble, internal: number, width: number) {
  const nf = ens.nFeatures;
  const nTrees = ens.trees.length;
  let leaves = 0;
  for (const tree of ens.trees) leaves += tree.feature.length; // upper bound, trimmed below
  const slot = new Int32Array(internal);
  const thr = new Float32Array(internal);
  const next = new Int32Array(2 * internal);
  const roots = new Int32Array(nTrees);
  const leafBuf = new Float64Array(leaves * width);
  let ni = 0;
  let nl = 0;
  for (let t = 0; t < nTrees; t++) {
    const tree = ens.trees[t];
    const target = ens.treeOutput[t];
    // Explicit stack: forest trees can be deeper than the JS call stack allows. Entries are
    // (node, where to store its reference): -1 for the root, else an index into `next`.
    const stack = [0, -1];
    while (stack.length > 0) {
      const at = stack.pop() as number;
      const node = stack.pop() as number;
      let ref: number;
      if (tree.feature[node] < 0) {
        writeLeaf(leafBuf, nl, width, tree, node, target);
        ref = ~nl++;
      } else {
        const code = encodeSplit(tree, node, nf);
        ref = ni++;
        slot[ref] = code.slot;
        thr[ref] = code.thr;
        stack.push(code.child1, 2 * ref + 1, code.child0, 2 * ref);
      }
      if (at < 0) roots[t] = ref;
      else next[at] = ref;
    }
  }
  const layout = 'general' as const;
  return { layout, depth: 0, slot, thr, next, roots, leaf: leafBuf.slice(0, nl * width) };
}
