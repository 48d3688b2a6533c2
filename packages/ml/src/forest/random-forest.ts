import { binDataset, fitBinMapper } from '../data/binning.js';
import type { Dataset } from '../data/dataset.js';
import type { Tree, TreeEnsemble } from '../model/tree-ensemble.js';
import { Random } from '../util/random.js';
import { growGiniTree } from './gini-tree.js';

/** Hyper-parameters of {@link trainRandomForest}. */
export interface RandomForestParams {
  /** Number of trees. */
  readonly nEstimators: number;
  /** Maximum tree depth; 0 = unlimited (grow until pure or minSamplesLeaf stops it). */
  readonly maxDepth: number;
  /** Minimum (bootstrap-drawn) samples in each leaf. */
  readonly minSamplesLeaf: number;
  /** Features drawn per split: √n, log₂ n, or a fraction in (0, 1] of them (at least one). */
  readonly maxFeatures: 'sqrt' | 'log2' | number;
  /** Draw each tree's rows with replacement (n draws from n rows); false = every tree sees all rows. */
  readonly bootstrap: boolean;
  /** Quantile bins per feature including the missing bin, 2..256 (see fitBinMapper). */
  readonly maxBins: number;
  /** Weight per class, or 'balanced' = n / (nClasses · count of the class), as scikit-learn. */
  readonly classWeights?: readonly number[] | 'balanced';
  /** Seed of the generator; the same seed and data give the same forest. */
  readonly seed: number;
}

/** Defaults: 100 trees of depth ≤ 16, √n features per split, bootstrap, 256 bins. */
export const defaultRandomForestParams: Readonly<RandomForestParams> = Object.freeze({
  nEstimators: 100,
  maxDepth: 16,
  minSamplesLeaf: 1,
  maxFeatures: 'sqrt',
  bootstrap: true,
  maxBins: 256,
  seed: 42,
});

/**
 * Trains a random-forest classifier (Breiman 2001): each tree is grown by {@link growGiniTree} on
 * a bootstrap sample of the binned training rows, drawing `maxFeatures` features per split.
 * Categorical features are split as ordered integer codes. Row weights of the dataset multiply
 * the class weights. Each tree gets a generator forked from the seed, so a seed reproduces the
 * forest exactly. The ensemble's output is the mean of the trees' leaf class distributions.
 */
export function trainRandomForest(train: Dataset, params: Partial<RandomForestParams> = {}): TreeEnsemble {
  const p: RandomForestParams = { ...defaultRandomForestParams, ...params };
  const labels = train.labels;
  if (!labels) throw new RangeError('randomForest: the training dataset has no labels');
  const nRows = train.nRows;
  if (nRows === 0) throw new RangeError('randomForest: the training dataset has no rows');
  let nClasses = train.classNames?.length ?? 0;
  for (let i = 0; i < nRows; i++) {
    if (labels[i] < 0) throw new RangeError(`randomForest: label ${labels[i]} at row ${i} is negative`);
    nClasses = Math.max(nClasses, labels[i] + 1);
  }
  const nFeatures = train.columns.length;
  if (nFeatures === 0) throw new RangeError('randomForest: the training dataset has no features');
  validateRandomForestParams(p, nClasses);

  const mapper = fitBinMapper(train, p.maxBins);
  const binned = binDataset(train, mapper);
  const classWeight = resolveClassWeights(p.classWeights, labels, nClasses);
  const baseWeight = new Float64Array(nRows);
  for (let i = 0; i < nRows; i++)
    baseWeight[i] = classWeight[labels[i]] * (train.weights ? train.weights[i] : 1);
  const options = {
    maxDepth: p.maxDepth,
    minSamplesLeaf: p.minSamplesLeaf,
    maxFeatures: resolveMaxFeatures(p.maxFeatures, nFeatures),
  };

  const rng = new Random(p.seed);
  const counts = new Float64Array(nRows);
  const weights = new Float64Array(nRows);
  const trees: Tree[] = [];
  for (let t = 0; t < p.nEstimators; t++) {
    const treeRng = rng.fork();
    if (p.bootstrap) {
      counts.fill(0);
      for (let d = 0; d < nRows; d++) counts[treeRng.int(nRows)]++;
    } else {
      counts.fill(1);
    }
    let inBag = 0;
    for (let i = 0; i < nRows; i++) if (counts[i] > 0) inBag++;
    const rows = new Int32Array(inBag);
    let r = 0;
    for (let i = 0; i < nRows; i++) {
      weights[i] = counts[i] * baseWeight[i];
      if (counts[i] > 0) rows[r++] = i;
    }
    trees.push(growGiniTree({ binned, mapper, labels, nClasses, rows, counts, weights }, options, treeRng));
  }

  return {
    algorithm: 'random-forest',
    nFeatures,
    nOutputs: nClasses,
    trees,
    treeOutput: new Int32Array(trees.length).fill(-1),
    baseScore: new Float64Array(nClasses),
    transform: 'mean-probability',
  };
}

