import { checkProbs } from './classification.js';
import { checkSameLength } from './confusion.js';

/**
 * Cumulative counts at each distinct score, highest first: predicting "positive when
 * score ≥ thresholds[g]" yields tps[g] true and fps[g] false positives. Tied scores form one group,
 * which is what makes the areas below exact under ties.
 */
export interface BinaryRanking {
  readonly thresholds: Float64Array;
  readonly tps: Float64Array;
  readonly fps: Float64Array;
  readonly nPositive: number;
  readonly nNegative: number;
}

/** One ROC point; `threshold` is null for the (0, 0) point that flags nothing (JSON has no Infinity). */
export interface RocPoint {
  readonly fpr: number;
  readonly tpr: number;
  readonly threshold: number | null;
}

/** One precision-recall point; `threshold` is null for the (recall 0, precision 1) start point. */
export interface PrPoint {
  readonly recall: number;
  readonly precision: number;
  readonly threshold: number | null;
}

/** Groups rows by distinct score (descending) and counts positives / negatives cumulatively. */
export function rankScores(yTrue01: ArrayLike<number>, scores: ArrayLike<number>): BinaryRanking {
  checkSameLength(yTrue01, scores);
  const n = scores.length;
  let nPositive = 0;
  for (let i = 0; i < n; i++) {
    const y = yTrue01[i];
    if (y !== 0 && y !== 1) throw new RangeError(`ranking: label ${y} at row ${i} is not 0 or 1`);
    if (scores[i] !== scores[i]) throw new RangeError(`ranking: score at row ${i} is NaN`);
    nPositive += y;
  }
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  // Compare rather than subtract: Infinity − Infinity is NaN, which would corrupt the order.
  order.sort((a, b) => (scores[a] > scores[b] ? -1 : scores[a] < scores[b] ? 1 : 0));
  const thresholds: number[] = [];
  const tps: number[] = [];
  const fps: number[] = [];
  let tp = 0;
  let fp = 0;
  for (let j = 0; j < n; j++) {
    const i = order[j];
    if (yTrue01[i] === 1) tp++;
    else fp++;
    if (j === n - 1 || scores[order[j + 1]] !== scores[i]) {
      thresholds.push(scores[i]);
      tps.push(tp);
      fps.push(fp);
    }
  }
  return {
    thresholds: Float64Array.from(thresholds),
    tps: Float64Array.from(tps),
    fps: Float64Array.from(fps),
    nPositive,
    nNegative: n - nPositive,
  };
}

/**
 * Area under the ROC curve, exactly: the probability that a random positive scores above a random
 * negative, ties counting one half (the Mann–Whitney U statistic with averaged ranks), which equals
 * scikit-learn's roc_auc_score. NaN when one of the two classes is absent.
 */
export function rocAuc(yTrue01: ArrayLike<number>, scores: ArrayLike<number>): number {
  return rocAucFromRanking(rankScores(yTrue01, scores));
}

/** ROC AUC of an already ranked score list. */
export function rocAucFromRanking(r: BinaryRanking): number {
  if (r.nPositive === 0 || r.nNegative === 0) return Number.NaN;
  // Trapezoids between consecutive groups: the negatives of a group beat every positive above it
  // and tie (half credit) with the positives in the same group.
  let area = 0;
  let prevTp = 0;
  let prevFp = 0;
  for (let g = 0; g < r.thresholds.length; g++) {
    area += (r.fps[g] - prevFp) * (prevTp + (r.tps[g] - prevTp) / 2);
    prevTp = r.tps[g];
    prevFp = r.fps[g];
  }
  return area / (r.nPositive * r.nNegative);
}

/**
 * Average precision, as scikit-learn's average_precision_score: Σ (Rₙ − Rₙ₋₁)·Pₙ over distinct
 * thresholds from high to low (a step function, no interpolation). NaN when there is no positive.
 */
export function prAuc(yTrue01: ArrayLike<number>, scores: ArrayLike<number>): number {
  return averagePrecisionFromRanking(rankScores(yTrue01, scores));
}

/** Average precision of an already ranked score list. */
export function averagePrecisionFromRanking(r: BinaryRanking): number {
  if (r.nPositive === 0) return Number.NaN;
  let ap = 0;
  let prevTp = 0;
  for (let g = 0; g < r.thresholds.length; g++) {
    const tp = r.tps[g];
    if (tp > prevTp) ap += ((tp - prevTp) / r.nPositive) * (tp / (tp + r.fps[g]));
    prevTp = tp;
  }
  return ap;
}

