import { describe, expect, it } from 'vitest';
import {
  argmaxRows,
  averageScores,
  falsePositiveRate,
  logLoss,
  perClassScores,
  precisionRecallF1,
} from './classification.js';
import { accuracy, accuracyFromConfusion, confusionMatrix } from './confusion.js';

// Binary example: 4 positives (3 caught), 6 negatives (2 false alarms).
// TP = 3, FN = 1, FP = 2, TN = 4.
const yTrue = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0];
const yPred = [1, 1, 1, 0, 1, 1, 0, 0, 0, 0];

describe('confusion matrix and accuracy', () => {
  it('puts true classes on rows', () => {
    expect(confusionMatrix(yTrue, yPred, 2)).toEqual([
      [4, 2],
      [1, 3],
    ]);
    expect(accuracy(yTrue, yPred)).toBeCloseTo(0.7, 12); // 7 right of 10
    expect(accuracyFromConfusion(confusionMatrix(yTrue, yPred, 2))).toBeCloseTo(0.7, 12);
  });

  it('rejects labels outside the class range and length mismatches', () => {
    expect(() => confusionMatrix([0, 2], [0, 1], 2)).toThrow(RangeError);
    expect(() => confusionMatrix([0, 1], [0, -1], 2)).toThrow(/predicted label -1/);
    expect(() => accuracy([0, 1], [0])).toThrow(RangeError);
  });
});

describe('precision, recall, F1', () => {
  const m = confusionMatrix(yTrue, yPred, 2);

  it('binary scores of the positive class', () => {
    // precision = 3/5, recall = 3/4, F1 = 2·0.6·0.75 / 1.35 = 2/3, FPR = 2/6.
    const s = averageScores(m, 'binary');
    expect(s.precision).toBeCloseTo(0.6, 12);
    expect(s.recall).toBeCloseTo(0.75, 12);
    expect(s.f1).toBeCloseTo(2 / 3, 12);
    expect(falsePositiveRate(m)).toBeCloseTo(1 / 3, 12);
  });

  it('macro and weighted averages on the binary example', () => {
    // Class 0: precision 4/5, recall 4/6, F1 = 2·0.8·(2/3) / (0.8 + 2/3) = 8/11.
    // Macro F1 = (8/11 + 2/3) / 2 = 23/33; weighted F1 = (6·8/11 + 4·2/3) / 10 = 116/165.
    expect(averageScores(m, 'macro').f1).toBeCloseTo(23 / 33, 12);
    expect(averageScores(m, 'weighted').f1).toBeCloseTo(116 / 165, 12);
    expect(precisionRecallF1(yTrue, yPred, 2, 'macro').precision).toBeCloseTo((0.8 + 0.6) / 2, 12);
  });

  it('weighted differs from macro on an imbalanced 3-class example, zero division gives 0', () => {
    // Class 0: 6 rows, all right. Class 1: 2 rows, one predicted 0. Class 2: 2 rows, both predicted 0.
    // Confusion [[6,0,0],[1,1,0],[2,0,0]].
    // F1: class 0 = 2·(6/9)·1 / (6/9 + 1) = 0.8; class 1: P = 1, R = 1/2, F1 = 2/3; class 2: P = R = F1 = 0.
    const t = [0, 0, 0, 0, 0, 0, 1, 1, 2, 2];
    const p = [0, 0, 0, 0, 0, 0, 1, 0, 0, 0];
    const cm = confusionMatrix(t, p, 3);
    expect(cm).toEqual([
      [6, 0, 0],
      [1, 1, 0],
      [2, 0, 0],
    ]);
    const s = perClassScores(cm);
    expect(s.f1[0]).toBeCloseTo(0.8, 12);
    expect(s.f1[1]).toBeCloseTo(2 / 3, 12);
    expect(s.precision[2]).toBe(0);
    expect(s.support).toEqual([6, 2, 2]);
    // Macro F1 = (0.8 + 2/3 + 0) / 3 = 22/45; weighted = (6·0.8 + 2·2/3 + 0) / 10 = 46/75.
    expect(averageScores(cm, 'macro').f1).toBeCloseTo(22 / 45, 12);
    expect(averageScores(cm, 'weighted').f1).toBeCloseTo(46 / 75, 12);
    // Weighted recall is accuracy.
    expect(averageScores(cm, 'weighted').recall).toBeCloseTo(0.7, 12);
    // A 4th class absent from both true and predicted labels does not dilute the macro average.
    expect(precisionRecallF1(t, p, 4, 'macro').f1).toBeCloseTo(22 / 45, 12);
  });
});

describe('argmaxRows and logLoss', () => {
  it('takes the first maximum on ties', () => {
    expect(Array.from(argmaxRows([0.2, 0.5, 0.3, 0.4, 0.4, 0.2], 2, 3))).toEqual([1, 0]);
    expect(() => argmaxRows([0.5, 0.5, 0.1], 2, 2)).toThrow(RangeError);
  });

  it('binary single-column and multi-class log loss', () => {
    // Row 1 (label 1, P = 0.8) costs −ln 0.8; row 2 (label 0, P(1) = 0.4) costs −ln 0.6.
    expect(logLoss([1, 0], [0.8, 0.4], 2, 1)).toBeCloseTo(-(Math.log(0.8) + Math.log(0.6)) / 2, 12);
    expect(logLoss([1, 0], [0.2, 0.8, 0.6, 0.4], 2, 2)).toBeCloseTo(-(Math.log(0.8) + Math.log(0.6)) / 2, 12);
    // A zero probability on the true class is clipped to 1e-15: −ln 1e-15 ≈ 34.54.
    expect(logLoss([2], [0.5, 0.5, 0], 1, 3)).toBeCloseTo(-Math.log(1e-15), 9);
    expect(() => logLoss([3], [0.5, 0.5, 0], 1, 3)).toThrow(RangeError);
  });
});
