import { describe, expect, it } from 'vitest';
import { defaultGbdtParams, resolveGbdtParams } from './gbdt-params.js';

describe('resolveGbdtParams', () => {
  it('fills in XGBoost defaults and picks the objective from the class count', () => {
    const binary = resolveGbdtParams({}, 2);
    expect(binary).toMatchObject({
      objective: 'binary:logistic',
      nEstimators: 200,
      learningRate: 0.1,
      maxDepth: 6,
      minChildWeight: 1,
      lambda: 1,
      alpha: 0,
      gamma: 0,
      subsample: 1,
      colsampleBytree: 1,
      maxBins: 256,
      seed: 0,
    });
    expect(resolveGbdtParams({}, 5).objective).toBe('multi:softprob');
    expect(resolveGbdtParams({ maxDepth: 3, classWeights: undefined }, 2).maxDepth).toBe(3);
    expect(defaultGbdtParams.nEstimators).toBe(200);
  });

  it.each([
    ['nEstimators', { nEstimators: 0 }],
    ['nEstimators', { nEstimators: 1.5 }],
    ['learningRate', { learningRate: 0 }],
    ['learningRate', { learningRate: 1.5 }],
    ['maxDepth', { maxDepth: 0 }],
    ['minChildWeight', { minChildWeight: -1 }],
    ['lambda', { lambda: Number.NaN }],
    ['alpha', { alpha: -0.1 }],
    ['gamma', { gamma: -1 }],
    ['subsample', { subsample: 0 }],
    ['colsampleBytree', { colsampleBytree: 1.01 }],
    ['colsampleBylevel', { colsampleBylevel: 0 }],
    ['maxBins', { maxBins: 300 }],
    ['seed', { seed: -1 }],
    ['earlyStoppingRounds', { earlyStoppingRounds: 0 }],
    ['classWeights', { classWeights: [1] }],
    ['classWeights\\[1\\]', { classWeights: [1, -2] }],
  ])('rejects a bad %s with a RangeError naming it', (name, p) => {
    expect(() => resolveGbdtParams(p, 2)).toThrow(RangeError);
    expect(() => resolveGbdtParams(p, 2)).toThrow(new RegExp(name));
  });

  it('rejects binary:logistic for more than two classes', () => {
    expect(() => resolveGbdtParams({ objective: 'binary:logistic' }, 3)).toThrow(/binary:logistic/);
  });
});