/** Throws a RangeError naming the first invalid parameter. */
export function validateRandomForestParams(p: RandomForestParams, nClasses?: number): void {
  const fail = (name: string, expected: string, got: unknown): never => {
    throw new RangeError(`randomForest: ${name} must be ${expected}, got ${JSON.stringify(got)}`);
  };
  const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
  if (!isInt(p.nEstimators) || p.nEstimators < 1) fail('nEstimators', 'an integer ≥ 1', p.nEstimators);
  if (!isInt(p.maxDepth) || p.maxDepth < 0) fail('maxDepth', 'an integer ≥ 0 (0 = unlimited)', p.maxDepth);
  if (!isInt(p.minSamplesLeaf) || p.minSamplesLeaf < 1)
    fail('minSamplesLeaf', 'an integer ≥ 1', p.minSamplesLeaf);
  const mf = p.maxFeatures;
  if (mf !== 'sqrt' && mf !== 'log2' && !(typeof mf === 'number' && mf > 0 && mf <= 1)) {
    fail('maxFeatures', '"sqrt", "log2" or a fraction in (0, 1]', mf);
  }
  if (typeof p.bootstrap !== 'boolean') fail('bootstrap', 'true or false', p.bootstrap);
  if (!isInt(p.maxBins) || p.maxBins < 2 || p.maxBins > 256)
    fail('maxBins', 'an integer in 2..256', p.maxBins);
  if (!isInt(p.seed)) fail('seed', 'an integer', p.seed);
  const cw = p.classWeights;
  if (cw !== undefined && cw !== 'balanced') {
    if (!Array.isArray(cw) || cw.some((w) => !(typeof w === 'number' && Number.isFinite(w) && w >= 0))) {
      fail('classWeights', '"balanced" or an array of finite weights ≥ 0', cw);
    }
    if (nClasses !== undefined && cw.length !== nClasses)
      fail('classWeights', `${nClasses} weights (one per class)`, cw);
  }
}

function resolveMaxFeatures(mf: RandomForestParams['maxFeatures'], nFeatures: number): number {
  const n = mf === 'sqrt' ? Math.sqrt(nFeatures) : mf === 'log2' ? Math.log2(nFeatures) : mf * nFeatures;
  return Math.min(nFeatures, Math.max(1, Math.floor(n)));
}

function resolveClassWeights(
  cw: RandomForestParams['classWeights'],
  labels: Int32Array,
  nClasses: number,
): Float64Array {
  if (cw === undefined) return new Float64Array(nClasses).fill(1);
  if (cw !== 'balanced') return Float64Array.from(cw);
  const counts = new Float64Array(nClasses);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  // Absent classes never reach a leaf, so their weight is irrelevant; 1 keeps it finite.
  return counts.map((c) => (c > 0 ? labels.length / (nClasses * c) : 1));
}
