import { describe, expect, it } from 'vitest';
import { randomEnsemble, randomRows } from '../../test-fixtures/random-ensemble.js';
import { evaluateEnsemble, type TreeEnsemble, treeFromNodes } from '../model/tree-ensemble.js';
import { completeKernel } from './compiled-kernels.js';
import { packEnsemble } from './compiled-layout.js';
import { compileEnsemble } from './compiled-model.js';
import { specializeFactory } from './specialize.js';

/** Checks predictRow, predictBatch and predictMarginBatch against the reference walk, bit for bit. */
function expectSameAsReference(ens: TreeEnsemble, nRows = 203, seed = 5): void {
  const model = compileEnsemble(ens);
  const nf = ens.nFeatures;
  const k = ens.nOutputs;
  const rows = randomRows(nRows, nf, seed);
  const batch = model.predictBatch(rows, nRows);
  const margins = model.predictMarginBatch(rows, nRows);
  const identity: TreeEnsemble = { ...ens, transform: 'identity' };
  const out = new Float64Array(k);
  for (let r = 0; r < nRows; r++) {
    const row = rows.subarray(r * nf, (r + 1) * nf);
    const expected = Array.from(evaluateEnsemble(ens, row));
    expect(Array.from(model.predictRow(row, out)), `row ${r}`).toEqual(expected);
    expect(Array.from(batch.subarray(r * k, (r + 1) * k)), `batch row ${r}`).toEqual(expected);
    expect(Array.from(margins.subarray(r * k, (r + 1) * k))).toEqual(
      Array.from(evaluateEnsemble(identity, row)),
    );
  }
}

describe('compileEnsemble equals evaluateEnsemble', () => {
  it('binary GBDT, depth 6 (complete layout), extreme thresholds and NaN rows', () => {
    const ens = randomEnsemble({
      kind: 'binary',
      nTrees: 37,
      nFeatures: 9,
      maxDepth: 6,
      extremeThresholds: true,
      nanThresholds: true,
    });
    expect(compileEnsemble(ens).layout).toBe('complete');
    expectSameAsReference(ens);
  });

  it('multi-class GBDT with softmax', () => {
    const ens = randomEnsemble({
      kind: 'multiclass',
      nTrees: 30,
      nFeatures: 7,
      maxDepth: 4,
      nClasses: 3,
      seed: 3,
    });
    expectSameAsReference(ens);
  });

  it('random forest with class-distribution leaves, deep trees (general layout)', () => {
    const ens = randomEnsemble({
      kind: 'forest',
      nTrees: 12,
      nFeatures: 6,
      maxDepth: 12,
      nClasses: 3,
      seed: 4,
    });
    expect(compileEnsemble(ens).layout).toBe('general');
    expectSameAsReference(ens);
  });

  it('isolation forest scores', () => {
    const ens = randomEnsemble({ kind: 'isolation', nTrees: 25, nFeatures: 5, maxDepth: 8, seed: 6 });
    expectSameAsReference(ens);
  });

  it('general layout on a shallow but ragged ensemble, and identity outputs', () => {
    const ens = randomEnsemble({
      kind: 'binary',
      nTrees: 9,
      nFeatures: 4,
      maxDepth: 8,
      leafChance: 0.6,
      seed: 8,
    });
    expectSameAsReference({ ...ens, transform: 'identity' });
  });

  it('compares float64 inputs after rounding to float32, like the reference', () => {
    const t = Math.fround(0.1);
    const tree = treeFromNodes({
      feature: [0, -1, -1],
      threshold: [t, 0, 0],
      left: [1, -1, -1],
      right: [2, -1, -1],
      defaultLeft: [0, 0, 0],
      values: [0, -1, 1],
    });
    const ens = oneTree(tree, 'identity');
    const model = compileEnsemble(ens);
    // 0.1 < fround(0.1) as doubles, but equal once rounded: the row goes right.
    expect(model.predictRow([0.1], new Float64Array(1))[0]).toBe(0.3 + 1);
    expect(evaluateEnsemble(ens, [0.1])[0]).toBe(0.3 + 1);
    expect(model.predictRow([0.09999999], new Float64Array(1))[0]).toBe(0.3 - 1);
  });
});

function oneTree(tree: ReturnType<typeof treeFromNodes>, transform: TreeEnsemble['transform']): TreeEnsemble {
  return {
    algorithm: 'gbdt',
    nFeatures: 1,
    nOutputs: 1,
    trees: [tree],
    treeOutput: new Int32Array(1),
    baseScore: Float64Array.of(0.3),
    transform,
  };
}

