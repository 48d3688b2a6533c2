import { describe, expect, it } from 'vitest';
import { Random } from '../util/random.js';
import { multiclassRocAuc, prAuc, prCurve, rocAuc, rocCurve } from './ranking.js';
import { operatingPoint, thresholdForFpr } from './thresholds.js';

// Ranked list with ties. Positives score 0.9, 0.8, 0.7, 0.6; negatives 0.8, 0.6, 0.3.
const labels = [1, 1, 0, 1, 0, 1, 0];
const scores = [0.9, 0.8, 0.8, 0.7, 0.6, 0.6, 0.3];

describe('rocAuc', () => {
  it('counts concordant pairs, ties as one half', () => {
    // Pairs (pos, neg), 4 × 3 = 12: 0.9 beats all 3; 0.8 ties 0.8 and beats 2 → 2.5;
    // 0.7 beats 0.6 and 0.3 → 2; 0.6 ties 0.6 and beats 0.3 → 1.5. Total 9 / 12 = 0.75.
    expect(rocAuc(labels, scores)).toBeCloseTo(0.75, 12);
  });

  it('is 1 for a perfect ranking, 0 for a reversed one, NaN with one class', () => {
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.2, 0.3, 0.4])).toBe(1);
    expect(rocAuc([1, 1, 0, 0], [0.1, 0.2, 0.3, 0.4])).toBe(0);
    expect(rocAuc([1, 1], [0.1, 0.2])).toBeNaN();
    expect(() => rocAuc([0, 2], [0.1, 0.2])).toThrow(RangeError);
  });

  it('handles infinite scores', () => {
    expect(rocAuc([0, 1, 1], [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, 0])).toBe(1);
  });
});

describe('prAuc (average precision)', () => {
  it('sums recall steps times precision', () => {
    // Thresholds high to low: 0.9 → P 1, R 1/4; 0.8 → P 2/3, R 2/4; 0.7 → P 3/4, R 3/4;
    // 0.6 → P 4/6, R 1; 0.3 adds no recall.
    // AP = 1/4·1 + 1/4·2/3 + 1/4·3/4 + 1/4·2/3 = 37/48.
    expect(prAuc(labels, scores)).toBeCloseTo(37 / 48, 12);
  });
});

describe('curves', () => {
  it('ROC points from (0,0) to (1,1), one per distinct threshold', () => {
    const c = rocCurve(labels, scores);
    expect(c.map((p) => [p.fpr, p.tpr, p.threshold])).toEqual([
      [0, 0, null],
      [0, 0.25, 0.9],
      [1 / 3, 0.5, 0.8],
      [1 / 3, 0.75, 0.7],
      [2 / 3, 1, 0.6],
      [1, 1, 0.3],
    ]);
  });

  it('PR points stop at full recall', () => {
    const c = prCurve(labels, scores);
    expect(c.map((p) => [p.recall, p.precision, p.threshold])).toEqual([
      [0, 1, null],
      [0.25, 1, 0.9],
      [0.5, 2 / 3, 0.8],
      [0.75, 0.75, 0.7],
      [1, 4 / 6, 0.6],
    ]);
  });

  it('thins long curves to maxPoints, keeping the endpoints and the order', () => {
    const rng = new Random(7);
    const n = 5000;
    const y = new Uint8Array(n);
    const s = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = rng.next() < 0.3 ? 1 : 0;
      s[i] = rng.next() + y[i] * 0.5;
    }
    const roc = rocCurve(y, s, 200);
    expect(roc.length).toBeLessThanOrEqual(200);
    expect(roc.length).toBeGreaterThan(100);
    expect(roc[0]).toEqual({ fpr: 0, tpr: 0, threshold: null });
    expect(roc[roc.length - 1]).toMatchObject({ fpr: 1, tpr: 1 });
    for (let i = 1; i < roc.length; i++) expect(roc[i].fpr).toBeGreaterThanOrEqual(roc[i - 1].fpr);
    const pr = prCurve(y, s, 50);
    expect(pr.length).toBeLessThanOrEqual(50);
    expect(pr[pr.length - 1].recall).toBe(1);
    expect(() => rocCurve(y, s, 1)).toThrow(/maxPoints/);
  });
});

describe('thresholdForFpr', () => {
  it('picks the highest-recall threshold within the FPR budget', () => {
    // Negatives: 3. Threshold 0.9 → FPR 0; 0.8 → 1/3 (recall 2/4); 0.7 → 1/3 (recall 3/4);
    // 0.6 → 2/3 (recall 1); 0.3 → 1 (recall 1).
    expect(thresholdForFpr(labels, scores, 0)).toBe(0.9);
    expect(thresholdForFpr(labels, scores, 0.34)).toBe(0.7);
    expect(thresholdForFpr(labels, scores, 0.7)).toBe(0.6);
    // Full recall is first reached at 0.6; going lower only adds false positives.
    expect(thresholdForFpr(labels, scores, 1)).toBe(0.6);
    const op = operatingPoint(labels, scores, 0.7);
    expect(op).toMatchObject({ tp: 3, fp: 1, tn: 2, fn: 1 });
    expect(op.fpr).toBeCloseTo(1 / 3, 12);
  });

  it('returns +Infinity when even the top score is a false positive', () => {
    expect(thresholdForFpr([0, 1], [0.9, 0.5], 0)).toBe(Number.POSITIVE_INFINITY);
    expect(() => thresholdForFpr([0, 1], [0.9, 0.5], 1.5)).toThrow(RangeError);
  });
});

describe('multiclassRocAuc', () => {
  it('averages one-vs-rest AUCs', () => {
    // Class 0 and 1 columns rank their positives first (AUC 1); class 2's column is all 0.1
    // (every pair a tie, AUC 0.5). Macro = (1 + 1 + 0.5) / 3.
    const y = [0, 1, 2, 0, 1, 2];
    const probs = [
      0.8, 0.1, 0.1, 0.1, 0.8, 0.1, 0.4, 0.5, 0.1, 0.7, 0.2, 0.1, 0.2, 0.7, 0.1, 0.45, 0.45, 0.1,
    ];
    expect(multiclassRocAuc(y, probs, 6, 3)).toBeCloseTo(2.5 / 3, 12);
  });
});
