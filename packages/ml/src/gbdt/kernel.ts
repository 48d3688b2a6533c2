import { type GbdtBinningState, runBinning } from './binning-kernel.js';
import { buildRows, finishHistogram } from './histogram.js';
import { type GbdtKernelState, GRADIENT_CHUNK, TASK_FIELDS, unitCapacity } from './kernel-state.js';
import { gradientChunk } from './objective.js';
import { addSplitToMargins, partitionRange, reverseRows } from './row-partition.js';
import { findBestSplit } from './split-finder.js';

/**
 * The parallel steps of boosting, each run by every thread on its own part:
 * - 'bin' (on a GbdtBinningState): quantile cuts and codes of the training columns. Parts own features.
 * - 'gradients': gradients and hessians from the margins, per-chunk loss and gradient sums, and
 *   (params[3] = 1) every group's row list reset to all rows. Parts own row chunks.
 * - 'histograms': build the histograms of the level's work units (whole small nodes, row chunks
 *   of large ones into partial histograms). Parts own units.
 * - 'splits': finish the histograms (sum partials, derive most frequent bins, subtract to get
 *   siblings) and search each node's best split. Parts own feature ranges.
 * - 'partition': partition each unit's rows into the same range of the other half of `rows` (left
 *   rows first), and add leaf values to the margins of the leaves' rows. A split whose children
 *   are both leaves is not moved: its rows get the left or right leaf value. Parts own units, leaves.
 * - 'merge': for nodes partitioned in several units, gather the units' left rows, then their
 *   right rows, back into the node's range of its own half. Parts own units.
 * Units are cut from the level alone, so results are identical for any number of threads.
 */
export type GbdtKernelOp = 'bin' | 'gradients' | 'histograms' | 'splits' | 'partition' | 'merge';

/** Any state a kernel op runs on. */
export type GbdtSharedState = GbdtKernelState | GbdtBinningState;

/*
 * Task table (GbdtKernelState.tasks): tasks[0..2] = entries in regions A, B, C.
 *   'histograms' A: group, begin, end, target, 1 = target is a partial (else a slot), 1 = contiguous root
 *   'splits'     B: slot, subtractFrom (−1: none), partialFirst, partialCount; sums (G, H) in B sums
 *                C: group, slot; sums (G, H) in C sums
 *   'partition' / 'merge'
 *                A: node (B index), begin, end, (out) left count, group
 *                B: feature, bin, defaultLeft, first row in the other half (−1: children are
 *                   leaves, their values in B sums), units, first row
 *                C: leaves ('partition' only): group, begin, end; value in C sums
 * Begin/end are absolute indices into `rows`. B sums are taskSums[2i..], C sums taskSums[2(cap+i)..].
 * 'splits' results go to results[(i·nParts + part)·RESULT_FIELDS] for C entry i.
 */

/** Offset of region-A entry `i`. */
export function unitEntry(i: number): number {
  return 3 + i * TASK_FIELDS;
}

/** Offset of region-B entry `i`. */
export function nodeEntry(st: GbdtKernelState, i: number): number {
  return 3 + (unitCapacity(st.taskCapacity) + i) * TASK_FIELDS;
}

/** Offset of region-C entry `i`. */
export function searchEntry(st: GbdtKernelState, i: number): number {
  return 3 + (unitCapacity(st.taskCapacity) + st.taskCapacity + i) * TASK_FIELDS;
}

/** Number of row chunks of the gradient op (GRADIENT_CHUNK rows each). */
export function gradientChunks(st: GbdtKernelState): number {
  return Math.ceil(st.nRows / GRADIENT_CHUNK);
}

/**
 * Runs part `part` of `parts` of a kernel op on the current task table. Every thread of an
 * executor calls this with its own part; the union of the parts is the whole op, and the result
 * is the same for any number of parts.
 */
