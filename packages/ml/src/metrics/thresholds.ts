import { rankScores } from './ranking.js';

/** Counts and rates of the rule "positive when score ≥ threshold". */
export interface OperatingPoint {
  readonly threshold: number;
  readonly tp: number;
  readonly fp: number;
  readonly tn: number;
  readonly fn: number;
  /** Recall of the positive class, TP / (TP + FN); 0 without positives. */
  readonly tpr: number;
  /** FP / (FP + TN); 0 without negatives. */
  readonly fpr: number;
  /** TP / (TP + FP); 0 when nothing is flagged. */
  readonly precision: number;
}

/**
 * The decision threshold with the highest recall whose false positive rate stays ≤ `targetFpr`,
 * for the rule "positive when score ≥ threshold". Among thresholds with the same recall, the
 * highest (lowest FPR) is chosen. Returns +Infinity when even the top score would exceed the budget
 * (no row is flagged). Without negatives every FPR is 0, so the lowest score is returned.
 */
export function thresholdForFpr(
  yTrue01: ArrayLike<number>,
  scores: ArrayLike<number>,
  targetFpr: number,
): number {
  if (!(targetFpr >= 0 && targetFpr <= 1)) {
    throw new RangeError(`thresholdForFpr: targetFpr must be in [0, 1], got ${targetFpr}`);
  }
  const r = rankScores(yTrue01, scores);
  let best = Number.POSITIVE_INFINITY;
  let bestTp = 0;
  for (let g = 0; g < r.thresholds.length; g++) {
    const fpr = r.nNegative > 0 ? r.fps[g] / r.nNegative : 0;
    // FPR only grows as the threshold falls, so the first violation ends the search.
    if (fpr > targetFpr) break;
    if (r.tps[g] > bestTp) {
      best = r.thresholds[g];
      bestTp = r.tps[g];
    }
  }
  return best;
}

/** Confusion counts and rates at one threshold (positive when score ≥ threshold). */
export function operatingPoint(
  yTrue01: ArrayLike<number>,
  scores: ArrayLike<number>,
  threshold: number,
): OperatingPoint {
  if (yTrue01.length !== scores.length) {
    throw new RangeError(`operatingPoint: ${yTrue01.length} labels but ${scores.length} scores`);
  }
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < scores.length; i++) {
    const flagged = scores[i] >= threshold;
    if (yTrue01[i] === 1) {
      if (flagged) tp++;
      else fn++;
    } else if (flagged) fp++;
    else tn++;
  }
  const rate = (a: number, b: number): number => (a + b > 0 ? a / (a + b) : 0);
  return { threshold, tp, fp, tn, fn, tpr: rate(tp, fn), fpr: rate(fp, tn), precision: rate(tp, fp) };
}
