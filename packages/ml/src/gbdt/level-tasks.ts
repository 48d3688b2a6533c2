import { nodeEntry, searchEntry, unitEntry } from './kernel.js';
import {
  type GbdtKernelState,
  MAX_PARTIALS,
  MIN_UNIT_ROWS,
  RESULT_FIELDS,
  UNITS_PER_LEVEL,
} from './kernel-state.js';
import type { TreeBuilder } from './tree-builder.js';
import type { GrowRequest } from './tree-grower.js';

/** A node of the level being grown. */
export interface WorkNode {
  req: GrowRequest;
  tree: TreeBuilder;
  id: number;
  /** Absolute range in `rows` (in the half of its level). */
  begin: number;
  end: number;
  g: number;
  h: number;
  /** Histogram slot, −1 while it has none (memory-limited levels build in batches). */
  slot: number;
  /** Build the histogram from rows (false: derived from the parent by the sibling's build). */
  build: boolean;
  /** Slot holding the parent, to turn into the sibling after this node is built; −1 for none. */
  subtractFrom: number;
  // Filled by the split search:
  feature: number;
  bin: number;
  defaultLeft: boolean;
  gain: number;
  gl: number;
  hl: number;
  leftCount: number;
  /** Partitioned in several units, so its children were merged back into its own half. */
  merged: boolean;
  /**
   * Both children will be leaves (set by the grower before partitioning): instead of moving its
   * rows, the partition op adds `leafValues` (left, right) to their margins.
   */
  leafOnly: boolean;
  leafValues: [number, number];
}

/** A leaf whose value still has to be added to its rows' margins. */
export interface PendingLeaf {
  group: number;
  begin: number;
  end: number;
  value: number;
}

/**
 * Rows per work unit for a level: about UNITS_PER_LEVEL units, never below MIN_UNIT_ROWS. It
 * depends only on the level, so the chunking (and every sum) is the same for any thread count.
 */
function unitRows(total: number): number {
  return Math.max(MIN_UNIT_ROWS, Math.ceil(total / UNITS_PER_LEVEL));
}

/** Writes work unit `i`: one of `chunks` equal pieces of [begin, end). */
function chunkBounds(begin: number, end: number, k: number, chunks: number): [number, number] {
  const m = end - begin;
  return [begin + Math.floor((k * m) / chunks), begin + Math.floor(((k + 1) * m) / chunks)];
}

/** Task table of a 'histograms' + 'splits' pair for `nodes` (all holding slots). */
export function writeSearchTasks(st: GbdtKernelState, nodes: readonly WorkNode[]): void {
  const t = st.tasks;
  const builds = nodes.filter((n) => n.build);
  const u = unitRows(builds.reduce((s, n) => s + n.end - n.begin, 0));
  let nUnits = 0;
  let nPartials = 0;
  builds.forEach((n, j) => {
    const contiguous = n.id === 0 && n.req.contiguous ? 1 : 0;
    const chunks = Math.ceil((n.end - n.begin) / u);
    const b = nodeEntry(st, j);
    t[b] = n.slot;
    t[b + 1] = n.subtractFrom;
    t[b + 2] = nPartials;
    t[b + 3] = chunks > 1 ? chunks : 0;
    st.taskSums[2 * j] = n.g;
    st.taskSums[2 * j + 1] = n.h;
    for (let k = 0; k < chunks; k++) {
      const e = unitEntry(nUnits++);
      const [cb, ce] = chunkBounds(n.begin, n.end, k, chunks);
      t[e] = n.req.group;
      t[e + 1] = cb;
      t[e + 2] = ce;
      t[e + 3] = chunks > 1 ? nPartials++ : n.slot;
      t[e + 4] = chunks > 1 ? 1 : 0;
      t[e + 5] = contiguous;
    }
  });
  if (nPartials > MAX_PARTIALS) throw new Error(`gbdt: ${nPartials} partial histograms needed`);
  t[0] = nUnits;
  t[1] = builds.length;
  t[2] = nodes.length;
  nodes.forEach((n, i) => {
    const e = searchEntry(st, i);
    t[e] = n.req.group;
    t[e + 1] = n.slot;
    st.taskSums[2 * (st.taskCapacity + i)] = n.g;
    st.taskSums[2 * (st.taskCapacity + i) + 1] = n.h;
  });
}

