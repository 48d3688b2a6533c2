import { classCounts, type Dataset } from '@vigil/ml';
import { describe, expect, it } from 'vitest';
import {
  generateSyntheticFlows,
  SYNTHETIC_FLOW_CATEGORIES,
  SYNTHETIC_FLOW_FEATURES,
} from './synthetic-flows.js';

/** Best accuracy of one threshold on one feature (NaN sorted first), either direction. */
function bestStumpAccuracy(ds: Dataset, f: number): number {
  const col = ds.columns[f];
  const y = ds.labels!;
  const order = Array.from({ length: ds.nRows }, (_, i) => i).sort((a, b) => {
    const va = Number.isNaN(col[a]) ? -Infinity : col[a];
    const vb = Number.isNaN(col[b]) ? -Infinity : col[b];
    return va - vb;
  });
  const positives = y.reduce((s, v) => s + v, 0);
  let best = Math.max(positives, ds.nRows - positives);
  let posBelow = 0;
  for (let k = 0; k < order.length; k++) {
    posBelow += y[order[k]];
    const next = order[k + 1];
    if (next !== undefined && col[next] === col[order[k]]) continue;
    const below = k + 1;
    // Predict attack above the cut, or below it.
    const above = positives - posBelow + (below - posBelow);
    best = Math.max(best, above, ds.nRows - above);
  }
  return best / ds.nRows;
}

describe('generateSyntheticFlows', () => {
  it('is reproducible for a seed and differs across seeds', () => {
    const a = generateSyntheticFlows({ rows: 500, seed: 7 });
    const b = generateSyntheticFlows({ rows: 500, seed: 7 });
    const c = generateSyntheticFlows({ rows: 500, seed: 8 });
    expect(a.columns.map((col) => [...col])).toEqual(b.columns.map((col) => [...col]));
    expect([...a.labels!]).toEqual([...b.labels!]);
    expect([...a.columns[2]]).not.toEqual([...c.columns[2]]);
  });

  it('has the canonical features, the requested size and roughly the attack ratio', () => {
    const ds = generateSyntheticFlows({ rows: 20_000, seed: 1, attackRatio: 0.25 });
    expect(ds.nRows).toBe(20_000);
    expect(ds.features).toEqual(SYNTHETIC_FLOW_FEATURES);
    expect(ds.classNames).toEqual(['benign', 'attack']);
    const attacks = classCounts(ds)[1] / ds.nRows;
    expect(attacks).toBeGreaterThan(0.23);
    expect(attacks).toBeLessThan(0.27);
    // Integral counters stay integral; the protocol code is within its vocabulary.
    const fwd = ds.columns[3];
    expect(fwd.every((v) => Number.isInteger(v) && v >= 1)).toBe(true);
    expect(ds.columns[1].every((v) => v === 0 || v === 1)).toBe(true);
  });

  it('labels attack families for the category target', () => {
    const ds = generateSyntheticFlows({ rows: 10_000, seed: 3, attackRatio: 0.5, target: 'category' });
    expect(ds.classNames).toEqual(SYNTHETIC_FLOW_CATEGORIES);
    const counts = classCounts(ds);
    expect(counts).toHaveLength(4);
    for (const c of counts) expect(c).toBeGreaterThan(500);
  });

  it('is learnable from single features but no single threshold separates it', () => {
    const ds = generateSyntheticFlows({ rows: 8000, seed: 11, attackRatio: 0.4 });
    const accuracies = ds.features.map((_, f) => bestStumpAccuracy(ds, f));
    const best = Math.max(...accuracies);
    expect(best).toBeGreaterThan(0.7);
    expect(best).toBeLessThan(0.95);
  });

  it('rejects bad options', () => {
    expect(() => generateSyntheticFlows({ rows: 0, seed: 1 })).toThrow(/rows/);
    expect(() => generateSyntheticFlows({ rows: 10, seed: 1, attackRatio: 1.5 })).toThrow(/attackRatio/);
  });
});
