import { type BinMapper, binDataset } from '../data/binning.js';
import type { Dataset } from '../data/dataset.js';
import type { Tree, TreeEnsemble } from '../model/tree-ensemble.js';
import { Random } from '../util/random.js';
import { createBinningState } from './binning-kernel.js';
import { createSerialExecutor, type TrainingExecutor } from './executor.js';
import { type GbdtParams, resolveGbdtParams } from './gbdt-params.js';
import { gradientChunks } from './kernel.js';
import { createKernelState, type GbdtKernelState, histogramBytes } from './kernel-state.js';
import { baseMargins, classWeightVector, evaluateLoss, rowWeightsFor } from './objective.js';
import {
  binnedTrainingData,
  recodeMissing,
  type SampledRoot,
  sampleFeatures,
  sampleRows,
} from './training-data.js';
import { addTreeToMargins, binnedTree } from './tree-builder.js';
import { type GrowRequest, TreeGrower } from './tree-grower.js';

/** Progress after each boosting round. */
export interface GbdtRoundInfo {
  /** Rounds completed so far, 1..total. */
  round: number;
  total: number;
  /** Training loss after this round (logloss, or mlogloss for multi-class). */
  trainLoss: number;
  validationLoss?: number;
}

/** A trained model and how training went. */
export interface GbdtResult {
  /** Trees up to and including the best iteration. */
  ensemble: TreeEnsemble;
  params: GbdtParams;
  /** 0-based round with the lowest validation loss (the last round without early stopping). */
  bestIteration: number;
  /** Loss after every round that was run (may extend past bestIteration). */
  history: { train: number[]; validation?: number[] };
  binMapper: BinMapper;
}

/** Options of trainGbdt besides the hyper-parameters. */
export interface TrainGbdtOptions {
  /** Scored every round; needed for early stopping. */
  validation?: Dataset;
  /** Where the kernels run (default: the calling thread). Not closed by trainGbdt. */
  executor?: TrainingExecutor;
  onRound?: (info: GbdtRoundInfo) => void;
  /**
   * Memory for node histograms (default 256 MiB). Multi-class trees grow side by side as far as
   * it allows; a level that does not fit is built without the subtraction trick, in batches.
   */
  maxHistogramBytes?: number;
}

/**
 * Trains histogram gradient-boosted trees the way XGBoost's `tree_method=hist` does (depthwise
 * growth, same objectives, gains, leaf weights, missing-value handling and base score), on the
 * calling thread or through a multi-threaded executor with identical results.
 */
