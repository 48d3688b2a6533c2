/**
 * The buffers the GBDT kernels work on. Everything a worker thread needs is in here, as typed
 * arrays that are views of SharedArrayBuffers when training uses more than one thread, so a
 * kernel call carries no data, only an op name: the main thread writes the task table, every
 * thread runs its part, and each part writes to disjoint places (its features' histogram bins,
 * its nodes' row ranges, its row chunks, its result cells).
 */
export interface GbdtKernelState {
  readonly kind: 'boosting';
  readonly nRows: number;
  readonly nFeatures: number;
  /** Trees grown side by side (one per class for multi-class), each with its own gradients and rows. */
  readonly nGroups: number;
  /** Parts every op is split into (the executor's thread count). */
  readonly nParts: number;
  /** Histogram slots available in `hist`. */
  readonly nSlots: number;
  /** Entries the task table holds. */
  readonly taskCapacity: number;
  /** Bin codes, column-major (`f * nRows + row`); a missing value is coded as the feature's last slot. */
  readonly codes: Uint8Array;
  /**
   * Histogram layout: feature f owns slots `binOffsets[f] .. binOffsets[f+1]-1`, its value bins
   * then one slot for missing values. `binOffsets[nFeatures]` is the slot count of one histogram.
   */
  readonly binOffsets: Int32Array;
  /** Most frequent value bin of each feature, the one histograms derive instead of summing. */
  readonly mostFrequentBin: Int32Array;
  /** In histogram-wide steps, part p owns features `partFeatures[p] .. partFeatures[p+1]-1`. */
  readonly partFeatures: Int32Array;
  /**
   * Row-major sparse codes without the most frequent bins: row r's entries are
   * `sparseBins[sparseStart[r] .. sparseStart[r+1]-1]`, each a histogram slot index.
   */
  readonly sparseStart: Int32Array;
  readonly sparseBins: Uint16Array | Uint32Array;
  /** Interleaved (gradient, hessian) per group and row: `2 * (group * nRows + row)`. */
  readonly gradHess: Float32Array;
  /** Current margins, row-major: `row * nGroups + group`. */
  readonly margins: Float64Array;
  readonly labels: Int32Array;
  /** Row weights, or empty when every row weighs 1. */
  readonly rowWeights: Float64Array;
  /** Per row chunk: loss sum, then (gradient sum, hessian sum) per group (see kernel.ts). */
  readonly chunkStats: Float64Array;
  /**
   * Row indices in two halves of nGroups · nRows (one block of nRows per group each). A node owns
   * a contiguous range; partitioning a level moves its rows to the other half (ping-pong).
   */
  readonly rows: Uint32Array;
  /** Per group and feature: bit 1 = sampled for the tree, bit 2 = searchable at this level. */
  readonly featureMask: Uint8Array;
  /** `nSlots` histograms of interleaved (gradient sum, hessian sum) per slot. */
  readonly hist: Float64Array;
  /** MAX_PARTIALS partial histograms of row chunks of large nodes, summed in chunk order. */
  readonly partials: Float64Array;
  /** The task table (layout in kernel.ts). */
  readonly tasks: Int32Array;
  /** Per node entry (regions B and C of the task table): two numbers, see kernel.ts. */
  readonly taskSums: Float64Array;
  /** Best split per search task and part: RESULT_FIELDS numbers each. */
  readonly results: Float64Array;
  /** [lambda, alpha, minChildWeight, fill rows in the gradient op (1/0)]. */
  readonly params: Float64Array;
}

/** Numbers per split result: gain, feature, bin, defaultLeft, left gradient sum, left hessian sum. */
export const RESULT_FIELDS = 6;
/** Int32 fields per task-table entry. */
export const TASK_FIELDS = 6;
/** Rows per chunk of the gradient op; losses and sums are added per chunk, then chunks in order. */
export const GRADIENT_CHUNK = 4096;
/**
 * A level's rows are cut into about UNITS_PER_LEVEL work units (never smaller than MIN_UNIT_ROWS
 * rows), so that threads share even a single root node. The cut depends only on the level,
 * never on the thread count, which keeps results identical for any number of threads.
 */
export const UNITS_PER_LEVEL = 16;
export const MIN_UNIT_ROWS = 8192;
/** Partial histograms needed at most: chunks of m > u rows number ≤ 2m/u, and Σm ≤ 16u. */
export const MAX_PARTIALS = 2 * UNITS_PER_LEVEL;
/** Feature-mask bit: the feature was sampled for the tree. */
export const MASK_TREE = 1;
/** Feature-mask bit: the feature may be split on at the current level. */
export const MASK_LEVEL = 2;

/** Everything createKernelState needs besides sizes known from the data. */
export interface KernelStateInput {
  nGroups: number;
  nParts: number;
  nSlots: number;
  taskCapacity: number;
  /** Column-major codes with missing re-coded to the feature's missing slot. */
  codes: Uint8Array;
  nRows: number;
  /** Value bins per feature (the missing slot is added). */
  valueBins: Int32Array;
  /** Features that can be split at all; the others get no sparse entries. */
  usable: Uint8Array;
  /** Most frequent value bin of each feature. */
  mostFrequentBin: Int32Array;
  labels: Int32Array;
  rowWeights: Float64Array | undefined;
  /** Back every buffer with a SharedArrayBuffer. */
  shared: boolean;
}

