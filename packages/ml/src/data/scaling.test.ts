import { describe, expect, it } from 'vitest';
import { createDataset } from './dataset.js';
import { applyScaler, fitScaler, scaleRow } from './scaling.js';

// a = 1, 2, NaN, 3; b constant 5; c categorical codes.
const ds = createDataset({
  features: [
    { name: 'a', kind: 'numeric' },
    { name: 'b', kind: 'numeric' },
    { name: 'c', kind: 'categorical', categories: ['x', 'y', 'z'] },
  ],
  columns: [Float32Array.of(1, 2, Number.NaN, 3), Float32Array.of(5, 5, 5, 5), Float32Array.of(0, 1, 2, 1)],
});

describe('min-max scaling', () => {
  it('maps [min, max] to [0, 1], ignores NaN, zeroes constant columns, skips categorical', () => {
    const s = fitScaler(ds, 'minmax');
    expect(s).toEqual({ method: 'minmax', offsets: [1, 5, 0], scales: [0.5, 0, 1] });
    const out = applyScaler(ds, s);
    expect(Array.from(out.columns[0])).toEqual([0, 0.5, Number.NaN, 1]);
    expect(Array.from(out.columns[1])).toEqual([0, 0, 0, 0]);
    expect(Array.from(out.columns[2])).toEqual([0, 1, 2, 1]);
    // The input is not modified.
    expect(ds.columns[0][2]).toBeNaN();
    expect(ds.columns[0][0]).toBe(1);
  });
});

describe('standard scaling', () => {
  it('subtracts the mean and divides by the population standard deviation', () => {
    // a's finite values 1, 2, 3: mean 2, variance (1 + 0 + 1) / 3 = 2/3.
    const s = fitScaler(ds, 'standard');
    expect(s.offsets[0]).toBeCloseTo(2, 12);
    expect(s.scales[0]).toBeCloseTo(1 / Math.sqrt(2 / 3), 12);
    expect(s.scales[1]).toBe(0);
    const row = scaleRow(Float64Array.of(3, 7, 2), s);
    expect(row[0]).toBeCloseTo(Math.sqrt(1.5), 6);
    expect(row[1]).toBe(0);
    expect(row[2]).toBe(2);
    expect(Number.isNaN(scaleRow(Float64Array.of(Number.NaN, 5, 0), s)[0])).toBe(true);
  });

  it('is plain JSON and checks the width', () => {
    const s = fitScaler(ds, 'standard');
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
    expect(() => scaleRow(new Float32Array(2), s)).toThrow(RangeError);
    expect(() => fitScaler(ds, 'robust' as 'minmax')).toThrow(/method/);
  });
});
