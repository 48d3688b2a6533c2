/**
 * Boosting objectives with XGBoost's exact gradient formulas. Margins are row-major with one
 * value per output (`margins[row * nOutputs + k]`); gradients are written group-major for the
 * kernels (`gradHess[2 * (k * nRows + row)]`, then the hessian). `nOutputs` is 1 for
 * binary:logistic and the class count for multi:softprob.
 */

import type { GbdtKernelState } from './kernel-state.js';

/** Probabilities are clipped to [EPS, 1 − EPS] in the loss, and hessians floored at EPS, like XGBoost. */
const EPS = 1e-16;
/** Probabilities multiplied per logarithm in the loss: EPS^16 = 1e-256 is still a normal double. */
const LOG_BATCH = 16;

/**
 * Initial margins. Binary: logit of the weighted positive rate (XGBoost ≥ 3 fits the intercept
 * to the label mean). Multi-class: centred log of the weighted class shares, which is what
 * XGBoost 3.2 estimates for multi:softprob (and equals 0 for balanced classes).
 */
export function baseMargins(
  labels: Int32Array,
  rowWeights: Float64Array | undefined,
  nOutputs: number,
  nClasses: number,
): Float64Array {
  const mass = new Float64Array(nClasses);
  let total = 0;
  for (let i = 0; i < labels.length; i++) {
    const w = rowWeights ? rowWeights[i] : 1;
    mass[labels[i]] += w;
    total += w;
  }
  // Clamped so a class that is absent (or the only one) gives a large but finite margin.
  const share = (k: number): number => Math.min(1 - 1e-6, Math.max(1e-6, total > 0 ? mass[k] / total : 0.5));
  if (nOutputs === 1) {
    const p = share(1);
    return Float64Array.of(Math.log(p / (1 - p)));
  }
  const out = new Float64Array(nOutputs);
  let mean = 0;
  for (let k = 0; k < nOutputs; k++) {
    out[k] = Math.log(share(k));
    mean += out[k];
  }
  mean /= nOutputs;
  for (let k = 0; k < nOutputs; k++) out[k] -= mean;
  return out;
}

/**
 * Writes gradients and hessians (times the row weight) of rows `r0..r1-1` for every output from
 * the state's margins, and into `chunkStats` at `at`: the weighted loss sum of those margins
 * (logloss or mlogloss, computed in the same pass), then per output the gradient and hessian
 * sums in row order. binary:logistic: g = p − y, h = max(p(1 − p), ε). multi:softprob:
 * g = p_k − [y = k], h = max(2 p_k (1 − p_k), ε) (XGBoost's factor 2).
 */
export function gradientChunk(st: GbdtKernelState, r0: number, r1: number, at: number): void {
  const out = st.chunkStats;
  if (st.nGroups === 1) {
    logisticChunk(st, r0, r1);
    out[at + 1] = chunkG;
    out[at + 2] = chunkH;
  } else {
    for (let c = 0; c < 2 * st.nGroups; c++) out[at + 1 + c] = 0;
    softmaxChunk(st, r0, r1, at);
  }
  out[at] = chunkLoss;
}

// The loops below leave their totals in module variables and do nothing after the loop: V8
// compiles a hot loop while it runs (on-stack replacement), and code after it that has not run
// yet lacks type feedback, which would send every later call back to the interpreter. For the
// same reason the last loss batch is flushed inside the loop.
// Unweighted losses multiply LOG_BATCH clipped probabilities before taking one logarithm
// (≥ 1e-256, no underflow): the log is the costliest step of the whole pass otherwise.
let chunkLoss = 0;
let chunkG = 0;
let chunkH = 0;

function logisticChunk(st: GbdtKernelState, r0: number, r1: number): void {
  const { margins, labels, rowWeights, gradHess: gh } = st;
  const weighted = rowWeights.length > 0;
  let loss = 0;
  let prodP = 1;
  let inProd = 0;
  let sg = 0;
  let sh = 0;
  for (let i = r0; i < r1; i++) {
    const w = weighted ? rowWeights[i] : 1;
    const p = 1 / (1 + Math.exp(-margins[i]));
    const y = labels[i];
    const g = Math.fround((p - y) * w);
    const h = Math.fround(Math.max(p * (1 - p), EPS) * w);
    gh[2 * i] = g;
    gh[2 * i + 1] = h;
    sg += g;
    sh += h;
    const py = Math.max(y === 1 ? p : 1 - p, EPS);
    if (weighted) loss -= w * Math.log(py);
    else {
      prodP *= py;
      if (++inProd === LOG_BATCH || i === r1 - 1) {
        loss -= Math.log(prodP);
        prodP = 1;
        inProd = 0;
      }
    }
  }
  chunkLoss = loss;
  chunkG = sg;
  chunkH = sh;
}