/** Allocates a state and builds the sparse codes. */
export function createKernelState(s: KernelStateInput): GbdtKernelState {
  const { nRows, nGroups, shared, valueBins } = s;
  const nFeatures = valueBins.length;
  const binOffsets = alloc(Int32Array, nFeatures + 1, shared);
  for (let f = 0; f < nFeatures; f++) binOffsets[f + 1] = binOffsets[f] + valueBins[f] + 1;
  const mostFrequentBin = alloc(Int32Array, nFeatures, shared);
  mostFrequentBin.set(s.mostFrequentBin);
  const binCost = new Float64Array(nFeatures);
  for (let f = 0; f < nFeatures; f++) binCost[f] = valueBins[f] + 1;
  const partFeatures = balanceParts(binCost, s.nParts, shared);
  const [sparseStart, sparseBins] = sparseRows(s, binOffsets, mostFrequentBin);
  const labels = alloc(Int32Array, nRows, shared);
  labels.set(s.labels);
  const rowWeights = alloc(Float64Array, s.rowWeights ? nRows : 0, shared);
  if (s.rowWeights) rowWeights.set(s.rowWeights);
  const nChunks = Math.ceil(nRows / GRADIENT_CHUNK);
  return {
    kind: 'boosting',
    nRows,
    nFeatures,
    nGroups,
    nParts: s.nParts,
    nSlots: s.nSlots,
    taskCapacity: s.taskCapacity,
    codes: s.codes,
    binOffsets,
    mostFrequentBin,
    partFeatures,
    sparseStart,
    sparseBins,
    gradHess: alloc(Float32Array, 2 * nGroups * nRows, shared),
    margins: alloc(Float64Array, nGroups * nRows, shared),
    labels,
    rowWeights,
    chunkStats: alloc(Float64Array, nChunks * (1 + 2 * nGroups), shared),
    rows: alloc(Uint32Array, 2 * nGroups * nRows, shared),
    featureMask: alloc(Uint8Array, nGroups * nFeatures, shared),
    hist: alloc(Float64Array, 2 * binOffsets[nFeatures] * s.nSlots, shared),
    partials: alloc(Float64Array, 2 * binOffsets[nFeatures] * MAX_PARTIALS, shared),
    tasks: alloc(Int32Array, 3 + TASK_FIELDS * (unitCapacity(s.taskCapacity) + 2 * s.taskCapacity), shared),
    taskSums: alloc(Float64Array, 4 * s.taskCapacity, shared),
    results: alloc(Float64Array, RESULT_FIELDS * s.taskCapacity * s.nParts, shared),
    params: alloc(Float64Array, 4, shared),
  };
}

/** Work units a task table for `taskCapacity` nodes must hold (every node, plus chunks of large ones). */
export function unitCapacity(taskCapacity: number): number {
  return taskCapacity + MAX_PARTIALS;
}

/** Contiguous feature ranges with about the same cost each. */
function balanceParts(cost: Float64Array, nParts: number, shared: boolean): Int32Array {
  const n = cost.length;
  const out = alloc(Int32Array, nParts + 1, shared);
  let total = 0;
  for (let f = 0; f < n; f++) total += cost[f];
  let f = 0;
  let acc = 0;
  for (let p = 1; p < nParts; p++) {
    const target = (total * p) / nParts;
    while (f < n && acc + cost[f] / 2 < target) acc += cost[f++];
    out[p] = f;
  }
  out[nParts] = n;
  return out;
}

function sparseRows(
  s: KernelStateInput,
  binOffsets: Int32Array,
  mfb: Int32Array,
): [Int32Array, Uint16Array | Uint32Array] {
  const { nRows, codes, usable, shared } = s;
  const nFeatures = mfb.length;
  const start = alloc(Int32Array, nRows + 1, shared);
  for (let f = 0; f < nFeatures; f++) {
    if (usable[f] === 0) continue;
    const base = f * nRows;
    const m = mfb[f];
    for (let i = 0; i < nRows; i++) if (codes[base + i] !== m) start[i + 1]++;
  }
  for (let i = 0; i < nRows; i++) start[i + 1] += start[i];
  const wide = binOffsets[nFeatures] > 0xffff;
  const bins = wide ? alloc(Uint32Array, start[nRows], shared) : alloc(Uint16Array, start[nRows], shared);
  const next = Int32Array.from(start.subarray(0, nRows));
  for (let f = 0; f < nFeatures; f++) {
    if (usable[f] === 0) continue;
    const base = f * nRows;
    const m = mfb[f];
    const off = binOffsets[f];
    for (let i = 0; i < nRows; i++) {
      const c = codes[base + i];
      if (c !== m) bins[next[i]++] = off + c;
    }
  }
  return [start, bins];
}

type TypedCtor<T> = { new (n: number): T; new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number };

function alloc<T>(ctor: TypedCtor<T>, n: number, shared: boolean): T {
  return shared ? new ctor(new SharedArrayBuffer(n * ctor.BYTES_PER_ELEMENT)) : new ctor(n);
}

/** Bytes of one node histogram for features with these value-bin counts. */
export function histogramBytes(valueBins: ArrayLike<number>): number {
  let slots = 0;
  for (let f = 0; f < valueBins.length; f++) slots += valueBins[f] + 1;
  return slots * 16;
}