export function runGbdtKernel(st: GbdtSharedState, op: GbdtKernelOp, part: number, parts: number): void {
  if (st.kind === 'binning') {
    if (op !== 'bin') throw new Error(`gbdt kernel: op ${op} needs a boosting state`);
    runBinning(st, part, parts);
    return;
  }
  // Feature ranges and result cells were laid out for st.nParts parts.
  if (parts !== st.nParts)
    throw new Error(`gbdt kernel: state made for ${st.nParts} parts, run with ${parts}`);
  if (op === 'gradients') runGradients(st, part, parts);
  else if (op === 'histograms') runHistograms(st, part, parts);
  else if (op === 'splits') runSplits(st, part);
  else if (op === 'partition') runPartition(st, part, parts);
  else if (op === 'merge') runMerge(st, part, parts);
  else throw new Error(`gbdt kernel: unknown op ${String(op)}`);
}

/**
 * Which part runs each of `n` ranges (start/end in fields 1/2 at `entry(i)`): largest first, each
 * to the least loaded part so far (ties to the lower index). Every part computes the same
 * assignment, and which part runs a range never changes its result.
 */
function assignOwners(
  t: Int32Array,
  n: number,
  entry: (i: number) => number,
  parts: number,
  owners: Int32Array,
): void {
  if (parts === 1) {
    owners.fill(0, 0, n);
    return;
  }
  if (order.length < n) order = new Int32Array(Math.max(n, 2 * order.length));
  const idx = order.subarray(0, n);
  for (let i = 0; i < n; i++) idx[i] = i;
  const size = (i: number): number => t[entry(i) + 2] - t[entry(i) + 1];
  idx.sort((a, b) => size(b) - size(a) || a - b);
  if (load.length < parts) load = new Float64Array(parts);
  load.fill(0, 0, parts);
  for (let k = 0; k < n; k++) {
    const i = idx[k];
    let best = 0;
    for (let p = 1; p < parts; p++) if (load[p] < load[best]) best = p;
    owners[i] = best;
    load[best] += size(i);
  }
}

let order = new Int32Array(0);
let load = new Float64Array(0);

/** Per-thread scratch, grown on demand and reused across calls. */
let owners = new Int32Array(0);
let nodeLeft = new Int32Array(0);

function ownersFor(n: number): Int32Array {
  if (owners.length < n) owners = new Int32Array(Math.max(n, 2 * owners.length));
  return owners;
}

function runGradients(st: GbdtKernelState, part: number, parts: number): void {
  const nc = gradientChunks(st);
  const stride = 1 + 2 * st.nGroups;
  const fill = st.params[3] === 1;
  for (let c = Math.floor((part * nc) / parts); c < Math.floor(((part + 1) * nc) / parts); c++) {
    const r0 = c * GRADIENT_CHUNK;
    const r1 = Math.min(st.nRows, r0 + GRADIENT_CHUNK);
    gradientChunk(st, r0, r1, c * stride);
    if (!fill) continue;
    for (let g = 0; g < st.nGroups; g++) {
      const base = g * st.nRows;
      for (let r = r0; r < r1; r++) st.rows[base + r] = r;
    }
  }
}

function runHistograms(st: GbdtKernelState, part: number, parts: number): void {
  const t = st.tasks;
  const n = t[0];
  const own = ownersFor(n);
  assignOwners(t, n, unitEntry, parts, own);
  const size = 2 * st.binOffsets[st.nFeatures];
  for (let i = 0; i < n; i++) {
    if (own[i] !== part) continue;
    const e = unitEntry(i);
    const out = t[e + 4] === 1 ? st.partials : st.hist;
    buildRows(st, out, t[e + 3] * size, t[e], t[e + 1], t[e + 2], t[e + 5] === 1);
  }
}

function runSplits(st: GbdtKernelState, part: number): void {
  const t = st.tasks;
  const sums = st.taskSums;
  const cap = st.taskCapacity;
  for (let i = 0; i < t[1]; i++) {
    const e = nodeEntry(st, i);
    finishHistogram(st, part, t[e], t[e + 2], t[e + 3], t[e + 1], sums[2 * i], sums[2 * i + 1]);
  }
  const fBegin = st.partFeatures[part];
  const fEnd = st.partFeatures[part + 1];
  for (let i = 0; i < t[2]; i++) {
    const e = searchEntry(st, i);
    const s = 2 * (cap + i);
    findBestSplit(st, t[e + 1], t[e], sums[s], sums[s + 1], fBegin, fEnd, i * st.nParts + part);
  }
}