function softmaxChunk(st: GbdtKernelState, r0: number, r1: number, at: number): void {
  const { margins, labels, rowWeights, gradHess: gh, nRows: n, nGroups: k, chunkStats: out } = st;
  const weighted = rowWeights.length > 0;
  let loss = 0;
  let prodP = 1;
  let inProd = 0;
  const prob = new Float64Array(k);
  for (let i = r0; i < r1; i++) {
    const w = weighted ? rowWeights[i] : 1;
    const sum = softmaxRow(margins, i * k, k, prob);
    const y = labels[i];
    for (let c = 0; c < k; c++) {
      const p = prob[c] / sum;
      const g = Math.fround((p - (c === y ? 1 : 0)) * w);
      const h = Math.fround(Math.max(2 * p * (1 - p), EPS) * w);
      const o = 2 * (c * n + i);
      gh[o] = g;
      gh[o + 1] = h;
      out[at + 1 + 2 * c] += g;
      out[at + 2 + 2 * c] += h;
    }
    const py = Math.max(prob[y] / sum, EPS);
    if (weighted) loss -= w * Math.log(py);
    else {
      prodP *= py;
      if (++inProd === LOG_BATCH || i === r1 - 1) {
        loss -= Math.log(prodP);
        prodP = 1;
        inProd = 0;
      }
    }
  }
  chunkLoss = loss;
}

/** Weighted mean logloss (one output) or mlogloss (several) of `margins`. */
export function evaluateLoss(
  margins: Float64Array,
  labels: Int32Array,
  rowWeights: Float64Array | undefined,
  nOutputs: number,
): number {
  const n = labels.length;
  let loss = 0;
  let totalWeight = 0;
  const prob = new Float64Array(nOutputs);
  for (let i = 0; i < n; i++) {
    const w = rowWeights ? rowWeights[i] : 1;
    let p: number;
    if (nOutputs === 1) {
      const q = 1 / (1 + Math.exp(-margins[i]));
      p = labels[i] === 1 ? q : 1 - q;
    } else {
      const sum = softmaxRow(margins, i * nOutputs, nOutputs, prob);
      p = prob[labels[i]] / sum;
    }
    loss -= w * Math.log(Math.max(p, EPS));
    totalWeight += w;
  }
  return totalWeight > 0 ? loss / totalWeight : 0;
}

/** Unnormalised softmax of margins[at..at+k) into `out`; returns the normaliser. */
function softmaxRow(margins: Float64Array, at: number, k: number, out: Float64Array): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < k; c++) max = Math.max(max, margins[at + c]);
  let sum = 0;
  for (let c = 0; c < k; c++) {
    const e = Math.exp(margins[at + c] - max);
    out[c] = e;
    sum += e;
  }
  return sum;
}

/**
 * Weight of each class, or undefined when none were asked for. 'balanced' gives class k the
 * weight n / (K · count_k) on the training labels, as in scikit-learn.
 */
export function classWeightVector(
  labels: Int32Array,
  nClasses: number,
  classWeights: readonly number[] | 'balanced' | undefined,
): Float64Array | undefined {
  if (!classWeights) return undefined;
  if (classWeights !== 'balanced') return Float64Array.from(classWeights);
  const n = labels.length;
  const counts = new Float64Array(nClasses);
  for (let i = 0; i < n; i++) counts[labels[i]]++;
  return counts.map((c) => (c > 0 ? n / (nClasses * c) : 0));
}

/** Per-row weight = sample weight × class weight, or undefined when every row weighs 1 (the fast path). */
export function rowWeightsFor(
  labels: Int32Array,
  sampleWeights: Float32Array | undefined,
  perClass: Float64Array | undefined,
): Float64Array | undefined {
  if (!sampleWeights && !perClass) return undefined;
  const n = labels.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = (sampleWeights ? sampleWeights[i] : 1) * (perClass ? perClass[labels[i]] : 1);
  }
  return out;
}
