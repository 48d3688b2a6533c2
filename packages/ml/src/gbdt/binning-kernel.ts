import { type BinMapper, binDataset, fitBinMapper, MISSING_BIN } from '../data/binning.js';
import type { Dataset } from '../data/dataset.js';

/**
 * Buffers of the parallel binning step (the 'bin' kernel op): the raw training columns in,
 * codes, cut points and per-feature facts out. Quantile cuts are fitted per column, so parts
 * own feature ranges and the result equals `fitBinMapper` + `binDataset` on the whole dataset.
 */
export interface GbdtBinningState {
  readonly kind: 'binning';
  readonly nRows: number;
  readonly nFeatures: number;
  readonly maxBins: number;
  /** The training columns, column-major (`f * nRows + row`). */
  readonly columns: Float32Array;
  /** Out: codes, column-major, missing re-coded to the slot after the feature's value bins. */
  readonly codes: Uint8Array;
  /** Out: feature f's cut points at `f * 256`, `cutCounts[f]` of them. */
  readonly cuts: Float32Array;
  readonly cutCounts: Int32Array;
  /** Out: 1 when the feature has missing values. */
  readonly hasMissing: Uint8Array;
  /** Out: the most frequent value bin of each feature. */
  readonly mostFrequentBin: Int32Array;
}

/** Copies the training columns into a binning state (`shared`: SharedArrayBuffers for workers). */
export function createBinningState(ds: Dataset, maxBins: number, shared: boolean): GbdtBinningState {
  const nRows = ds.nRows;
  const nFeatures = ds.columns.length;
  const buf = (bytes: number): ArrayBuffer | SharedArrayBuffer =>
    shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  const columns = new Float32Array(buf(4 * nRows * nFeatures));
  ds.columns.forEach((c, f) => {
    columns.set(c, f * nRows);
  });
  return {
    kind: 'binning',
    nRows,
    nFeatures,
    maxBins,
    columns,
    codes: new Uint8Array(buf(nRows * nFeatures)),
    cuts: new Float32Array(buf(4 * 256 * nFeatures)),
    cutCounts: new Int32Array(buf(4 * nFeatures)),
    hasMissing: new Uint8Array(buf(nFeatures)),
    mostFrequentBin: new Int32Array(buf(4 * nFeatures)),
  };
}

/** Bins the features of part `part` of `parts` (contiguous, equal-count feature ranges). */
export function runBinning(st: GbdtBinningState, part: number, parts: number): void {
  const { nRows, nFeatures } = st;
  const counts = new Int32Array(256);
  for (
    let f = Math.floor((part * nFeatures) / parts);
    f < Math.floor(((part + 1) * nFeatures) / parts);
    f++
  ) {
    const one: Dataset = {
      nRows,
      features: [{ name: String(f), kind: 'numeric' }],
      columns: [st.columns.subarray(f * nRows, (f + 1) * nRows)],
    };
    const mapper = fitBinMapper(one, st.maxBins);
    const cuts = mapper.cuts[0];
    st.cuts.set(cuts, f * 256);
    st.cutCounts[f] = cuts.length;
    const { codes } = binDataset(one, mapper);
    counts.fill(0);
    let missing = 0;
    for (let i = 0; i < nRows; i++) {
      let c = codes[i];
      if (c === MISSING_BIN) {
        // The missing slot follows the value bins: histograms need valueBins + 1 slots only.
        c = cuts.length;
        missing = 1;
      }
      st.codes[f * nRows + i] = c;
      counts[c]++;
    }
    st.hasMissing[f] = missing;
    let best = 0;
    // Only value bins qualify, so "has missing values" is always read from a summed slot.
    for (let b = 1; b < cuts.length; b++) if (counts[b] > counts[best]) best = b;
    st.mostFrequentBin[f] = best;
  }
}

/** The bin mapper a finished binning state describes. */
export function binningMapper(st: GbdtBinningState): BinMapper {
  const cuts: Float32Array[] = [];
  for (let f = 0; f < st.nFeatures; f++) cuts.push(st.cuts.slice(f * 256, f * 256 + st.cutCounts[f]));
  return { maxBins: st.maxBins, cuts };
}
