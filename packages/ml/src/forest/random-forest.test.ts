import { describe, expect, it } from 'vitest';
import { createDataset, type Dataset } from '../data/dataset.js';
import { evaluateEnsemble, type TreeEnsemble } from '../model/tree-ensemble.js';
import { Random } from '../util/random.js';
import { trainRandomForest } from './random-forest.js';

function numeric(names: string[]) {
  return names.map((name) => ({ name, kind: 'numeric' as const }));
}

/** Class 1 iff x0 > 0.5; x1 is noise. */
function thresholdData(n: number, seed: number): Dataset {
  const rng = new Random(seed);
  const x0 = new Float32Array(n);
  const x1 = new Float32Array(n);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    x0[i] = rng.next();
    x1[i] = rng.next();
    y[i] = x0[i] > 0.5 ? 1 : 0;
  }
  return createDataset({
    features: numeric(['x0', 'x1']),
    columns: [x0, x1],
    labels: y,
    classNames: ['a', 'b'],
  });
}

function predict(ens: TreeEnsemble, ds: Dataset): Int32Array {
  const out = new Int32Array(ds.nRows);
  const row = new Float64Array(ds.columns.length);
  for (let i = 0; i < ds.nRows; i++) {
    ds.columns.forEach((c, f) => {
      row[f] = c[i];
    });
    const p = evaluateEnsemble(ens, row);
    let best = 0;
    for (let k = 1; k < p.length; k++) if (p[k] > p[best]) best = k;
    out[i] = best;
  }
  return out;
}

function accuracyOf(ens: TreeEnsemble, ds: Dataset): number {
  const pred = predict(ens, ds);
  let hits = 0;
  for (let i = 0; i < ds.nRows; i++) if (pred[i] === ds.labels![i]) hits++;
  return hits / ds.nRows;
}