describe('hand-computed outputs', () => {
  // x < 0.5 → -1, else +2; missing goes right; base score 0.3.
  const split = treeFromNodes({
    feature: [0, -1, -1],
    threshold: [0.5, 0, 0],
    left: [1, -1, -1],
    right: [2, -1, -1],
    defaultLeft: [0, 0, 0],
    values: [0, -1, 2],
  });

  it('sigmoid of a single split', () => {
    const model = compileEnsemble(oneTree(split, 'sigmoid'));
    const out = new Float64Array(1);
    expect(model.predictRow([0.2], out)[0]).toBeCloseTo(0.3318122278318339, 15); // σ(-0.7)
    expect(model.predictRow([0.5], out)[0]).toBeCloseTo(0.9088770389851438, 15); // tie goes right: σ(2.3)
    expect(model.predictRow([Number.NaN], out)[0]).toBeCloseTo(0.9088770389851438, 15);
    const batch = model.predictMarginBatch(Float32Array.of(0.2, 0.5, Number.NaN, -7), 4);
    expect(Array.from(batch)).toEqual([0.3 - 1, 0.3 + 2, 0.3 + 2, 0.3 - 1]);
  });

  it('softmax over three classes', () => {
    const leaf = (v: number) =>
      treeFromNodes({
        feature: [-1],
        threshold: [0],
        left: [-1],
        right: [-1],
        defaultLeft: [0],
        values: [v],
      });
    const first = treeFromNodes({
      feature: [0, -1, -1],
      threshold: [1, 0, 0],
      left: [1, -1, -1],
      right: [2, -1, -1],
      defaultLeft: [1, 0, 0],
      values: [0, 0.5, -0.5],
    });
    const model = compileEnsemble({
      algorithm: 'gbdt',
      nFeatures: 1,
      nOutputs: 3,
      trees: [first, leaf(-0.25), leaf(1.5)],
      treeOutput: Int32Array.of(0, 1, 2),
      baseScore: Float64Array.of(0.1, 0.2, 0),
      transform: 'softmax',
    });
    const low = [0.25115223068373255, 0.13111296135255104, 0.6177348079637165]; // margins 0.6, -0.05, 1.5
    const high = [0.10983022235594969, 0.15585650440010987, 0.7343132732439404]; // margins -0.4, -0.05, 1.5
    const check = (got: Float64Array, want: number[]) => {
      want.forEach((p, k) => {
        expect(got[k]).toBeCloseTo(p, 14);
      });
    };
    check(model.predictRow([0], new Float64Array(3)), low);
    check(model.predictRow([2], new Float64Array(3)), high);
    check(model.predictRow([Number.NaN], new Float64Array(3)), low); // default left
  });
});

describe('compileEnsemble input checks', () => {
  const ens = randomEnsemble({ kind: 'binary', nTrees: 3, nFeatures: 4, maxDepth: 3 });

  it('rejects short rows and undersized buffers', () => {
    const model = compileEnsemble(ens);
    expect(() => model.predictRow([1, 2, 3], new Float64Array(1))).toThrow(/row has 3 values, need 4/);
    expect(() => model.predictRow([1, 2, 3, 4], new Float64Array(0))).toThrow(/output holds 0/);
    expect(() => model.predictBatch(new Float32Array(7), 2)).toThrow(/cannot hold 2 rows/);
    expect(() => model.predictBatch(new Float32Array(8), 2, new Float64Array(1))).toThrow(/need 2/);
  });

  it('rejects cyclic trees and out-of-range features', () => {
    const cyclic = treeFromNodes({
      feature: [0, 0],
      threshold: [0, 0],
      left: [1, 0],
      right: [1, 1],
      defaultLeft: [0, 0],
      values: [0, 0],
    });
    expect(() => compileEnsemble(oneTree(cyclic, 'sigmoid'))).toThrow(/reaches node 1 twice/);
    const wide = treeFromNodes({
      feature: [3, -1, -1],
      threshold: [0, 0, 0],
      left: [1, -1, -1],
      right: [2, -1, -1],
      defaultLeft: [0, 0, 0],
      values: [0, 0, 0],
    });
    expect(() => compileEnsemble(oneTree(wide, 'sigmoid'))).toThrow(/feature 3 of 1/);
  });
});

describe('specializeFactory', () => {
  it('returns an independent copy that computes the same margins', () => {
    const copy = specializeFactory(completeKernel);
    if (!copy) throw new Error('code generation unavailable');
    expect(copy).not.toBe(completeKernel);
    const packed = packEnsemble(randomEnsemble({ kind: 'binary', nTrees: 10, nFeatures: 3, maxDepth: 5 }));
    const rows = randomRows(20, 3);
    const a = new Float64Array(20);
    const b = new Float64Array(20);
    completeKernel(packed).batch(rows, 20, a);
    copy(packed).batch(rows, 20, b);
    expect(Array.from(b)).toEqual(Array.from(a));
  });

  it('falls back to the shared kernel when code generation is unavailable', () => {
    const ens = randomEnsemble({ kind: 'binary', nTrees: 6, nFeatures: 3, maxDepth: 4 });
    const original = globalThis.Function;
    globalThis.Function = function blocked(): never {
      throw new EvalError('Code generation from strings disallowed for this context');
    } as unknown as FunctionConstructor;
    try {
      expect(specializeFactory(completeKernel)).toBeUndefined();
      const model = compileEnsemble(ens);
      const row = randomRows(1, 3);
      expect(Array.from(model.predictRow(row, new Float64Array(1)))).toEqual(
        Array.from(evaluateEnsemble(ens, row)),
      );
    } finally {
      globalThis.Function = original;
    }
  });
});
