import { describe, expect, it } from 'vitest';
import { randomEnsemble, randomRows } from '../../test-fixtures/random-ensemble.js';
import { type TreeEnsemble, treeFromNodes } from '../model/tree-ensemble.js';
import { compileEnsemble } from './compiled-model.js';
import { createContributionExplainer } from './contributions.js';

/** Additive output of each row: the margin, or for random forests the mean class distribution. */
function additive(ens: TreeEnsemble, rows: Float32Array, nRows: number): Float64Array {
  const model = compileEnsemble(ens);
  const margins = model.predictMarginBatch(rows, nRows);
  if (ens.transform === 'mean-probability')
    for (let i = 0; i < margins.length; i++) margins[i] /= ens.trees.length;
  return margins;
}

function expectSumsToAdditive(ens: TreeEnsemble, nRows = 150): void {
  const explainer = createContributionExplainer(ens);
  const rows = randomRows(nRows, ens.nFeatures, 9);
  const expected = additive(ens, rows, nRows);
  const out = new Float64Array(ens.nFeatures);
  for (let r = 0; r < nRows; r++) {
    const row = rows.subarray(r * ens.nFeatures, (r + 1) * ens.nFeatures);
    for (let k = 0; k < ens.nOutputs; k++) {
      explainer.contributions(row, out, k);
      const sum = out.reduce((a, b) => a + b, 0);
      expect(sum + explainer.bias[k], `row ${r} output ${k}`).toBeCloseTo(expected[r * ens.nOutputs + k], 9);
    }
  }
}

describe('createContributionExplainer', () => {
  it('binary GBDT: contributions sum to margin − bias', () => {
    expectSumsToAdditive(randomEnsemble({ kind: 'binary', nTrees: 40, nFeatures: 8, maxDepth: 6 }));
  });

  it('binary GBDT with ±Infinity and NaN thresholds, both default directions', () => {
    expectSumsToAdditive(
      randomEnsemble({
        kind: 'binary',
        nTrees: 50,
        nFeatures: 6,
        maxDepth: 5,
        extremeThresholds: true,
        nanThresholds: true,
        seed: 21,
      }),
      400,
    );
  });

  it('multi-class GBDT: per output, only that class’s trees count', () => {
    expectSumsToAdditive(
      randomEnsemble({ kind: 'multiclass', nTrees: 30, nFeatures: 6, maxDepth: 4, seed: 3 }),
    );
  });

  it('random forest: contributions sum to mean probability − bias, deep trees', () => {
    expectSumsToAdditive(
      randomEnsemble({ kind: 'forest', nTrees: 12, nFeatures: 6, maxDepth: 12, nClasses: 3, seed: 4 }),
    );
  });

  it('isolation forest: contributions sum to summed path length − bias', () => {
    expectSumsToAdditive(
      randomEnsemble({ kind: 'isolation', nTrees: 10, nFeatures: 5, maxDepth: 8, seed: 6 }),
    );
  });

  it('credits the split feature with the cover-weighted change of expected value', () => {
    // x0 < 1 → leaf 1 (value -1, cover 3) else leaf 2 (value 2, cover 1): expected value at the root
    // is (3·-1 + 1·2) / 4 = -0.25.
    const tree = treeFromNodes({
      feature: [0, -1, -1],
      threshold: [1, 0, 0],
      left: [1, -1, -1],
      right: [2, -1, -1],
      defaultLeft: [1, 0, 0],
      values: [0, -1, 2],
      cover: [4, 3, 1],
    });
    const ens: TreeEnsemble = {
      algorithm: 'gbdt',
      nFeatures: 2,
      nOutputs: 1,
      trees: [tree],
      treeOutput: new Int32Array(1),
      baseScore: Float64Array.of(0.5),
      transform: 'sigmoid',
    };
    const explainer = createContributionExplainer(ens);
    expect(explainer.bias[0]).toBeCloseTo(0.25, 12);
    const out = new Float64Array(2);
    expect(Array.from(explainer.contributions([5, 0], out))).toEqual([2.25, 0]);
    expect(Array.from(explainer.contributions([0, 0], out))).toEqual([-0.75, 0]);
    // Missing goes the default direction (left here).
    expect(Array.from(explainer.contributions([Number.NaN, 0], out))).toEqual([-0.75, 0]);
  });

  it('topContributions ranks by magnitude, keeps the sign and drops zeros', () => {
    const ens = randomEnsemble({ kind: 'binary', nTrees: 60, nFeatures: 10, maxDepth: 5, seed: 11 });
    const explainer = createContributionExplainer(ens);
    const rows = randomRows(20, 10, 3);
    const out = new Float64Array(10);
    for (let r = 0; r < 20; r++) {
      const row = rows.subarray(r * 10, (r + 1) * 10);
      const all = Array.from(explainer.contributions(row, out));
      const top = explainer.topContributions(row, 4);
      const expected = all
        .map((contribution, feature) => ({ feature, contribution }))
        .filter((c) => c.contribution !== 0)
        .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution) || a.feature - b.feature)
        .slice(0, 4);
      expect(top).toEqual(expected);
    }
    expect(explainer.topContributions(rows.subarray(0, 10), 0)).toEqual([]);
  });

  it('rejects short rows and unknown outputs', () => {
    const explainer = createContributionExplainer(
      randomEnsemble({ kind: 'multiclass', nTrees: 6, nFeatures: 4, maxDepth: 3 }),
    );
    expect(() => explainer.contributions([1, 2], new Float64Array(4))).toThrow(/row has 2 values/);
    expect(() => explainer.contributions([1, 2, 3, 4], new Float64Array(4), 3)).toThrow(/output 3/);
  });
});
