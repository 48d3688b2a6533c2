import { type BinMapper, MISSING_BIN } from '../data/binning.js';
import type { Random } from '../util/random.js';
import { binningMapper, type GbdtBinningState } from './binning-kernel.js';
import { type GbdtKernelState, MASK_TREE } from './kernel-state.js';

/** The training matrix in the form the kernels read. */
export interface BinnedTrainingData {
  readonly mapper: BinMapper;
  /** Column-major codes with missing values re-coded to `missingBin[f]` (the slot after the value bins). */
  readonly codes: Uint8Array;
  readonly valueBins: Int32Array;
  readonly missingBin: Int32Array;
  /** Features that can be split at all (more than one value bin, or missing values). */
  readonly usable: Uint8Array;
  readonly mostFrequentBin: Int32Array;
}

/** What training needs from a finished binning state. */
export function binnedTrainingData(st: GbdtBinningState): BinnedTrainingData {
  const mapper = binningMapper(st);
  const valueBins = Int32Array.from(st.cutCounts);
  const usable = new Uint8Array(st.nFeatures);
  for (let f = 0; f < usable.length; f++) usable[f] = valueBins[f] > 1 || st.hasMissing[f] ? 1 : 0;
  return {
    mapper,
    codes: st.codes,
    valueBins,
    missingBin: valueBins,
    usable,
    mostFrequentBin: st.mostFrequentBin,
  };
}

/**
 * Replaces MISSING_BIN by the feature's own missing slot (right after its value bins) so a
 * histogram needs only `valueBins + 1` slots per feature. Returns which features had missing values.
 */
export function recodeMissing(codes: Uint8Array, nRows: number, valueBins: Int32Array): Uint8Array {
  const has = new Uint8Array(valueBins.length);
  for (let f = 0; f < valueBins.length; f++) {
    const to = valueBins[f];
    const base = f * nRows;
    for (let i = 0; i < nRows; i++) {
      if (codes[base + i] === MISSING_BIN) {
        codes[base + i] = to;
        has[f] = 1;
      }
    }
  }
  return has;
}

/** Root of one tree: its sampled rows are `rows[begin..end)`; sums over them in row order. */
export interface SampledRoot {
  begin: number;
  end: number;
  contiguous: boolean;
  sumG: number;
  sumH: number;
}

/**
 * Writes the rows of group `group`'s next tree into its block of `st.rows`, a Bernoulli
 * (`subsample`) draw of them. `inSample` (when given) gets 1 for sampled rows, 0 for the others.
 * (Unsampled trees take every row from the gradient op instead.)
 */
export function sampleRows(
  st: GbdtKernelState,
  group: number,
  subsample: number,
  rng: Random,
  inSample: Uint8Array | undefined,
): SampledRoot {
  const { rows, gradHess, nRows } = st;
  const begin = group * nRows;
  const gBase = 2 * begin;
  let end = begin;
  let sumG = 0;
  let sumH = 0;
  for (let i = 0; i < nRows; i++) {
    const keep = rng.next() < subsample;
    if (inSample) inSample[i] = keep ? 1 : 0;
    if (!keep) continue;
    rows[end++] = i;
    sumG += gradHess[gBase + 2 * i];
    sumH += gradHess[gBase + 2 * i + 1];
  }
  return { begin, end, contiguous: false, sumG, sumH };
}

/**
 * Draws the tree's features (colsample_bytree, like XGBoost: max(1, ⌊frac · n⌋) of all features)
 * and marks the usable ones in the group's tree mask. Returns the marked features, ascending.
 */
export function sampleFeatures(
  st: GbdtKernelState,
  group: number,
  fraction: number,
  usable: Uint8Array,
  rng: Random,
): Int32Array {
  const n = st.nFeatures;
  let chosen = Int32Array.from({ length: n }, (_, f) => f);
  if (fraction < 1) {
    rng.shuffle(chosen);
    chosen = chosen.subarray(0, Math.max(1, Math.floor(fraction * n))).sort();
  }
  const mask = st.featureMask;
  const base = group * n;
  mask.fill(0, base, base + n);
  const kept: number[] = [];
  for (let i = 0; i < chosen.length; i++) {
    const f = chosen[i];
    if (usable[f] === 0) continue;
    mask[base + f] = MASK_TREE;
    kept.push(f);
  }
  return Int32Array.from(kept);
}
