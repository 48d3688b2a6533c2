import { describe, expect, it } from 'vitest';
import binaryCases from '../../test-fixtures/xgboost/binary-logistic.cases.json';
import binaryModel from '../../test-fixtures/xgboost/binary-logistic.model.json';
import logitrawCases from '../../test-fixtures/xgboost/binary-logitraw.cases.json';
import logitrawModel from '../../test-fixtures/xgboost/binary-logitraw.model.json';
import dartCases from '../../test-fixtures/xgboost/dart-logistic.cases.json';
import dartModel from '../../test-fixtures/xgboost/dart-logistic.model.json';
import softmaxCases from '../../test-fixtures/xgboost/multi-softmax.cases.json';
import softmaxModel from '../../test-fixtures/xgboost/multi-softmax.model.json';
import softprobCases from '../../test-fixtures/xgboost/multi-softprob.cases.json';
import softprobModel from '../../test-fixtures/xgboost/multi-softprob.model.json';
import regCases from '../../test-fixtures/xgboost/reg-squarederror.cases.json';
import regModel from '../../test-fixtures/xgboost/reg-squarederror.model.json';
import { compileEnsemble } from '../inference/compiled-model.js';
import { evaluateEnsemble } from './tree-ensemble.js';
import { importXgboostModel, XgboostImportError } from './xgboost-import.js';

// biome-ignore lint/suspicious/noExplicitAny: the tests reach into parsed JSON to corrupt it.
type Json = any;

interface Cases {
  xgboostVersion: string;
  objective: string;
  featureNames: string[];
  rows: (number | null)[][];
  predictions: (number | number[])[];
  margins: (number | number[])[];
}

const TOLERANCE = 1e-5;
const flat = (v: number | number[]): number[] => (Array.isArray(v) ? v : [v]);

function rowMajor(cases: Cases): Float32Array {
  return Float32Array.from(cases.rows.flat(), (v) => (v === null ? Number.NaN : v));
}

function expectClose(got: ArrayLike<number>, want: number[], what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let k = 0; k < want.length; k++) {
    if (!(Math.abs(got[k] - want[k]) <= TOLERANCE))
      expect.fail(`${what}[${k}]: ${got[k]} vs XGBoost ${want[k]}`);
  }
}

/** Imported predictions equal XGBoost's (reference walk and compiled model), margins too. */
function expectMatchesXgboost(model: unknown, cases: Cases, argmaxOnly = false): void {
  const { ensemble, featureNames, objective } = importXgboostModel(model);
  expect(objective).toBe(cases.objective);
  expect(featureNames).toEqual(cases.featureNames);
  const nRows = cases.rows.length;
  const rows = rowMajor(cases);
  const compiled = compileEnsemble(ensemble);
  const probabilities = compiled.predictBatch(rows, nRows);
  const margins = compiled.predictMarginBatch(rows, nRows);
  const k = ensemble.nOutputs;
  expect(rows.some((v) => Number.isNaN(v))).toBe(true);
  for (let r = 0; r < nRows; r++) {
    const reference = evaluateEnsemble(
      ensemble,
      rows.subarray(r * ensemble.nFeatures, (r + 1) * ensemble.nFeatures),
    );
    expect(Array.from(probabilities.subarray(r * k, (r + 1) * k))).toEqual(Array.from(reference));
    expectClose(margins.subarray(r * k, (r + 1) * k), flat(cases.margins[r]), `row ${r} margin`);
    if (argmaxOnly) {
      const best = reference.indexOf(Math.max(...reference));
      expect(best, `row ${r} class`).toBe(cases.predictions[r]);
    } else {
      expectClose(reference, flat(cases.predictions[r]), `row ${r} prediction`);
    }
  }
}

describe(`importXgboostModel against XGBoost ${binaryCases.xgboostVersion} predictions`, () => {
  it('binary:logistic (20 trees, depth 4, base_score in probability space)', () => {
    expectMatchesXgboost(binaryModel, binaryCases);
    expect(importXgboostModel(binaryModel).nClasses).toBe(2);
  });

  it('multi:softprob (3 classes, per-class base_score vector)', () => {
    expectMatchesXgboost(softprobModel, softprobCases);
    const imported = importXgboostModel(softprobModel);
    expect(imported.nClasses).toBe(3);
    expect(Array.from(imported.ensemble.treeOutput.subarray(0, 6))).toEqual([0, 1, 2, 0, 1, 2]);
  });

  it('multi:softmax (XGBoost predicts the arg-max class)', () => {
    expectMatchesXgboost(softmaxModel, softmaxCases, true);
  });

  it('binary:logitraw and reg:squarederror (identity outputs)', () => {
    expectMatchesXgboost(logitrawModel, logitrawCases);
    expectMatchesXgboost(regModel, regCases);
    expect(importXgboostModel(regModel).nClasses).toBe(0);
  });

  it('dart booster (leaf values scaled by weight_drop)', () => {
    expectMatchesXgboost(dartModel, dartCases);
  });

  it('reads the pre-3.1 layout: scalar base_score, boolean default_left, no iteration_indptr', () => {
    const old = structuredClone(binaryModel) as Json;
    const lmp = old.learner.learner_model_param;
    lmp.base_score = lmp.base_score.replace(/^\[|\]$/g, '');
    delete old.learner.gradient_booster.model.iteration_indptr;
    for (const tree of old.learner.gradient_booster.model.trees) {
      tree.default_left = tree.default_left.map((d: number) => d === 1);
    }
    expectMatchesXgboost(old, binaryCases);
  });
});

