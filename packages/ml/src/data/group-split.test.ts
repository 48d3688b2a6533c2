import { describe, expect, it } from 'vitest';
import { Random } from '../util/random.js';
import { groupSplit } from './split.js';

/**
 * 3,000 rows in 400 groups of very uneven size (1 to ~60 rows, a few large ones), each group mostly
 * of one class, about a quarter of rows positive: the shape of URLs grouped by registrable domain.
 */
function makeData(seed = 7): { labels: Int32Array; groups: Int32Array } {
  const rng = new Random(seed);
  const labels: number[] = [];
  const groups: number[] = [];
  for (let g = 0; g < 400; g++) {
    const size = g < 5 ? 60 : 1 + rng.int(12);
    const positive = rng.next() < 0.3;
    // Group ids need not be dense or ordered.
    const id = g * 7 + 3;
    for (let i = 0; i < size; i++) {
      labels.push(positive === rng.next() < 0.9 ? 1 : 0);
      groups.push(id);
    }
  }
  return { labels: Int32Array.from(labels), groups: Int32Array.from(groups) };
}

const fractions = { train: 0.7, validation: 0.15, test: 0.15 };

function partOfRows(n: number, s: ReturnType<typeof groupSplit>): Int8Array {
  const part = new Int8Array(n).fill(-1);
  [s.train, s.validation, s.test].forEach((rows, p) => {
    for (const r of rows) {
      expect(part[r]).toBe(-1);
      part[r] = p;
    }
  });
  return part;
}

describe('groupSplit', () => {
  const { labels, groups } = makeData();

  it('covers every row once and never puts one group on two sides', () => {
    const s = groupSplit(labels, groups, fractions, 1);
    const part = partOfRows(labels.length, s);
    expect(part.includes(-1)).toBe(false);
    const sideOf = new Map<number, number>();
    for (let i = 0; i < labels.length; i++) {
      const seen = sideOf.get(groups[i]);
      if (seen === undefined) sideOf.set(groups[i], part[i]);
      else expect(part[i]).toBe(seen);
    }
    for (const rows of [s.train, s.validation, s.test]) {
      for (let i = 1; i < rows.length; i++) expect(rows[i]).toBeGreaterThan(rows[i - 1]);
    }
  });

  it('keeps sizes and class proportions close to the fractions', () => {
    const s = groupSplit(labels, groups, fractions, 1);
    const n = labels.length;
    let pos = 0;
    for (const y of labels) pos += y;
    const parts = [s.train, s.validation, s.test];
    [0.7, 0.15, 0.15].forEach((f, p) => {
      expect(Math.abs(parts[p].length / n - f)).toBeLessThan(0.02);
      let partPos = 0;
      for (const r of parts[p]) partPos += labels[r];
      expect(Math.abs(partPos / pos - f)).toBeLessThan(0.03);
    });
  });

  it('is reproducible for a seed and differs between seeds', () => {
    const a = groupSplit(labels, groups, fractions, 3);
    const b = groupSplit(labels, groups, fractions, 3);
    const c = groupSplit(labels, groups, fractions, 4);
    expect(Array.from(a.test)).toEqual(Array.from(b.test));
    expect(Array.from(a.test)).not.toEqual(Array.from(c.test));
  });

  it('skips parts of fraction 0 and fills every positive part when there are enough groups', () => {
    const s = groupSplit(labels, groups, { train: 0.8, validation: 0, test: 0.2 }, 1);
    expect(s.validation.length).toBe(0);
    expect(s.test.length).toBeGreaterThan(0);
    // Three groups, one much larger: still one group per part.
    const few = groupSplit(Int32Array.from([0, 0, 0, 0, 0, 0, 1, 0]), [5, 5, 5, 5, 5, 5, 6, 7], fractions, 1);
    expect([few.train.length > 0, few.validation.length > 0, few.test.length > 0]).toEqual([
      true,
      true,
      true,
    ]);
  });

  it('refuses mismatched lengths and bad group ids', () => {
    expect(() => groupSplit(Int32Array.from([0, 1]), [1], fractions, 1)).toThrow(/1 group ids for 2 labels/);
    expect(() => groupSplit(Int32Array.from([0, 1]), [1, -2], fractions, 1)).toThrow(/row 1/);
    expect(() =>
      groupSplit(Int32Array.from([0, 1]), [1, 2], { train: 1, validation: 1, test: 0 }, 1),
    ).toThrow(/sum to 1/);
  });
});
