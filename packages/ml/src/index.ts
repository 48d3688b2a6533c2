// Public API of @vigil/ml. Explicit exports only: what is not listed here is internal.

export type { BinMapper, BinnedMatrix } from './data/binning.js';
export { binDataset, binValue, fitBinMapper, MISSING_BIN } from './data/binning.js';
export type { Dataset, FeatureInfo, FeatureKind } from './data/dataset.js';
export { classCounts, createDataset, selectRows, toRowMajor } from './data/dataset.js';
export type { OutputTransform, Tree, TreeEnsemble } from './model/tree-ensemble.js';
// model
export {
  applyTransform,
  evaluateEnsemble,
  isolationPathNormaliser,
  treeFromNodes,
} from './model/tree-ensemble.js';
// data
export { Random } from './util/random.js';

// split, scaling, metrics (data/split.ts, data/scaling.ts, metrics/)

export type { Scaler, ScalingMethod } from './data/scaling.js';
export { applyScaler, fitScaler, scaleRow } from './data/scaling.js';
export type { Fold, SplitFractions, SplitIndices } from './data/split.js';
export { groupSplit, randomSplit, stratifiedKFold, stratifiedSplit } from './data/split.js';
export type { GbdtBinningState } from './gbdt/binning-kernel.js';
// gbdt (gbdt/)
export type { TrainingExecutor } from './gbdt/executor.js';
export { createSerialExecutor } from './gbdt/executor.js';
export type { GbdtObjective, GbdtParams } from './gbdt/gbdt-params.js';
export { defaultGbdtParams, resolveGbdtParams } from './gbdt/gbdt-params.js';
export type { GbdtResult, GbdtRoundInfo, TrainGbdtOptions } from './gbdt/gbdt-trainer.js';
export { trainGbdt } from './gbdt/gbdt-trainer.js';
export type { GbdtKernelOp, GbdtSharedState } from './gbdt/kernel.js';
export { runGbdtKernel } from './gbdt/kernel.js';
export type { GbdtKernelState } from './gbdt/kernel-state.js';
export type { Averaging, PerClassScores, PrecisionRecallF1 } from './metrics/classification.js';
export {
  argmaxRows,
  averageScores,
  falsePositiveRate,
  LOG_LOSS_EPSILON,
  logLoss,
  perClassScores,
  precisionRecallF1,
} from './metrics/classification.js';
export { accuracy, accuracyFromConfusion, confusionMatrix } from './metrics/confusion.js';
export type { BinaryRanking, PrPoint, RocPoint } from './metrics/ranking.js';
export {
  averagePrecisionFromRanking,
  multiclassRocAuc,
  prAuc,
  prCurve,
  rankScores,
  rocAuc,
  rocAucFromRanking,
  rocCurve,
} from './metrics/ranking.js';
export type { ClassificationReport, ClassMetrics, EvaluateClassifierInput } from './metrics/report.js';
export { classReport, evaluateClassifier } from './metrics/report.js';
export type { OperatingPoint } from './metrics/thresholds.js';
export { operatingPoint, thresholdForFpr } from './metrics/thresholds.js';

// forests (forest/)

export type { GiniTreeData, GiniTreeOptions } from './forest/gini-tree.js';
export { growGiniTree } from './forest/gini-tree.js';
export type { IsolationForestParams } from './forest/isolation-forest.js';
export {
  anomalyThreshold,
  defaultIsolationForestParams,
  trainIsolationForest,
  validateIsolationForestParams,
} from './forest/isolation-forest.js';
export type { RandomForestParams } from './forest/random-forest.js';
export {
  defaultRandomForestParams,
  trainRandomForest,
  validateRandomForestParams,
} from './forest/random-forest.js';

// inference and model documents (inference/, model/)
export type { CompiledModel } from './inference/compiled-model.js';
export { compileEnsemble } from './inference/compiled-model.js';
export type { ContributionExplainer, FeatureContribution } from './inference/contributions.js';
export { createContributionExplainer } from './inference/contributions.js';
export { fingerprintDataset } from './model/dataset-fingerprint.js';
export type { ImportanceType } from './model/importance.js';
export { featureImportance, topFeatures } from './model/importance.js';
export type {
  EnsembleDocument,
  FeatureSpec,
  ModelDocument,
  TargetSpec,
  TrainingInfo,
  TreeDocument,
} from './model/model-document.js';
export {
  createModelDocument,
  ensembleFromDocument,
  ensembleToDocument,
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  ModelDocumentError,
  parseModelDocument,
  serializeModelDocument,
} from './model/model-document.js';
export type { XgboostImport } from './model/xgboost-import.js';
export { importXgboostModel, XgboostImportError } from './model/xgboost-import.js';