export async function trainGbdt(
  train: Dataset,
  params: Partial<GbdtParams> = {},
  options: TrainGbdtOptions = {},
): Promise<GbdtResult> {
  const labels = train.labels;
  if (!labels) throw new Error('gbdt: the training dataset has no labels');
  if (train.nRows === 0) throw new RangeError('gbdt: the training dataset is empty');
  let maxLabel = 0;
  for (let i = 0; i < labels.length; i++) {
    if (!(labels[i] >= 0)) throw new RangeError(`gbdt: label ${labels[i]} at row ${i} is negative`);
    maxLabel = Math.max(maxLabel, labels[i]);
  }
  const nClasses = Math.max(train.classNames?.length ?? 0, maxLabel + 1, 2);
  const p = resolveGbdtParams(params, nClasses);
  checkWeights(train);
  const validation = options.validation;
  if (validation) checkValidation(train, validation, nClasses);
  if (p.earlyStoppingRounds !== undefined && !validation) {
    throw new RangeError('gbdt: earlyStoppingRounds needs a validation dataset (options.validation)');
  }
  const nOutputs = p.objective === 'binary:logistic' ? 1 : nClasses;
  const executor = options.executor ?? createSerialExecutor();
  const nRows = train.nRows;
  const nFeatures = train.columns.length;
  const shared = executor.threads > 1;
  const binning = createBinningState(train, p.maxBins, shared);
  const binHandle = await executor.attach(binning);
  try {
    await executor.run(binHandle, 'bin');
  } finally {
    await executor.detach(binHandle);
  }
  const data = binnedTrainingData(binning);

  // Histogram memory: one slot per node of the widest searchable level, for as many trees at
  // once as the budget allows.
  const budget = options.maxHistogramBytes ?? 256 * 1024 * 1024;
  const perTree = Math.max(1, Math.min(2 ** (p.maxDepth - 1), Math.ceil(nRows / 2)));
  const budgetSlots = Math.max(1, Math.floor(budget / histogramBytes(data.valueBins)));
  const groupsPerBatch = Math.max(1, Math.min(nOutputs, Math.floor(budgetSlots / perTree)));
  const nSlots = Math.min(budgetSlots, perTree * groupsPerBatch);
  const perClass = classWeightVector(labels, nClasses, p.classWeights);
  const rowWeights = rowWeightsFor(labels, train.weights, perClass);
  const st = createKernelState({
    nRows,
    nGroups: nOutputs,
    nParts: executor.threads,
    nSlots,
    taskCapacity: Math.max(nSlots, 256),
    codes: data.codes,
    valueBins: data.valueBins,
    usable: data.usable,
    mostFrequentBin: data.mostFrequentBin,
    labels,
    rowWeights,
    shared,
  });
  st.params.set([p.lambda, p.alpha, p.minChildWeight, p.subsample >= 1 ? 1 : 0]);
  let totalWeight = nRows;
  if (rowWeights) totalWeight = rowWeights.reduce((a, b) => a + b, 0);
  const base = baseMargins(labels, rowWeights, nOutputs, nClasses);
  const margins = st.margins;
  for (let i = 0; i < margins.length; i++) margins[i] = base[i % nOutputs];
  const nChunks = gradientChunks(st);
  const stride = 1 + 2 * nOutputs;

  let val: ValidationState | undefined;
  if (validation) val = prepareValidation(validation, data.mapper, data.valueBins, base, perClass);

  const handle = await executor.attach(st);
  const rng = new Random(p.seed);
  const grower = new TreeGrower(st, executor, handle, { ...p, colsampleBylevel: p.colsampleBylevel ?? 1 });
  const inSample = p.subsample < 1 ? new Uint8Array(nRows * groupsPerBatch) : undefined;
  const trees: Tree[] = [];
  const history: { train: number[]; validation?: number[] } = { train: [] };
  if (val) history.validation = [];
  let bestIteration = -1;
  let bestLoss = Number.POSITIVE_INFINITY;
  const report = (round: number, trainLoss: number): void => {
    history.train.push(trainLoss);
    options.onRound?.({
      round: round + 1,
      total: p.nEstimators,
      trainLoss,
      validationLoss: history.validation?.[round],
    });
  };
  try {
    let round = 0;
    for (; round < p.nEstimators; round++) {
      await executor.run(handle, 'gradients');
      // Chunk totals are added in chunk order, so they do not depend on the thread count.
      let lossSum = 0;
      for (let c = 0; c < nChunks; c++) lossSum += st.chunkStats[c * stride];
      if (round > 0) report(round - 1, totalWeight > 0 ? lossSum / totalWeight : 0);
      for (let g0 = 0; g0 < nOutputs; g0 += groupsPerBatch) {
        const reqs: GrowRequest[] = [];
        for (let g = g0; g < Math.min(nOutputs, g0 + groupsPerBatch); g++) {
          const treeRng = rng.fork();
          const mark = inSample?.subarray((g - g0) * nRows, (g - g0 + 1) * nRows);
          const root =
            p.subsample < 1 ? sampleRows(st, g, p.subsample, treeRng, mark) : allRows(st, g, nChunks);
          const features = sampleFeatures(st, g, p.colsampleBytree, data.usable, treeRng);
          reqs.push({ group: g, ...root, features, rng: treeRng });
        }
        const built = await grower.grow(reqs);
        built.forEach((b, i) => {
          const g = reqs[i].group;
          const bt = binnedTree(b);
          // Rows left out of the sample still need this tree's output in their margins.
          if (inSample) {
            const mark = inSample.subarray((g - g0) * nRows, (g - g0 + 1) * nRows);
            addTreeToMargins(bt, data.codes, nRows, data.missingBin, margins, nOutputs, g, mark);
          }
          if (val) addTreeToMargins(bt, val.codes, val.nRows, data.missingBin, val.margins, nOutputs, g);
          trees.push(b.toTree(data.mapper));
        });
      }
      if (val && history.validation) {
        const loss = evaluateLoss(val.margins, val.labels, val.weights, nOutputs);
        history.validation.push(loss);
        if (loss < bestLoss) {
          bestLoss = loss;
          bestIteration = round;
        } else if (p.earlyStoppingRounds !== undefined && round - bestIteration >= p.earlyStoppingRounds) {
          round++;
          break;
        }
      }
    }
    report(round - 1, evaluateLoss(margins, labels, rowWeights, nOutputs));
    if (p.earlyStoppingRounds === undefined || bestIteration < 0) bestIteration = round - 1;
  } finally {
    await executor.detach(handle);
    if (!options.executor) await executor.close();
  }
  const kept = trees.slice(0, (bestIteration + 1) * nOutputs);
  const ensemble: TreeEnsemble = {
    algorithm: 'gbdt',
    nFeatures,
    nOutputs,
    trees: kept,
    treeOutput: Int32Array.from(kept, (_, t) => t % nOutputs),
    baseScore: base,
    transform: nOutputs === 1 ? 'sigmoid' : 'softmax',
  };
  return { ensemble, params: p, bestIteration, history, binMapper: data.mapper };
}

