import { describe, expect, it } from 'vitest';
import { randomSplit, stratifiedKFold, stratifiedSplit } from './split.js';

/** 100 rows of class 0, 30 of class 1, 3 of class 2, interleaved. */
function makeLabels(): Int32Array {
  const ys: number[] = [];
  for (let i = 0; i < 100; i++) ys.push(0);
  for (let i = 0; i < 30; i++) ys.push(1);
  ys.push(2, 2, 2);
  // Interleave deterministically so classes are not in contiguous blocks.
  const out = new Int32Array(ys.length);
  for (let i = 0; i < ys.length; i++) out[(i * 37) % ys.length] = ys[i];
  return out;
}

function countClass(labels: Int32Array, rows: Uint32Array, c: number): number {
  let n = 0;
  for (const r of rows) if (labels[r] === c) n++;
  return n;
}

describe('stratifiedSplit', () => {
  const labels = makeLabels();
  const fractions = { train: 0.7, validation: 0.15, test: 0.15 };

  it('covers every row exactly once, each part ascending', () => {
    const s = stratifiedSplit(labels, fractions, 1);
    const all = [...s.train, ...s.validation, ...s.test].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: labels.length }, (_, i) => i));
    for (const part of [s.train, s.validation, s.test]) {
      for (let i = 1; i < part.length; i++) expect(part[i]).toBeGreaterThan(part[i - 1]);
    }
  });

  it('keeps class proportions within one row and every class in every part', () => {
    const s = stratifiedSplit(labels, fractions, 1);
    const sizes: Record<string, number> = { 0: 100, 1: 30 };
    for (const c of [0, 1]) {
      expect(Math.abs(countClass(labels, s.train, c) - 0.7 * sizes[c])).toBeLessThan(1);
      expect(Math.abs(countClass(labels, s.validation, c) - 0.15 * sizes[c])).toBeLessThan(1);
      expect(Math.abs(countClass(labels, s.test, c) - 0.15 * sizes[c])).toBeLessThan(1);
    }
    // Class 2 has 3 rows: 0.15 · 3 rounds to 0, but each part still gets one.
    expect([s.train, s.validation, s.test].map((p) => countClass(labels, p, 2))).toEqual([1, 1, 1]);
  });

  it('is reproducible for a seed and differs between seeds', () => {
    const a = stratifiedSplit(labels, fractions, 5);
    expect(stratifiedSplit(labels, fractions, 5)).toEqual(a);
    expect(stratifiedSplit(labels, fractions, 6).test).not.toEqual(a.test);
  });

  it('leaves a zero-fraction part empty', () => {
    const s = stratifiedSplit(labels, { train: 0.8, validation: 0, test: 0.2 }, 1);
    expect(s.validation.length).toBe(0);
    expect(s.train.length + s.test.length).toBe(labels.length);
  });

  it('validates fractions', () => {
    expect(() => stratifiedSplit(labels, { train: 0.8, validation: 0.2, test: 0.1 }, 1)).toThrow(/sum to 1/);
    expect(() => stratifiedSplit(labels, { train: 1.1, validation: -0.1, test: 0 }, 1)).toThrow(/validation/);
  });
});

describe('randomSplit', () => {
  it('splits unlabelled rows by the fractions', () => {
    const s = randomSplit(10, { train: 0.8, validation: 0.1, test: 0.1 }, 3);
    expect([s.train.length, s.validation.length, s.test.length]).toEqual([8, 1, 1]);
    expect(new Set([...s.train, ...s.validation, ...s.test]).size).toBe(10);
  });
});

describe('stratifiedKFold', () => {
  // 10 rows of class 0 and 7 of class 1.
  const labels = Int32Array.from({ length: 17 }, (_, i) => (i % 5 < 3 ? 0 : 1)).sort();

  it('puts every row in exactly one test fold, train = the rest', () => {
    const folds = stratifiedKFold(labels, 5, 9);
    expect(folds).toHaveLength(5);
    const seen = new Int32Array(labels.length);
    for (const f of folds) {
      for (const r of f.test) seen[r]++;
      expect(f.train.length + f.test.length).toBe(labels.length);
      const test = new Set(f.test);
      for (const r of f.train) expect(test.has(r)).toBe(false);
    }
    expect(Array.from(seen)).toEqual(new Array(labels.length).fill(1));
  });

  it('balances fold sizes and class counts to within one row', () => {
    const folds = stratifiedKFold(labels, 5, 9);
    const spread = (xs: number[]): number => Math.max(...xs) - Math.min(...xs);
    expect(spread(folds.map((f) => f.test.length))).toBeLessThanOrEqual(1);
    for (const c of [0, 1])
      expect(spread(folds.map((f) => countClass(labels, f.test, c)))).toBeLessThanOrEqual(1);
  });

  it('rejects k < 2 and k > rows', () => {
    expect(() => stratifiedKFold(labels, 1, 0)).toThrow(RangeError);
    expect(() => stratifiedKFold(labels, 18, 0)).toThrow(/exceeds/);
  });
});
