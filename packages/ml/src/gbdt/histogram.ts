import type { GbdtKernelState } from './kernel-state.js';

/**
 * Sums the (gradient, hessian) of rows `rows[begin..end)` of `group` into the histogram at
 * `out[base..]`, for every feature, skipping each feature's most frequent bin (most features of
 * flow data sit in one bin most of the time; finishHistogram derives it from the node totals).
 * Rows are read in their stored, ascending order. `contiguous` means the range is the group's
 * unsampled root, whose rows are simply 0..nRows-1.
 */
export function buildRows(
  st: GbdtKernelState,
  out: Float64Array,
  base: number,
  group: number,
  begin: number,
  end: number,
  contiguous: boolean,
): void {
  const { rows, nRows, binOffsets, gradHess: gh } = st;
  out.fill(0, base, base + 2 * binOffsets[st.nFeatures]);
  const start = st.sparseStart;
  const bins = st.sparseBins;
  const gBase = 2 * group * nRows;
  const rowBase = group * nRows;
  for (let i = begin; i < end; i++) {
    const r = contiguous ? i - rowBase : rows[i];
    const g = gh[gBase + 2 * r];
    const h = gh[gBase + 2 * r + 1];
    const e = start[r + 1];
    for (let j = start[r]; j < e; j++) {
      const b = base + 2 * bins[j];
      out[b] += g;
      out[b + 1] += h;
    }
  }
}

/**
 * Completes a node histogram for the features of part `part`: adds up the node's partial
 * histograms in chunk order (when it was built in chunks), sets each feature's most frequent bin
 * to the node total minus the other bins, and, with `subtractFrom` ≥ 0, turns that slot (holding
 * the parent) into the sibling by subtraction. Every step is per feature and in a fixed order,
 * so the result does not depend on how features are spread over threads.
 */
export function finishHistogram(
  st: GbdtKernelState,
  part: number,
  slot: number,
  partialFirst: number,
  partialCount: number,
  subtractFrom: number,
  sumG: number,
  sumH: number,
): void {
  const { binOffsets, hist, partials, nFeatures } = st;
  const size = 2 * binOffsets[nFeatures];
  const dst = slot * size;
  const first = partialFirst * size;
  const into = subtractFrom * size;
  const mfb = st.mostFrequentBin;
  // Feature by feature, so each feature's bins stay in the L1 cache through all three steps.
  for (let f = st.partFeatures[part]; f < st.partFeatures[part + 1]; f++) {
    const lo = 2 * binOffsets[f];
    const hi = 2 * binOffsets[f + 1];
    if (partialCount > 0) {
      for (let i = lo; i < hi; i++) hist[dst + i] = partials[first + i];
      for (let k = 1; k < partialCount; k++) {
        const src = first + k * size;
        for (let i = lo; i < hi; i++) hist[dst + i] += partials[src + i];
      }
    }
    const m = dst + lo + 2 * mfb[f];
    hist[m] = 0;
    hist[m + 1] = 0;
    let g = sumG;
    let h = sumH;
    for (let i = dst + lo; i < dst + hi; i += 2) {
      g -= hist[i];
      h -= hist[i + 1];
    }
    hist[m] = g;
    hist[m + 1] = h;
    if (subtractFrom >= 0) for (let i = lo; i < hi; i++) hist[into + i] -= hist[dst + i];
  }
}