/** Root of an unsampled tree: the gradient op already listed every row; sums come from its chunks. */
function allRows(st: GbdtKernelState, group: number, nChunks: number): SampledRoot {
  const stride = 1 + 2 * st.nGroups;
  let sumG = 0;
  let sumH = 0;
  for (let c = 0; c < nChunks; c++) {
    sumG += st.chunkStats[c * stride + 1 + 2 * group];
    sumH += st.chunkStats[c * stride + 2 + 2 * group];
  }
  const begin = group * st.nRows;
  return { begin, end: begin + st.nRows, contiguous: true, sumG, sumH };
}

interface ValidationState {
  nRows: number;
  codes: Uint8Array;
  labels: Int32Array;
  weights: Float64Array | undefined;
  margins: Float64Array;
}

function prepareValidation(
  ds: Dataset,
  mapper: BinMapper,
  valueBins: Int32Array,
  base: Float64Array,
  perClass: Float64Array | undefined,
): ValidationState {
  const { codes } = binDataset(ds, mapper);
  recodeMissing(codes, ds.nRows, valueBins);
  const labels = ds.labels as Int32Array;
  const k = base.length;
  const margins = new Float64Array(ds.nRows * k);
  for (let i = 0; i < margins.length; i++) margins[i] = base[i % k];
  const weights = rowWeightsFor(labels, ds.weights, perClass);
  return { nRows: ds.nRows, codes, labels, weights, margins };
}

function checkWeights(ds: Dataset): void {
  const w = ds.weights;
  if (!w) return;
  for (let i = 0; i < w.length; i++) {
    if (!(w[i] >= 0 && Number.isFinite(w[i]))) {
      throw new RangeError(`gbdt: weights must be finite and >= 0, row ${i} has ${w[i]}`);
    }
  }
}

function checkValidation(train: Dataset, v: Dataset, nClasses: number): void {
  if (v.columns.length !== train.columns.length) {
    throw new RangeError(
      `gbdt: validation has ${v.columns.length} features, training has ${train.columns.length}`,
    );
  }
  if (!v.labels) throw new RangeError('gbdt: the validation dataset has no labels');
  for (let i = 0; i < v.labels.length; i++) {
    if (v.labels[i] < 0 || v.labels[i] >= nClasses) {
      throw new RangeError(`gbdt: validation label ${v.labels[i]} at row ${i} is outside 0..${nClasses - 1}`);
    }
  }
  checkWeights(v);
}
