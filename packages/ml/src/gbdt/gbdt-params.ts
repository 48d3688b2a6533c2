/** The boosting objectives, named as in XGBoost so that parameters carry over unchanged. */
export type GbdtObjective = 'binary:logistic' | 'multi:softprob';

/**
 * Hyper-parameters of histogram gradient boosting. Names are camelCase versions of XGBoost's and
 * the defaults are XGBoost's (except nEstimators), so a run is comparable with `tree_method=hist`.
 */
export interface GbdtParams {
  objective: GbdtObjective;
  /** Boosting rounds (multi-class grows one tree per class per round). */
  nEstimators: number;
  /** Shrinkage `eta` applied to every leaf value. */
  learningRate: number;
  /** Depth of the deepest leaf; the root has depth 0. */
  maxDepth: number;
  /** Minimum hessian sum in each child of a split. */
  minChildWeight: number;
  /** L2 regularisation of leaf weights. */
  lambda: number;
  /** L1 regularisation of leaf weights. */
  alpha: number;
  /** Minimum loss reduction (XGBoost's `min_split_loss`) for a split to be made. */
  gamma: number;
  /** Fraction of rows sampled (without replacement) for each tree. */
  subsample: number;
  /** Fraction of features sampled for each tree. */
  colsampleBytree: number;
  /** Fraction of the tree's features sampled again at each depth level (1 = off). */
  colsampleBylevel?: number;
  /** Histogram bins per feature, including the one for missing values (see fitBinMapper). */
  maxBins: number;
  /** Per-class weights multiplying gradients and hessians; 'balanced' uses n / (K · count_k). */
  classWeights?: number[] | 'balanced';
  /** Stop when the validation loss has not improved for this many rounds (needs a validation set). */
  earlyStoppingRounds?: number;
  /** Seed of every random choice (row and column sampling). */
  seed: number;
}

/** XGBoost's defaults with 200 rounds; the objective is replaced by the one the labels call for. */
export const defaultGbdtParams: GbdtParams = Object.freeze({
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
  colsampleBylevel: 1,
  maxBins: 256,
  seed: 0,
}) as GbdtParams;

/**
 * Fills in defaults for `nClasses` classes (binary:logistic for 2, multi:softprob above) and
 * checks every range, throwing a RangeError that names the offending parameter.
 */
export function resolveGbdtParams(p: Partial<GbdtParams>, nClasses: number): GbdtParams {
  if (!Number.isInteger(nClasses) || nClasses < 2) {
    throw new RangeError(`gbdt: training needs at least 2 classes, got ${nClasses}`);
  }
  const defined = Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined));
  const out: GbdtParams = {
    ...defaultGbdtParams,
    objective: nClasses === 2 ? 'binary:logistic' : 'multi:softprob',
    ...defined,
  };
  if (out.objective !== 'binary:logistic' && out.objective !== 'multi:softprob') {
    throw new RangeError(
      `gbdt: objective must be 'binary:logistic' or 'multi:softprob', got ${String(out.objective)}`,
    );
  }
  if (out.objective === 'binary:logistic' && nClasses !== 2) {
    throw new RangeError(`gbdt: objective 'binary:logistic' needs 2 classes, the data has ${nClasses}`);
  }
  integer('nEstimators', out.nEstimators, 1, 100_000);
  range('learningRate', out.learningRate, 0, 1, false);
  integer('maxDepth', out.maxDepth, 1, 30);
  range('minChildWeight', out.minChildWeight, 0, Number.MAX_VALUE, true);
  range('lambda', out.lambda, 0, Number.MAX_VALUE, true);
  range('alpha', out.alpha, 0, Number.MAX_VALUE, true);
  range('gamma', out.gamma, 0, Number.MAX_VALUE, true);
  range('subsample', out.subsample, 0, 1, false);
  range('colsampleBytree', out.colsampleBytree, 0, 1, false);
  range('colsampleBylevel', out.colsampleBylevel ?? 1, 0, 1, false);
  integer('maxBins', out.maxBins, 2, 256);
  integer('seed', out.seed, 0, 2 ** 32 - 1);
  if (out.earlyStoppingRounds !== undefined)
    integer('earlyStoppingRounds', out.earlyStoppingRounds, 1, 1_000_000);
  const cw = out.classWeights;
  if (cw !== undefined && cw !== 'balanced') {
    if (!Array.isArray(cw) || cw.length !== nClasses) {
      throw new RangeError(
        `gbdt: classWeights must be 'balanced' or ${nClasses} numbers, got ${JSON.stringify(cw)}`,
      );
    }
    cw.forEach((w, i) => {
      if (!(typeof w === 'number' && Number.isFinite(w) && w > 0)) {
        throw new RangeError(`gbdt: classWeights[${i}] must be a positive number, got ${w}`);
      }
    });
  }
  return out;
}

function integer(name: string, v: unknown, min: number, max: number): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new RangeError(`gbdt: ${name} must be an integer in ${min}..${max}, got ${String(v)}`);
  }
}

/** `lowInclusive` false means the interval is (min, max]. */
function range(name: string, v: unknown, min: number, max: number, lowInclusive: boolean): void {
  const ok = typeof v === 'number' && Number.isFinite(v) && (lowInclusive ? v >= min : v > min) && v <= max;
  if (!ok) {
    const interval = max === Number.MAX_VALUE ? `>= ${min}` : `in ${lowInclusive ? '[' : '('}${min}, ${max}]`;
    throw new RangeError(`gbdt: ${name} must be a number ${interval}, got ${String(v)}`);
  }
}
