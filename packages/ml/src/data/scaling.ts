import type { Dataset } from './dataset.js';

/** How a scaler maps each numeric feature. */
export type ScalingMethod = 'minmax' | 'standard';

/**
 * A fitted scaler, as plain JSON: feature f becomes `(x - offsets[f]) * scales[f]`.
 * Storing the multiplier (not the divisor) lets a constant column map to 0 with `scales[f] = 0`,
 * and lets categorical features pass through with offset 0 and scale 1.
 */
export interface Scaler {
  readonly method: ScalingMethod;
  readonly offsets: number[];
  readonly scales: number[];
}

/**
 * Fits a scaler on a dataset. `minmax` maps [min, max] to [0, 1]; `standard` subtracts the mean
 * and divides by the population standard deviation (as scikit-learn's StandardScaler).
 * Missing (NaN) and infinite values are ignored when fitting, so the stored numbers are always
 * finite and JSON-safe; a column with no finite value is left unchanged. Constant columns scale to 0.
 * Categorical features (integer codes) are left untouched.
 */
export function fitScaler(ds: Dataset, method: ScalingMethod): Scaler {
  if (method !== 'minmax' && method !== 'standard') {
    throw new RangeError(`fitScaler: method must be "minmax" or "standard", got ${String(method)}`);
  }
  const offsets: number[] = [];
  const scales: number[] = [];
  ds.columns.forEach((col, f) => {
    const [offset, scale] =
      ds.features[f].kind === 'categorical'
        ? [0, 1]
        : method === 'minmax'
          ? fitMinMax(col)
          : fitStandard(col);
    offsets.push(offset);
    scales.push(scale);
  });
  return { method, offsets, scales };
}

/** A new dataset with every column scaled (labels, weights and feature info are shared). */
export function applyScaler(ds: Dataset, scaler: Scaler): Dataset {
  checkWidth(scaler, ds.columns.length);
  const columns = ds.columns.map((col, f) => {
    const out = new Float32Array(col.length);
    const offset = scaler.offsets[f];
    const scale = scaler.scales[f];
    for (let i = 0; i < col.length; i++) out[i] = (col[i] - offset) * scale;
    return out;
  });
  return { ...ds, columns };
}

/** Scales one row (feature order of the fitted dataset) in place and returns it; NaN stays NaN. */
export function scaleRow<T extends Float32Array | Float64Array>(row: T, scaler: Scaler): T {
  checkWidth(scaler, row.length);
  for (let f = 0; f < row.length; f++) row[f] = (row[f] - scaler.offsets[f]) * scaler.scales[f];
  return row;
}

function checkWidth(scaler: Scaler, nFeatures: number): void {
  if (scaler.offsets.length !== nFeatures || scaler.scales.length !== nFeatures) {
    throw new RangeError(`scaler: fitted on ${scaler.offsets.length} features, got ${nFeatures}`);
  }
}

function fitMinMax(col: Float32Array): [number, number] {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < col.length; i++) {
    const v = col[i];
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min > max) return [0, 1];
  const range = max - min;
  return [min, range > 0 ? 1 / range : 0];
}

function fitStandard(col: Float32Array): [number, number] {
  // Two passes in float64: the mean first, then squared deviations from it, which avoids the
  // cancellation of the one-pass sum-of-squares formula on large-valued columns (bytes, durations).
  let n = 0;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < col.length; i++) {
    const v = col[i];
    if (!Number.isFinite(v)) continue;
    n++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (n === 0) return [0, 1];
  const mean = sum / n;
  // Rounding can leave a tiny spread around a constant column's mean; its inverse would blow up.
  if (min === max) return [min, 0];
  let ss = 0;
  for (let i = 0; i < col.length; i++) {
    const v = col[i];
    if (Number.isFinite(v)) ss += (v - mean) * (v - mean);
  }
  const std = Math.sqrt(ss / n);
  return [mean, std > 0 ? 1 / std : 0];
}
