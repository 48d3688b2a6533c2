import { describe, expect, it } from 'vitest';
import { evaluateClassifier } from './report.js';

describe('evaluateClassifier', () => {
  const labels = Int32Array.of(1, 1, 0, 1, 0, 1, 0);
  const p1 = Float64Array.of(0.9, 0.8, 0.8, 0.7, 0.6, 0.6, 0.3);

  it('binary report with one probability column', () => {
    // Threshold 0.65 flags 0.9, 0.8, 0.8, 0.7: TP 3, FP 1, FN 1 (the 0.6 positive), TN 2.
    const r = evaluateClassifier({
      labels,
      probabilities: p1,
      classNames: ['benign', 'attack'],
      threshold: 0.65,
    });
    expect(r.confusion).toEqual([
      [2, 1],
      [1, 3],
    ]);
    expect(r.binary?.precision).toBeCloseTo(0.75, 12);
    expect(r.binary?.recall).toBeCloseTo(0.75, 12);
    expect(r.fpr).toBeCloseTo(1 / 3, 12);
    expect(r.accuracy).toBeCloseTo(5 / 7, 12);
    expect(r.rocAuc).toBeCloseTo(0.75, 12); // see ranking.test.ts
    expect(r.prAuc).toBeCloseTo(37 / 48, 12);
    expect(r.perClass.map((c) => [c.name, c.support])).toEqual([
      ['benign', 3],
      ['attack', 4],
    ]);
    expect(r.rocCurve?.length).toBe(6);
    // Plain JSON: a round trip loses nothing (no NaN, no Infinity, no typed arrays).
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('gives the same report from two probability columns', () => {
    const two = new Float64Array(14);
    p1.forEach((p, i) => {
      two[2 * i] = 1 - p;
      two[2 * i + 1] = p;
    });
    const a = evaluateClassifier({ labels, probabilities: p1, classNames: ['b', 'a'] });
    const b = evaluateClassifier({ labels, probabilities: two, classNames: ['b', 'a'] });
    expect(b.confusion).toEqual(a.confusion);
    expect(b.rocAuc).toBe(a.rocAuc);
    expect(b.logLoss).toBeCloseTo(a.logLoss, 12);
    expect(a.threshold).toBe(0.5);
  });

  it('multi-class report uses argmax and OvR macro AUC', () => {
    const y = Int32Array.of(0, 1, 2, 0, 1, 2);
    const probs = Float64Array.of(
      ...[0.8, 0.1, 0.1],
      ...[0.1, 0.8, 0.1],
      ...[0.4, 0.5, 0.1],
      ...[0.7, 0.2, 0.1],
      ...[0.2, 0.7, 0.1],
      ...[0.45, 0.45, 0.1],
    );
    const r = evaluateClassifier({ labels: y, probabilities: probs, classNames: ['a', 'b', 'c'] });
    // Argmax: rows → 0, 1, 1, 0, 1, 0 (the tie in the last row goes to the first class).
    expect(r.confusion).toEqual([
      [2, 0, 0],
      [0, 2, 0],
      [1, 1, 0],
    ]);
    expect(r.rocAuc).toBeCloseTo(2.5 / 3, 12);
    expect(r.binary).toBeNull();
    expect(r.prAuc).toBeNull();
    expect(r.rocCurve).toBeNull();
    expect(r.threshold).toBeNull();
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('reports an undefined AUC as null and rejects mismatched shapes', () => {
    const r = evaluateClassifier({
      labels: Int32Array.of(0, 0),
      probabilities: Float64Array.of(0.1, 0.2),
      classNames: ['b', 'a'],
    });
    expect(r.rocAuc).toBeNull();
    expect(() =>
      evaluateClassifier({
        labels: Int32Array.of(0, 1),
        probabilities: Float64Array.of(0.1),
        classNames: ['b', 'a'],
      }),
    ).toThrow(RangeError);
  });
});
