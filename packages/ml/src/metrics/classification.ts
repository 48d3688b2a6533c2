import { confusionMatrix } from './confusion.js';

/**
 * Definitions (scikit-learn's, with zero_division = 0): for class c of a confusion matrix m,
 * TP = m[c][c], FP = column c minus TP, FN = row c minus TP, TN = everything else;
 * precision = TP / (TP + FP), recall = TP / (TP + FN), F1 = 2·P·R / (P + R), FPR = FP / (FP + TN),
 * support = TP + FN. A ratio whose denominator is 0 is 0.
 */
export interface PerClassScores {
  readonly precision: number[];
  readonly recall: number[];
  readonly f1: number[];
  readonly fpr: number[];
  readonly support: number[];
}

/** Precision, recall and F1 of one class or one average. */
export interface PrecisionRecallF1 {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

/**
 * How per-class scores combine: `binary` = the positive class alone; `macro` = unweighted mean over
 * the classes present in the true or predicted labels (scikit-learn's default label set);
 * `weighted` = mean weighted by support. Macro / weighted F1 average the per-class F1 values (not
 * the F1 of the averaged precision and recall), as scikit-learn does.
 */
export type Averaging = 'binary' | 'macro' | 'weighted';

/** Per-class precision, recall, F1, false positive rate and support from a confusion matrix. */
export function perClassScores(m: readonly (readonly number[])[]): PerClassScores {
  const k = m.length;
  let total = 0;
  const colSums = new Array<number>(k).fill(0);
  const rowSums = m.map((row) => {
    let s = 0;
    row.forEach((v, p) => {
      s += v;
      colSums[p] += v;
    });
    total += s;
    return s;
  });
  const out: PerClassScores = { precision: [], recall: [], f1: [], fpr: [], support: [] };
  for (let c = 0; c < k; c++) {
    const tp = m[c][c];
    const fp = colSums[c] - tp;
    const fn = rowSums[c] - tp;
    const tn = total - tp - fp - fn;
    const p = safeDiv(tp, tp + fp);
    const r = safeDiv(tp, tp + fn);
    out.precision.push(p);
    out.recall.push(r);
    out.f1.push(safeDiv(2 * p * r, p + r));
    out.fpr.push(safeDiv(fp, fp + tn));
    out.support.push(rowSums[c]);
  }
  return out;
}

/** Averaged precision, recall and F1 from a confusion matrix (see {@link Averaging}). */
export function averageScores(
  m: readonly (readonly number[])[],
  average: Averaging,
  positiveClass = 1,
): PrecisionRecallF1 {
  const s = perClassScores(m);
  if (average === 'binary') {
    if (!(positiveClass >= 0 && positiveClass < m.length)) {
      throw new RangeError(`averageScores: positiveClass ${positiveClass} is outside 0..${m.length - 1}`);
    }
    return {
      precision: s.precision[positiveClass],
      recall: s.recall[positiveClass],
      f1: s.f1[positiveClass],
    };
  }
  const weights = m.map((_row, c) => {
    if (average === 'weighted') return s.support[c];
    // Macro counts a class only if it occurs in the true or the predicted labels.
    let predicted = 0;
    for (const r of m) predicted += r[c];
    return s.support[c] > 0 || predicted > 0 ? 1 : 0;
  });
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const mean = (xs: number[]): number =>
    safeDiv(
      xs.reduce((acc, x, c) => acc + x * weights[c], 0),
      totalWeight,
    );
  return { precision: mean(s.precision), recall: mean(s.recall), f1: mean(s.f1) };
}

/** Averaged precision, recall and F1 straight from labels (builds the confusion matrix). */
export function precisionRecallF1(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  nClasses: number,
  average: Averaging,
  positiveClass = 1,
): PrecisionRecallF1 {
  return averageScores(confusionMatrix(yTrue, yPred, nClasses), average, positiveClass);
}

/** False positive rate of one class: rows of other classes predicted as it, over all rows of other classes. */
export function falsePositiveRate(m: readonly (readonly number[])[], positiveClass = 1): number {
  if (!(positiveClass >= 0 && positiveClass < m.length)) {
    throw new RangeError(`falsePositiveRate: positiveClass ${positiveClass} is outside 0..${m.length - 1}`);
  }
  return perClassScores(m).fpr[positiveClass];
}

/** Predicted class per row: the index of the largest probability (the first one on ties, as numpy). */
export function argmaxRows(probs: ArrayLike<number>, nRows: number, nClasses: number): Int32Array {
  checkProbs(probs, nRows, nClasses, 'argmaxRows');
  const out = new Int32Array(nRows);
  for (let i = 0; i < nRows; i++) {
    const base = i * nClasses;
    let best = 0;
    for (let c = 1; c < nClasses; c++) if (probs[base + c] > probs[base + best]) best = c;
    out[i] = best;
  }
  return out;
}

/** Probabilities are clipped to [ε, 1 − ε] with this ε, as scikit-learn's classic log_loss. */
export const LOG_LOSS_EPSILON = 1e-15;

/**
 * Mean negative log-likelihood of the true classes (natural log). `probs` is row-major
 * nRows × nOutputs; with nOutputs = 1 it holds P(class 1) of a binary model. Rows are not
 * renormalised: pass probabilities that sum to 1.
 */
export function logLoss(
  labels: ArrayLike<number>,
  probs: ArrayLike<number>,
  nRows: number,
  nOutputs: number,
): number {
  checkProbs(probs, nRows, nOutputs, 'logLoss');
  if (labels.length !== nRows) throw new RangeError(`logLoss: ${labels.length} labels for ${nRows} rows`);
  if (nRows === 0) return 0;
  const maxLabel = nOutputs === 1 ? 1 : nOutputs - 1;
  let sum = 0;
  for (let i = 0; i < nRows; i++) {
    const y = labels[i];
    if (!(y >= 0 && y <= maxLabel && Number.isInteger(y))) {
      throw new RangeError(`logLoss: label ${y} at row ${i} is outside 0..${maxLabel}`);
    }
    const p = nOutputs === 1 ? (y === 1 ? probs[i] : 1 - probs[i]) : probs[i * nOutputs + y];
    sum -= Math.log(Math.min(1 - LOG_LOSS_EPSILON, Math.max(LOG_LOSS_EPSILON, p)));
  }
  return sum / nRows;
}

/** Throws unless `probs` holds nRows × nCols values. */
export function checkProbs(probs: ArrayLike<number>, nRows: number, nCols: number, where: string): void {
  if (!Number.isInteger(nCols) || nCols < 1)
    throw new RangeError(`${where}: column count must be ≥ 1, got ${nCols}`);
  if (probs.length !== nRows * nCols) {
    throw new RangeError(`${where}: ${probs.length} probabilities, expected ${nRows} rows × ${nCols}`);
  }
}

function safeDiv(a: number, b: number): number {
  return b > 0 ? a / b : 0;
}
