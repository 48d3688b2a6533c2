import { describe, expect, it } from 'vitest';
import { createDataset, type Dataset } from '../data/dataset.js';
import { evaluateEnsemble, isolationPathNormaliser } from '../model/tree-ensemble.js';
import { Random } from '../util/random.js';
import { anomalyThreshold, trainIsolationForest } from './isolation-forest.js';

/** n points from a standard 2-D Gaussian (Box–Muller). */
function gaussianCluster(n: number, seed: number): Dataset {
  const rng = new Random(seed);
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const r = Math.sqrt(-2 * Math.log(1 - rng.next()));
    const t = 2 * Math.PI * rng.next();
    x[i] = r * Math.cos(t);
    y[i] = r * Math.sin(t);
  }
  return createDataset({
    features: [
      { name: 'x', kind: 'numeric' },
      { name: 'y', kind: 'numeric' },
    ],
    columns: [x, y],
  });
}

describe('trainIsolationForest', () => {
  const train = gaussianCluster(1000, 1);

  it('scores far points higher than the cluster', () => {
    const ens = trainIsolationForest(train, { seed: 2 });
    const inliers = gaussianCluster(300, 3);
    const inlierScores = Array.from(
      { length: inliers.nRows },
      (_, i) => evaluateEnsemble(ens, [inliers.columns[0][i], inliers.columns[1][i]])[0],
    ).sort((a, b) => a - b);
    const p99 = inlierScores[Math.floor(0.99 * inlierScores.length)];
    const median = inlierScores[inlierScores.length >> 1];
    expect(median).toBeLessThan(0.5);
    for (const outlier of [
      [8, 8],
      [-7, 6],
      [10, -9],
      [-9, -9],
    ]) {
      const s = evaluateEnsemble(ens, outlier)[0];
      expect(s).toBeGreaterThan(p99);
      expect(s).toBeGreaterThan(0.6);
    }
    // A point far out along one axis but central on the other ((0, 12)) scores lower, a known
    // trait of axis-parallel isolation; it is still above almost every inlier.
    expect(evaluateEnsemble(ens, [0, 12])[0]).toBeGreaterThan(
      inlierScores[Math.floor(0.9 * inlierScores.length)],
    );
    // The centre is the least anomalous place.
    expect(evaluateEnsemble(ens, [0, 0])[0]).toBeLessThan(median);
  });

  it('builds ψ-sample trees of depth ≤ ⌈log₂ ψ⌉ with depth + c(size) leaves', () => {
    const small = gaussianCluster(50, 4);
    const ens = trainIsolationForest(small, { nEstimators: 10, seed: 1 });
    expect(ens).toMatchObject({ algorithm: 'isolation-forest', nOutputs: 1, transform: 'isolation' });
    expect(ens.isolationSampleSize).toBe(50);
    for (const tree of ens.trees) {
      expect(tree.cover[0]).toBe(50);
      const depth = new Int32Array(tree.feature.length);
      for (let node = 0; node < tree.feature.length; node++) {
        if (tree.feature[node] >= 0) {
          depth[tree.left[node]] = depth[node] + 1;
          depth[tree.right[node]] = depth[node] + 1;
          expect(tree.cover[tree.left[node]] + tree.cover[tree.right[node]]).toBe(tree.cover[node]);
        } else {
          expect(depth[node]).toBeLessThanOrEqual(6); // ⌈log₂ 50⌉
          expect(tree.values[node]).toBeCloseTo(depth[node] + isolationPathNormaliser(tree.cover[node]), 12);
        }
      }
    }
  });

  it('is reproducible, handles missing values, and validates parameters', () => {
    const a = trainIsolationForest(train, { nEstimators: 5, seed: 9 });
    expect(trainIsolationForest(train, { nEstimators: 5, seed: 9 })).toEqual(a);
    const s = evaluateEnsemble(a, [Number.NaN, 0])[0];
    expect(s).toBeGreaterThan(0);
    expect(s).toBeLessThanOrEqual(1);
    expect(() => trainIsolationForest(train, { nEstimators: 0 })).toThrow(/nEstimators/);
    expect(() => trainIsolationForest(train, { sampleSize: 1 })).toThrow(/sampleSize/);
    expect(() => trainIsolationForest(train, { maxDepth: -2 })).toThrow(/maxDepth/);
  });
});

describe('anomalyThreshold', () => {
  it('is the (1 − contamination) quantile with linear interpolation', () => {
    // Scores 0.1 … 1.0; position 0.9 · 9 = 8.1 → 0.9 + 0.1 · (1.0 − 0.9) = 0.91.
    const scores = Array.from({ length: 10 }, (_, i) => (i + 1) / 10);
    const t = anomalyThreshold(scores, 0.1);
    expect(t).toBeCloseTo(0.91, 12);
    expect(scores.filter((s) => s > t)).toEqual([1]);
    expect(() => anomalyThreshold(scores, 0)).toThrow(/contamination/);
    expect(() => anomalyThreshold(scores, 0.7)).toThrow(RangeError);
  });
});