describe('importXgboostModel errors name the JSON path', () => {
  const mutated = (mutate: (m: Json) => void): unknown => {
    const m = structuredClone(binaryModel) as Json;
    mutate(m);
    return m;
  };
  const cases: [string, (m: Json) => void, RegExp][] = [
    [
      'unsupported objective',
      (m) => {
        m.learner.objective.name = 'count:poisson';
      },
      /^learner\.objective\.name: expected one of binary:logistic, .*, got "count:poisson"$/,
    ],
    [
      'missing children array',
      (m) => {
        delete m.learner.gradient_booster.model.trees[2].left_children;
      },
      /^learner\.gradient_booster\.model\.trees\[2\]\.left_children: expected an array of \d+ integers, got nothing$/,
    ],
    [
      'truncated split conditions',
      (m) => m.learner.gradient_booster.model.trees[1].split_conditions.pop(),
      /^learner\.gradient_booster\.model\.trees\[1\]\.split_conditions: expected an array of \d+ numbers, got \d+$/,
    ],
    [
      'child out of range',
      (m) => {
        m.learner.gradient_booster.model.trees[0].left_children[0] = 500;
      },
      /^learner\.gradient_booster\.model\.trees\[0\]\.left_children\[0\]: expected a node index in 0\.\.\d+, got 500$/,
    ],
    [
      'feature index beyond num_feature',
      (m) => {
        m.learner.gradient_booster.model.trees[0].split_indices[0] = 6;
      },
      /^learner\.gradient_booster\.model\.trees\[0\]\.split_indices\[0\]: expected a feature index in 0\.\.5, got 6$/,
    ],
    [
      'categorical split',
      (m) => {
        m.learner.gradient_booster.model.trees[0].split_type[0] = 1;
      },
      /^learner\.gradient_booster\.model\.trees\[0\]\.split_type\[0\]: expected 0 \(categorical splits are not supported\), got 1$/,
    ],
    [
      'cycle',
      (m) => {
        m.learner.gradient_booster.model.trees[0].right_children[1] = 0;
      },
      /^learner\.gradient_booster\.model\.trees\[0\]: expected a tree \(each node reached once from node 0\), got node 0 twice$/,
    ],
    [
      'linear booster',
      (m) => {
        m.learner.gradient_booster = { name: 'gblinear', model: { weights: [] } };
      },
      /^learner\.gradient_booster\.name: expected "gbtree" or "dart", got "gblinear"$/,
    ],
    [
      'tree_info beyond classes',
      (m) => {
        m.learner.gradient_booster.model.tree_info[3] = 1;
      },
      /^learner\.gradient_booster\.model\.tree_info\[3\]: expected a class in 0\.\.0, got 1$/,
    ],
    [
      'unreadable base_score',
      (m) => {
        m.learner.learner_model_param.base_score = 'half';
      },
      /^learner\.learner_model_param\.base_score: expected a number or \[n, …\], got "half"$/,
    ],
    [
      'multi-target trees',
      (m) => {
        m.learner.gradient_booster.model.trees[4].tree_param.size_leaf_vector = '3';
      },
      /^learner\.gradient_booster\.model\.trees\[4\]\.tree_param\.size_leaf_vector: expected 0 or 1/,
    ],
  ];
  for (const [name, mutate, message] of cases) {
    it(name, () => {
      expect(() => importXgboostModel(mutated(mutate))).toThrow(XgboostImportError);
      expect(() => importXgboostModel(mutated(mutate))).toThrow(message);
    });
  }

  it('rejects something that is not a model at all', () => {
    expect(() => importXgboostModel([1, 2])).toThrow(/^\(model\): expected an object, got an array of 2$/);
    expect(() => importXgboostModel({ version: [2, 0, 0] })).toThrow(
      /^learner: expected an object, got nothing$/,
    );
  });
});
