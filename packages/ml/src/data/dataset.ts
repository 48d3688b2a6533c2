/** How a feature's values are to be read. Categorical values are stored as integer codes into `categories`. */
export type FeatureKind = 'numeric' | 'categorical';

/** One input feature: its name, kind and, for categorical features, the code → category table. */
export interface FeatureInfo {
  readonly name: string;
  readonly kind: FeatureKind;
  readonly categories?: readonly string[];
}

/**
 * A columnar dataset: one Float32Array per feature (NaN marks a missing value; categorical features
 * hold integer codes), optional integer class labels and optional per-row weights.
 * Float32 matches what gradient-boosting libraries compare against, so imported and native models
 * see exactly the same values.
 */
export interface Dataset {
  readonly nRows: number;
  readonly features: readonly FeatureInfo[];
  readonly columns: readonly Float32Array[];
  /** Class index per row, 0..classNames.length-1. */
  readonly labels?: Int32Array;
  readonly classNames?: readonly string[];
  readonly weights?: Float32Array;
}

/** Builds a dataset after checking that every column and the labels have `nRows` entries. */
export function createDataset(parts: {
  features: readonly FeatureInfo[];
  columns: readonly Float32Array[];
  labels?: Int32Array;
  classNames?: readonly string[];
  weights?: Float32Array;
}): Dataset {
  const { features, columns, labels, classNames, weights } = parts;
  if (features.length !== columns.length) {
    throw new RangeError(`dataset: ${features.length} features but ${columns.length} columns`);
  }
  const nRows = columns.length > 0 ? columns[0].length : (labels?.length ?? 0);
  columns.forEach((c, i) => {
    if (c.length !== nRows) {
      throw new RangeError(`dataset: column "${features[i].name}" has ${c.length} rows, expected ${nRows}`);
    }
  });
  if (labels && labels.length !== nRows) {
    throw new RangeError(`dataset: ${labels.length} labels for ${nRows} rows`);
  }
  if (weights && weights.length !== nRows) {
    throw new RangeError(`dataset: ${weights.length} weights for ${nRows} rows`);
  }
  if (labels && classNames) {
    for (let i = 0; i < nRows; i++) {
      const y = labels[i];
      if (y < 0 || y >= classNames.length) {
        throw new RangeError(`dataset: label ${y} at row ${i} is outside 0..${classNames.length - 1}`);
      }
    }
  }
  return { nRows, features, columns, labels, classNames, weights };
}

/** The subset of rows at `indices`, in that order (used by splits and cross-validation). */
export function selectRows(ds: Dataset, indices: ArrayLike<number>): Dataset {
  const n = indices.length;
  const columns = ds.columns.map((col) => {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = col[indices[i]];
    return out;
  });
  let labels: Int32Array | undefined;
  if (ds.labels) {
    const src = ds.labels;
    labels = new Int32Array(n);
    for (let i = 0; i < n; i++) labels[i] = src[indices[i]];
  }
  let weights: Float32Array | undefined;
  if (ds.weights) {
    const src = ds.weights;
    weights = new Float32Array(n);
    for (let i = 0; i < n; i++) weights[i] = src[indices[i]];
  }
  return { nRows: n, features: ds.features, columns, labels, classNames: ds.classNames, weights };
}

/** Row-major copy (row i, feature f at i * nFeatures + f), the layout batch inference reads. */
export function toRowMajor(ds: Dataset): Float32Array {
  const nf = ds.columns.length;
  const out = new Float32Array(ds.nRows * nf);
  for (let f = 0; f < nf; f++) {
    const col = ds.columns[f];
    for (let i = 0; i < ds.nRows; i++) out[i * nf + f] = col[i];
  }
  return out;
}

/** Number of rows per class (length = classNames.length, or max label + 1). */
export function classCounts(ds: Dataset): Int32Array {
  if (!ds.labels) throw new Error('dataset: class counts need labels');
  let k = ds.classNames?.length ?? 0;
  for (let i = 0; i < ds.labels.length; i++) k = Math.max(k, ds.labels[i] + 1);
  const counts = new Int32Array(k);
  for (let i = 0; i < ds.labels.length; i++) counts[ds.labels[i]]++;
  return counts;
}
