import { describe, expect, it } from 'vitest';
import { featureImportance, topFeatures } from './importance.js';
import { type TreeEnsemble, treeFromNodes } from './tree-ensemble.js';

// Tree A: root splits f0 (gain 10, cover 100), its left child splits f2 (gain 4, cover 60).
// Tree B: root splits f0 (gain 6, cover 80), right child splits f1 (gain 2, cover 30).
// Feature 3 is never used.
const treeA = treeFromNodes({
  feature: [0, 2, -1, -1, -1],
  threshold: [0.5, 1, 0, 0, 0],
  left: [1, 3, -1, -1, -1],
  right: [2, 4, -1, -1, -1],
  defaultLeft: [0, 0, 0, 0, 0],
  values: [0, 0, 1, 2, 3],
  gain: [10, 4, 0, 0, 0],
  cover: [100, 60, 40, 30, 30],
});
const treeB = treeFromNodes({
  feature: [0, -1, 1, -1, -1],
  threshold: [0.2, 0, 3, 0, 0],
  left: [1, -1, 3, -1, -1],
  right: [2, -1, 4, -1, -1],
  defaultLeft: [1, 0, 0, 0, 0],
  values: [0, 1, 0, 2, 3],
  gain: [6, 0, 2, 0, 0],
  cover: [80, 50, 30, 10, 20],
});
const ens: TreeEnsemble = {
  algorithm: 'gbdt',
  nFeatures: 4,
  nOutputs: 1,
  trees: [treeA, treeB],
  treeOutput: new Int32Array(2),
  baseScore: new Float64Array(1),
  transform: 'sigmoid',
};

describe('featureImportance', () => {
  it('matches hand-computed XGBoost definitions', () => {
    expect(Array.from(featureImportance(ens, 'weight'))).toEqual([2, 1, 1, 0]);
    expect(Array.from(featureImportance(ens, 'total_gain'))).toEqual([16, 2, 4, 0]);
    expect(Array.from(featureImportance(ens, 'gain'))).toEqual([8, 2, 4, 0]);
    expect(Array.from(featureImportance(ens, 'total_cover'))).toEqual([180, 30, 60, 0]);
    expect(Array.from(featureImportance(ens, 'cover'))).toEqual([90, 30, 60, 0]);
  });

  it('rejects unknown types', () => {
    expect(() => featureImportance(ens, 'split' as never)).toThrow(/unknown type "split"/);
  });
});

describe('topFeatures', () => {
  const names = ['bytes', 'packets', 'duration', 'port'];

  it('sorts descending, drops unused features, keeps feature order on ties, truncates to k', () => {
    expect(topFeatures(featureImportance(ens, 'gain'), names, 10)).toEqual([
      { name: 'bytes', value: 8 },
      { name: 'duration', value: 4 },
      { name: 'packets', value: 2 },
    ]);
    expect(topFeatures([1, 3, 3, 0], names, 2)).toEqual([
      { name: 'packets', value: 3 },
      { name: 'duration', value: 3 },
    ]);
  });

  it('requires one name per feature', () => {
    expect(() => topFeatures([1, 2], names, 1)).toThrow(/4 names for 2 features/);
  });
});