/**
 * One-vs-rest ROC AUC averaged over classes (unweighted), as scikit-learn's
 * roc_auc_score(multi_class='ovr', average='macro'). `probs` is row-major nRows × nClasses.
 * Classes absent from the labels (or present in every row) are skipped; NaN if none is left.
 */
export function multiclassRocAuc(
  labels: ArrayLike<number>,
  probs: ArrayLike<number>,
  nRows: number,
  nClasses: number,
): number {
  checkProbs(probs, nRows, nClasses, 'multiclassRocAuc');
  if (labels.length !== nRows)
    throw new RangeError(`multiclassRocAuc: ${labels.length} labels for ${nRows} rows`);
  const y01 = new Uint8Array(nRows);
  const column = new Float64Array(nRows);
  let sum = 0;
  let counted = 0;
  for (let c = 0; c < nClasses; c++) {
    for (let i = 0; i < nRows; i++) {
      y01[i] = labels[i] === c ? 1 : 0;
      column[i] = probs[i * nClasses + c];
    }
    const auc = rocAuc(y01, column);
    if (auc === auc) {
      sum += auc;
      counted++;
    }
  }
  return counted > 0 ? sum / counted : Number.NaN;
}

/**
 * ROC curve points from (0, 0) to (1, 1), one per distinct threshold, thinned to at most
 * `maxPoints` for plotting (both endpoints always kept). Empty when a class is absent.
 */
export function rocCurve(yTrue01: ArrayLike<number>, scores: ArrayLike<number>, maxPoints = 200): RocPoint[] {
  checkMaxPoints(maxPoints);
  const r = rankScores(yTrue01, scores);
  if (r.nPositive === 0 || r.nNegative === 0) return [];
  const points: RocPoint[] = [{ fpr: 0, tpr: 0, threshold: null }];
  for (let g = 0; g < r.thresholds.length; g++) {
    points.push({ fpr: r.fps[g] / r.nNegative, tpr: r.tps[g] / r.nPositive, threshold: r.thresholds[g] });
  }
  return thinPath(
    points,
    maxPoints,
    (p) => p.fpr,
    (p) => p.tpr,
  );
}

/**
 * Precision-recall curve from (recall 0, precision 1) through each distinct threshold, high to
 * low, stopping at the first threshold reaching full recall (as scikit-learn), thinned to at most
 * `maxPoints` (endpoints kept). Empty when there is no positive.
 */
export function prCurve(yTrue01: ArrayLike<number>, scores: ArrayLike<number>, maxPoints = 200): PrPoint[] {
  checkMaxPoints(maxPoints);
  const r = rankScores(yTrue01, scores);
  if (r.nPositive === 0) return [];
  const points: PrPoint[] = [{ recall: 0, precision: 1, threshold: null }];
  for (let g = 0; g < r.thresholds.length; g++) {
    const tp = r.tps[g];
    points.push({ recall: tp / r.nPositive, precision: tp / (tp + r.fps[g]), threshold: r.thresholds[g] });
    if (tp === r.nPositive) break;
  }
  return thinPath(
    points,
    maxPoints,
    (p) => p.recall,
    (p) => p.precision,
  );
}

function checkMaxPoints(maxPoints: number): void {
  if (!Number.isInteger(maxPoints) || maxPoints < 2) {
    throw new RangeError(`curve: maxPoints must be an integer ≥ 2, got ${maxPoints}`);
  }
}

/**
 * Keeps the endpoints and points spaced evenly along the curve's length, so steep and flat parts
 * both keep their shape (thinning by index would spend most points where thresholds are dense).
 */
function thinPath<T>(points: T[], maxPoints: number, x: (p: T) => number, y: (p: T) => number): T[] {
  const n = points.length;
  if (n <= maxPoints) return points;
  const cumulative = new Float64Array(n);
  for (let i = 1; i < n; i++) {
    cumulative[i] =
      cumulative[i - 1] + Math.hypot(x(points[i]) - x(points[i - 1]), y(points[i]) - y(points[i - 1]));
  }
  const step = cumulative[n - 1] / (maxPoints - 1);
  const out: T[] = [points[0]];
  let nextMark = step;
  for (let i = 1; i < n - 1 && out.length < maxPoints - 1; i++) {
    if (step > 0 && cumulative[i] >= nextMark) {
      out.push(points[i]);
      nextMark = (Math.floor(cumulative[i] / step) + 1) * step;
    }
  }
  out.push(points[n - 1]);
  return out;
}