describe('trainRandomForest', () => {
  it('learns a separable problem and generalises', () => {
    const ens = trainRandomForest(thresholdData(300, 1), { nEstimators: 20, seed: 3 });
    expect(accuracyOf(ens, thresholdData(500, 2))).toBeGreaterThan(0.95);
  });

  it('builds a well-formed mean-probability ensemble', () => {
    const train = thresholdData(200, 1);
    // maxFeatures 1 (all features) so every root sees x0 and must pick it.
    const ens = trainRandomForest(train, { nEstimators: 5, bootstrap: false, maxFeatures: 1, seed: 1 });
    expect(ens).toMatchObject({
      algorithm: 'random-forest',
      nFeatures: 2,
      nOutputs: 2,
      transform: 'mean-probability',
    });
    expect(Array.from(ens.treeOutput)).toEqual([-1, -1, -1, -1, -1]);
    for (const tree of ens.trees) {
      expect(tree.valuesPerLeaf).toBe(2);
      // Without bootstrap the root holds every row with weight 1.
      expect(tree.cover[0]).toBe(200);
      for (let node = 0; node < tree.feature.length; node++) {
        expect(tree.values[2 * node] + tree.values[2 * node + 1]).toBeCloseTo(1, 12);
        expect(tree.gain[node]).toBeGreaterThanOrEqual(0);
      }
      // The root split is on x0; its gain is at most the root's Gini impurity (≤ 0.5).
      expect(tree.feature[0]).toBe(0);
      expect(tree.gain[0]).toBeGreaterThan(0.3);
      expect(tree.gain[0]).toBeLessThanOrEqual(0.5);
    }
    const p = evaluateEnsemble(ens, [0.9, 0.1]);
    expect(p[0] + p[1]).toBeCloseTo(1, 12);
    expect(p[1]).toBeGreaterThan(0.9);
  });

  it('respects minSamplesLeaf and maxDepth', () => {
    const ens = trainRandomForest(thresholdData(200, 6), {
      nEstimators: 3,
      bootstrap: false,
      minSamplesLeaf: 30,
      maxDepth: 3,
      seed: 1,
    });
    for (const tree of ens.trees) {
      const depth = new Int32Array(tree.feature.length);
      for (let node = 0; node < tree.feature.length; node++) {
        if (tree.feature[node] < 0) {
          expect(tree.cover[node]).toBeGreaterThanOrEqual(30);
          expect(depth[node]).toBeLessThanOrEqual(3);
        } else {
          depth[tree.left[node]] = depth[tree.right[node]] = depth[node] + 1;
          expect(tree.cover[tree.left[node]] + tree.cover[tree.right[node]]).toBe(tree.cover[node]);
        }
      }
    }
  });

  it('learns XOR with depth 2 but not with depth 1', () => {
    // Four corners, 25 rows each; label = x0 XOR x1. No single split helps, two do.
    const x0: number[] = [];
    const x1: number[] = [];
    const y: number[] = [];
    for (let r = 0; r < 25; r++) {
      for (const [a, b] of [
        [0, 0],
        [0, 1],
        [1, 0],
        [1, 1],
      ]) {
        x0.push(a);
        x1.push(b);
        y.push(a ^ b);
      }
    }
    const ds = createDataset({
      features: numeric(['x0', 'x1']),
      columns: [Float32Array.from(x0), Float32Array.from(x1)],
      labels: Int32Array.from(y),
    });
    const deep = trainRandomForest(ds, { nEstimators: 10, maxDepth: 2, maxFeatures: 1, seed: 1 });
    expect(accuracyOf(deep, ds)).toBe(1);
    expect(evaluateEnsemble(deep, [1, 0])[1]).toBeGreaterThan(0.9);
    const stump = trainRandomForest(ds, { nEstimators: 10, maxDepth: 1, maxFeatures: 1, seed: 1 });
    expect(accuracyOf(stump, ds)).toBeLessThanOrEqual(0.75);
  });

  it('is reproducible for a seed', () => {
    const train = thresholdData(200, 4);
    const a = trainRandomForest(train, { nEstimators: 5, seed: 11 });
    const b = trainRandomForest(train, { nEstimators: 5, seed: 11 });
    const c = trainRandomForest(train, { nEstimators: 5, seed: 12 });
    expect(b).toEqual(a);
    expect(c.trees.map((t) => Array.from(t.cover))).not.toEqual(a.trees.map((t) => Array.from(t.cover)));
  });

  it('learns where missing values point and sends NaN there', () => {
    // Class 1 rows have x0 missing; class 0 rows have a value.
    const n = 200;
    const rng = new Random(5);
    const x0 = new Float32Array(n);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i % 2;
      x0[i] = y[i] === 1 ? Number.NaN : rng.next();
    }
    const ds = createDataset({ features: numeric(['x0']), columns: [x0], labels: y });
    const ens = trainRandomForest(ds, { nEstimators: 10, seed: 1 });
    expect(evaluateEnsemble(ens, [Number.NaN])[1]).toBeGreaterThan(0.95);
    expect(evaluateEnsemble(ens, [0.3])[0]).toBeGreaterThan(0.95);
    // The isolating split must not rely on +Infinity thresholds (model documents are JSON).
    for (const t of ens.trees) for (const th of t.threshold) expect(Number.isFinite(th)).toBe(true);
  });

  it('separates three classes', () => {
    const rng = new Random(8);
    const n = 300;
    const x0 = new Float32Array(n);
    const x1 = new Float32Array(n);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i % 3;
      x0[i] = y[i] * 2 + rng.next();
      x1[i] = rng.next();
    }
    const ds = createDataset({ features: numeric(['x0', 'x1']), columns: [x0, x1], labels: y });
    const ens = trainRandomForest(ds, { nEstimators: 10, seed: 2 });
    expect(ens.nOutputs).toBe(3);
    expect(Array.from(evaluateEnsemble(ens, [4.5, 0.5])).map((p) => Math.round(p))).toEqual([0, 0, 1]);
  });

  it("'balanced' class weights lift the minority class", () => {
    // A constant feature: every tree is one leaf holding the (weighted) class distribution.
    const y = Int32Array.from({ length: 200 }, (_, i) => (i < 180 ? 0 : 1));
    const ds = createDataset({ features: numeric(['c']), columns: [new Float32Array(200)], labels: y });
    const plain = trainRandomForest(ds, { nEstimators: 50, seed: 1 });
    const balanced = trainRandomForest(ds, { nEstimators: 50, seed: 1, classWeights: 'balanced' });
    expect(evaluateEnsemble(plain, [0])[1]).toBeCloseTo(0.1, 1);
    expect(evaluateEnsemble(balanced, [0])[1]).toBeCloseTo(0.5, 1);
    const manual = trainRandomForest(ds, { nEstimators: 5, seed: 1, classWeights: [0, 1] });
    expect(evaluateEnsemble(manual, [0])[1]).toBe(1);
  });

  it('rejects bad parameters with a RangeError naming them', () => {
    const ds = thresholdData(20, 1);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ nEstimators: 0 }, /nEstimators/],
      [{ maxDepth: -1 }, /maxDepth/],
      [{ minSamplesLeaf: 0.5 }, /minSamplesLeaf/],
      [{ maxFeatures: 1.5 }, /maxFeatures/],
      [{ maxFeatures: 'all' }, /maxFeatures/],
      [{ maxBins: 300 }, /maxBins/],
      [{ classWeights: [1, 2, 3] }, /classWeights/],
      [{ classWeights: [1, -1] }, /classWeights/],
      [{ seed: 1.5 }, /seed/],
    ];
    for (const [params, name] of cases) {
      expect(() => trainRandomForest(ds, params)).toThrow(RangeError);
      expect(() => trainRandomForest(ds, params)).toThrow(name);
    }
    const unlabelled = createDataset({ features: ds.features, columns: ds.columns });
    expect(() => trainRandomForest(unlabelled)).toThrow(/labels/);
  });
});