/** Reads the best split of every node from the 'splits' results. */
export function readSearchResults(st: GbdtKernelState, nodes: readonly WorkNode[]): void {
  const r = st.results;
  nodes.forEach((n, i) => {
    // Parts cover ascending feature ranges; keeping the first strict maximum picks the same
    // split as a single scan over all features would.
    let best = i * st.nParts * RESULT_FIELDS;
    for (let part = 1; part < st.nParts; part++) {
      const o = (i * st.nParts + part) * RESULT_FIELDS;
      if (r[o] > r[best]) best = o;
    }
    n.gain = r[best];
    n.feature = r[best] === Number.NEGATIVE_INFINITY ? -1 : r[best + 1];
    n.bin = r[best + 2];
    n.defaultLeft = r[best + 3] === 1;
    n.gl = r[best + 4];
    n.hl = r[best + 5];
  });
}

/**
 * Task table of a 'partition' (+ 'merge') pair for `splits` (at most taskCapacity), plus as many
 * pending leaves as fit (they are removed from `leaves`). `half` is the size of one half of `rows`.
 * Marks the nodes cut into several units (`merged`); returns whether there is any, in which case
 * the 'merge' op must follow and those nodes' children end up in their parent's half.
 */
export function writePartitionTasks(
  st: GbdtKernelState,
  splits: readonly WorkNode[],
  leaves: PendingLeaf[],
  half: number,
): boolean {
  const t = st.tasks;
  const u = unitRows(splits.reduce((s, n) => s + n.end - n.begin, 0));
  let nUnits = 0;
  let anyMerged = false;
  splits.forEach((n, j) => {
    const b = nodeEntry(st, j);
    t[b] = n.feature;
    t[b + 1] = n.bin;
    t[b + 2] = n.defaultLeft ? 1 : 0;
    t[b + 3] = n.leafOnly ? -1 : n.begin >= half ? n.begin - half : n.begin + half;
    const chunks = Math.ceil((n.end - n.begin) / u);
    t[b + 4] = chunks;
    t[b + 5] = n.begin;
    st.taskSums[2 * j] = n.leafValues[0];
    st.taskSums[2 * j + 1] = n.leafValues[1];
    n.merged = chunks > 1 && !n.leafOnly;
    anyMerged ||= n.merged;
    for (let k = 0; k < chunks; k++) {
      const e = unitEntry(nUnits++);
      const [cb, ce] = chunkBounds(n.begin, n.end, k, chunks);
      t[e] = j;
      t[e + 1] = cb;
      t[e + 2] = ce;
      t[e + 3] = 0;
      t[e + 4] = n.req.group;
    }
  });
  t[0] = nUnits;
  t[1] = splits.length;
  writeLeaves(st, leaves);
  return anyMerged;
}

/** Puts as many pending leaves as fit into region C (for the 'partition' op). */
export function writeLeaves(st: GbdtKernelState, leaves: PendingLeaf[]): void {
  const t = st.tasks;
  const batch = leaves.splice(0, st.taskCapacity);
  batch.forEach((l, i) => {
    const e = searchEntry(st, i);
    t[e] = l.group;
    t[e + 1] = l.begin;
    t[e + 2] = l.end;
    st.taskSums[2 * (st.taskCapacity + i)] = l.value;
  });
  t[2] = batch.length;
}

/** Left row counts of the splits after a 'partition' op: the sums of their units' counts. */
export function readLeftCounts(st: GbdtKernelState, splits: readonly WorkNode[]): void {
  const t = st.tasks;
  for (const n of splits) n.leftCount = 0;
  for (let i = 0; i < t[0]; i++) splits[t[unitEntry(i)]].leftCount += t[unitEntry(i) + 3];
}
