import type { OutputTransform, TreeEnsemble } from './tree-ensemble.js';
import { convertTree, describe, intParam, numbers, object, XgboostImportError } from './xgboost-tree.js';

export { XgboostImportError } from './xgboost-tree.js';

/** Result of `importXgboostModel`. */
export interface XgboostImport {
  ensemble: TreeEnsemble;
  /** `learner.feature_names`, when the model was trained with named features. */
  featureNames?: string[];
  objective: string;
  /** 2 for binary objectives, `num_class` for multi-class, 0 for regression. */
  nClasses: number;
}

interface ObjectiveInfo {
  transform: OutputTransform;
  /**
   * base_score is stored in probability space for the logistic objectives (margin = logit), and
   * as a margin for the others, binary:logitraw included (XGBoost ≥ 1.4, dmlc/xgboost#6517).
   */
  logitBase: boolean;
  task: 'binary' | 'multiclass' | 'regression';
}

const OBJECTIVES: Record<string, ObjectiveInfo> = {
  'binary:logistic': { transform: 'sigmoid', logitBase: true, task: 'binary' },
  'reg:logistic': { transform: 'sigmoid', logitBase: true, task: 'binary' },
  'binary:logitraw': { transform: 'identity', logitBase: false, task: 'binary' },
  'reg:squarederror': { transform: 'identity', logitBase: false, task: 'regression' },
  'reg:linear': { transform: 'identity', logitBase: false, task: 'regression' },
  'multi:softprob': { transform: 'softmax', logitBase: false, task: 'multiclass' },
  // XGBoost predicts the arg-max class; the imported model gives the probabilities behind it.
  'multi:softmax': { transform: 'softmax', logitBase: false, task: 'multiclass' },
};

/** base_score: "5E-1" (XGBoost < 3.1) or a vector "[3E-1]" / "[1E-3,2E-3,1E-3]" (≥ 3.1). */
function parseBaseScore(v: unknown, path: string): number[] {
  const text = typeof v === 'number' ? String(v) : v;
  if (typeof text !== 'string') throw new XgboostImportError(path, 'a number as a string', describe(v));
  const body = text.trim().replace(/^\[/, '').replace(/\]$/, '');
  const values = body.split(',').map((s) => (s.trim() === '' ? Number.NaN : Number(s)));
  if (values.some((x) => !Number.isFinite(x)))
    throw new XgboostImportError(path, 'a number or [n, …]', describe(v));
  return values.map(Math.fround);
}

/**
 * Converts a model saved by XGBoost 1.7–3.x with `Booster.save_model("m.json")` (gbtree or dart
 * booster; objectives binary:logistic, reg:logistic, binary:logitraw, reg:squarederror,
 * multi:softprob, multi:softmax). Predictions equal XGBoost's up to float32 rounding. Throws
 * `XgboostImportError` naming the JSON path for anything unsupported or malformed.
 */
export function importXgboostModel(json: unknown): XgboostImport {
  const root = object(json, '');
  const learner = object(root.learner, 'learner');
  const objective = object(learner.objective, 'learner.objective').name;
  const info = typeof objective === 'string' ? OBJECTIVES[objective] : undefined;
  if (!info || typeof objective !== 'string') {
    throw new XgboostImportError(
      'learner.objective.name',
      `one of ${Object.keys(OBJECTIVES).join(', ')}`,
      describe(objective),
    );
  }
  const lmp = object(learner.learner_model_param, 'learner.learner_model_param');
  const nFeatures = intParam(lmp.num_feature, 'learner.learner_model_param.num_feature', 1);
  const numClass =
    lmp.num_class === undefined ? 0 : intParam(lmp.num_class, 'learner.learner_model_param.num_class', 0);
  if (
    lmp.num_target !== undefined &&
    intParam(lmp.num_target, 'learner.learner_model_param.num_target', 1) > 1
  ) {
    throw new XgboostImportError(
      'learner.learner_model_param.num_target',
      '1 (multi-target models are not supported)',
      describe(lmp.num_target),
    );
  }
  if (info.task === 'multiclass' && numClass < 2) {
    throw new XgboostImportError(
      'learner.learner_model_param.num_class',
      `≥ 2 for ${objective}`,
      describe(lmp.num_class),
    );
  }
  const nOutputs = info.task === 'multiclass' ? numClass : 1;

  const booster = object(learner.gradient_booster, 'learner.gradient_booster');
  let modelPath = 'learner.gradient_booster.model';
  let model: Record<string, unknown>;
  let weightDrop: number[] | undefined;
  if (booster.name === 'gbtree') {
    model = object(booster.model, modelPath);
  } else if (booster.name === 'dart') {
    modelPath = 'learner.gradient_booster.gbtree.model';
    model = object(object(booster.gbtree, 'learner.gradient_booster.gbtree').model, modelPath);
  } else {
    throw new XgboostImportError(
      'learner.gradient_booster.name',
      '"gbtree" or "dart"',
      describe(booster.name),
    );
  }
  if (!Array.isArray(model.trees))
    throw new XgboostImportError(`${modelPath}.trees`, 'an array of trees', describe(model.trees));
  const nTrees = model.trees.length;
  const treeInfo = numbers(model.tree_info, `${modelPath}.tree_info`, nTrees, true);
  treeInfo.forEach((c, i) => {
    if (c < 0 || c >= nOutputs)
      throw new XgboostImportError(
        `${modelPath}.tree_info[${i}]`,
        `a class in 0..${nOutputs - 1}`,
        String(c),
      );
  });
  if (booster.name === 'dart')
    weightDrop = numbers(booster.weight_drop, 'learner.gradient_booster.weight_drop', nTrees, false);
  const trees = model.trees.map((t, i) =>
    convertTree(t, `${modelPath}.trees[${i}]`, nFeatures, weightDrop ? weightDrop[i] : 1),
  );

  const scores = parseBaseScore(lmp.base_score ?? '0.5', 'learner.learner_model_param.base_score');
  if (scores.length !== 1 && scores.length !== nOutputs) {
    throw new XgboostImportError(
      'learner.learner_model_param.base_score',
      `1 or ${nOutputs} values`,
      String(scores.length),
    );
  }
  const baseScore = Float64Array.from({ length: nOutputs }, (_, k) => {
    const s = scores.length === 1 ? scores[0] : scores[k];
    if (!info.logitBase) return s;
    if (!(s > 0 && s < 1))
      throw new XgboostImportError(
        'learner.learner_model_param.base_score',
        'a probability in (0, 1)',
        String(s),
      );
    return Math.log(s / (1 - s));
  });

  let featureNames: string[] | undefined;
  if (Array.isArray(learner.feature_names) && learner.feature_names.length > 0) {
    if (
      learner.feature_names.length !== nFeatures ||
      !learner.feature_names.every((s) => typeof s === 'string')
    ) {
      throw new XgboostImportError(
        'learner.feature_names',
        `${nFeatures} strings (num_feature)`,
        describe(learner.feature_names),
      );
    }
    featureNames = [...learner.feature_names];
  }
  const ensemble: TreeEnsemble = {
    algorithm: 'gbdt',
    nFeatures,
    nOutputs,
    trees,
    treeOutput: Int32Array.from(treeInfo),
    baseScore,
    transform: info.transform,
  };
  const nClasses = info.task === 'multiclass' ? numClass : info.task === 'binary' ? 2 : 0;
  return featureNames ? { ensemble, featureNames, objective, nClasses } : { ensemble, objective, nClasses };
}
