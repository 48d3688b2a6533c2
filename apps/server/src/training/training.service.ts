import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type ClassificationReport,
  compileEnsemble,
  createModelDocument,
  type Dataset,
  evaluateClassifier,
  featureImportance,
  fingerprintDataset,
  groupSplit,
  type ModelDocument,
  selectRows,
  serializeModelDocument,
  stratifiedSplit,
  type TrainingExecutor,
  type TreeEnsemble,
  topFeatures,
  toRowMajor,
  trainGbdt,
  trainRandomForest,
} from '@vigil/ml';
import type { TrainingConfig } from './training-config.js';

/** What a training run needs besides the data: where it came from and how to report progress. */
export interface TrainRequest {
  dataset: Dataset;
  schema: { id: string; version: number };
  target: 'binary' | 'category';
  config: TrainingConfig;
  executor?: TrainingExecutor;
  source?: string;
  /**
   * Group id per row (e.g. the registrable domain of a URL): when given, the split keeps each group
   * on one side (groupSplit), so the test metrics are for groups the model never saw.
   */
  groups?: ArrayLike<number>;
  onRound?: (round: number, total: number, detail: string) => void;
}

/** The outcome of a run: the model document (with test metrics) and the top features. */
export interface TrainOutcome {
  document: ModelDocument;
  report: ClassificationReport;
  topFeatures: { name: string; value: number }[];
  split: { train: number; validation: number; test: number };
  durationMs: number;
}

/**
 * Splits the data (stratified), trains the configured algorithm on the training part with early
 * stopping on the validation part, and scores the held-out test part the model never saw.
 */
export async function trainModel(req: TrainRequest): Promise<TrainOutcome> {
  const { dataset, config } = req;
  if (!dataset.labels || !dataset.classNames) throw new Error('training needs a labelled dataset');
  if (dataset.classNames.length < 2) {
    throw new Error(
      `training needs at least two classes, the data has only "${dataset.classNames[0] ?? 'none'}"`,
    );
  }
  const parts = req.groups
    ? groupSplit(dataset.labels, req.groups, config.split, config.seed)
    : stratifiedSplit(dataset.labels, config.split, config.seed);
  const train = selectRows(dataset, parts.train);
  const validation = parts.validation.length > 0 ? selectRows(dataset, parts.validation) : undefined;
  const test = parts.test.length > 0 ? selectRows(dataset, parts.test) : (validation ?? train);

  const started = Date.now();
  let ensemble: TreeEnsemble;
  let params: Record<string, unknown>;
  let bestIteration: number | undefined;
  if (config.algorithm === 'gbdt') {
    const result = await trainGbdt(
      train,
      { ...config.gbdt, seed: config.seed },
      {
        validation,
        executor: req.executor,
        onRound: (info) =>
          req.onRound?.(
            info.round,
            info.total,
            `loss ${info.trainLoss.toFixed(4)}${info.validationLoss !== undefined ? ` / val ${info.validationLoss.toFixed(4)}` : ''}`,
          ),
      },
    );
    ensemble = result.ensemble;
    params = { ...result.params };
    bestIteration = result.bestIteration;
  } else {
    ensemble = trainRandomForest(train, { ...config.randomForest, seed: config.seed });
    params = { ...config.randomForest, seed: config.seed };
  }
  const durationMs = Date.now() - started;

  const model = compileEnsemble(ensemble);
  const probabilities = model.predictBatch(toRowMajor(test), test.nRows);
  const report = evaluateClassifier({
    labels: test.labels as Int32Array,
    probabilities,
    classNames: [...dataset.classNames],
    threshold: config.threshold,
  });
  const names = dataset.features.map((f) => f.name);
  const top = topFeatures(featureImportance(ensemble, 'gain'), names, 10);

  const document = createModelDocument({
    ensemble,
    featureSpec: {
      schema: req.schema.id,
      schemaVersion: req.schema.version,
      features: [...dataset.features],
      preprocessing: {},
      target: {
        kind: req.target,
        classNames: [...dataset.classNames],
        positiveClass: dataset.classNames.length === 2 ? dataset.classNames[1] : undefined,
      },
    },
    training: {
      params: {
        ...params,
        algorithm: config.algorithm,
        split: config.split,
        ...(req.groups ? { splitBy: 'group' } : {}),
        threshold: config.threshold,
      },
      dataFingerprint: fingerprintDataset(dataset),
      rows: dataset.nRows,
      durationMs,
      bestIteration,
      source: req.source,
    },
    metrics: { test: report, topFeatures: top },
  });
  return {
    document,
    report,
    topFeatures: top,
    split: { train: train.nRows, validation: validation?.nRows ?? 0, test: parts.test.length },
    durationMs,
  };
}

/** Writes `model.json` and `report.json` into `outDir`; returns their paths. */
export async function saveTrainingOutput(
  outDir: string,
  outcome: TrainOutcome,
): Promise<{ model: string; report: string }> {
  await mkdir(outDir, { recursive: true });
  const model = join(outDir, 'model.json');
  const report = join(outDir, 'report.json');
  await writeFile(model, serializeModelDocument(outcome.document));
  await writeFile(
    report,
    `${JSON.stringify({ split: outcome.split, durationMs: outcome.durationMs, topFeatures: outcome.topFeatures, metrics: outcome.report }, null, 2)}\n`,
  );
  return { model, report };
}