function runPartition(st: GbdtKernelState, part: number, parts: number): void {
  const own = ownersFor(Math.max(st.tasks[0], st.tasks[2]));
  assignOwners(st.tasks, st.tasks[0], unitEntry, parts, own);
  partitionUnits(st, part, own);
  // Leaf values: each leaf's rows are distinct, so parts never touch the same margin. Leaves
  // are in ranges this op does not write, so their rows are intact.
  assignOwners(st.tasks, st.tasks[2], (i) => searchEntry(st, i), parts, own);
  addLeafValues(st, part, own);
}

// The row loops live in functions of their own with nothing after the loop (see row-partition.ts).

function partitionUnits(st: GbdtKernelState, part: number, own: Int32Array): void {
  const t = st.tasks;
  const n = t[0];
  for (let i = 0; i < n; i++) {
    if (own[i] !== part) continue;
    const e = unitEntry(i);
    const b = nodeEntry(st, t[e]);
    if (t[b + 3] < 0) {
      const v = 2 * t[e];
      addSplitToMargins(
        st,
        t[e + 1],
        t[e + 2],
        t[b],
        t[b + 1],
        t[b + 2] === 1,
        t[e + 4],
        st.taskSums[v],
        st.taskSums[v + 1],
      );
      continue;
    }
    // A unit keeps its place in the node: its rows go to the same offsets in the other half.
    const dst = t[b + 3] + (t[e + 1] - t[b + 5]);
    const left = partitionRange(st, t[e + 1], t[e + 2], t[b], t[b + 1], t[b + 2] === 1, dst);
    reverseRows(st.rows, dst + left, dst + (t[e + 2] - t[e + 1]));
    t[e + 3] = left;
  }
}

function addLeafValues(st: GbdtKernelState, part: number, own: Int32Array): void {
  const t = st.tasks;
  const nLeaves = t[2];
  const { rows, margins, nGroups: k } = st;
  for (let i = 0; i < nLeaves; i++) {
    if (own[i] !== part) continue;
    const e = searchEntry(st, i);
    const v = st.taskSums[2 * (st.taskCapacity + i)];
    const group = t[e];
    for (let j = t[e + 1]; j < t[e + 2]; j++) margins[rows[j] * k + group] += v;
  }
}

function runMerge(st: GbdtKernelState, part: number, parts: number): void {
  const t = st.tasks;
  const n = t[0];
  const own = ownersFor(n);
  assignOwners(t, n, unitEntry, parts, own);
  if (nodeLeft.length < t[1]) nodeLeft = new Int32Array(Math.max(t[1], 2 * nodeLeft.length));
  nodeLeft.fill(0, 0, t[1]);
  for (let i = 0; i < n; i++) nodeLeft[t[unitEntry(i)]] += t[unitEntry(i) + 3];
  const rows = st.rows;
  let node = -1;
  let leftAt = 0;
  let rightAt = 0;
  for (let i = 0; i < n; i++) {
    const e = unitEntry(i);
    const b = nodeEntry(st, t[e]);
    if (t[b + 4] === 1 || t[b + 3] < 0) continue;
    if (t[e] !== node) {
      node = t[e];
      leftAt = t[b + 5];
      rightAt = leftAt + nodeLeft[node];
    }
    const size = t[e + 2] - t[e + 1];
    const left = t[e + 3];
    if (own[i] === part) {
      const src = t[b + 3] + (t[e + 1] - t[b + 5]);
      rows.copyWithin(leftAt, src, src + left);
      rows.copyWithin(rightAt, src + left, src + size);
    }
    leftAt += left;
    rightAt += size - left;
  }
}
