import { type GbdtKernelState, MASK_LEVEL, RESULT_FIELDS } from './kernel-state.js';

/** XGBoost's kRtEps: a split must reduce the loss by more than this to be considered at all. */
export const MIN_SPLIT_GAIN = 1e-6;

/** XGBoost's ThresholdL1: soft-thresholding of a gradient sum by the L1 penalty `alpha`. */
export function thresholdL1(g: number, alpha: number): number {
  if (g > alpha) return g - alpha;
  if (g < -alpha) return g + alpha;
  return 0;
}

/**
 * Structure score of a node, XGBoost's CalcGain: T(G)² / (H + λ), 0 when the node is too light.
 * Split gains are differences of these without the ½ of the textbook formula, exactly as
 * XGBoost computes `loss_chg` and compares it with gamma, so `gamma` means the same in both.
 */
export function nodeGain(
  g: number,
  h: number,
  lambda: number,
  alpha: number,
  minChildWeight: number,
): number {
  if (h < minChildWeight || h <= 0) return 0;
  const t = alpha === 0 ? g : thresholdL1(g, alpha);
  return (t * t) / (h + lambda);
}

/** Optimal leaf weight −T(G) / (H + λ) (before the learning rate), 0 when the node is too light. */
export function leafWeight(
  g: number,
  h: number,
  lambda: number,
  alpha: number,
  minChildWeight: number,
): number {
  if (h < minChildWeight || h <= 0) return 0;
  return -thresholdL1(g, alpha) / (h + lambda);
}

/**
 * Scans the histogram in `slot` over features `fBegin..fEnd-1` allowed at this level and writes
 * the best split into `results` at `out`: [gain, feature, bin, defaultLeft, G_left, H_left], with
 * gain −Infinity when nothing qualifies. Rows with bin ≤ `bin` go left (bin −1: none do), missing
 * values go left when defaultLeft is 1. Like XGBoost, the missing-left direction is only tried when
 * the node has missing values, and ties keep the first candidate (lowest feature, forward scan).
 */
export function findBestSplit(
  st: GbdtKernelState,
  slot: number,
  group: number,
  sumG: number,
  sumH: number,
  fBegin: number,
  fEnd: number,
  out: number,
): void {
  const { binOffsets, hist, featureMask, nFeatures, params } = st;
  const lambda = params[0];
  const alpha = params[1];
  const mcw = params[2];
  const histBase = slot * 2 * binOffsets[nFeatures];
  const maskBase = group * nFeatures;
  const parentGain = nodeGain(sumG, sumH, lambda, alpha, mcw);
  let bestGain = Number.NEGATIVE_INFINITY;
  let bestFeature = -1;
  let bestBin = 0;
  let bestDefaultLeft = 0;
  let bestGL = 0;
  let bestHL = 0;
  for (let f = fBegin; f < fEnd; f++) {
    if ((featureMask[maskBase + f] & MASK_LEVEL) === 0) continue;
    const base = histBase + 2 * binOffsets[f];
    const nb = binOffsets[f + 1] - binOffsets[f] - 1;
    const hasMissing = hist[base + 2 * nb + 1] > 0;
    // Forward: missing values go right; the last value bin is a candidate only when missing
    // values exist (it then separates "missing" from "present").
    const last = hasMissing ? nb : nb - 1;
    let gl = 0;
    let hl = 0;
    for (let b = 0; b < last; b++) {
      const bg = hist[base + 2 * b];
      const bh = hist[base + 2 * b + 1];
      // An empty bin repeats the previous candidate, which can never win a strict comparison.
      if (bh === 0 && bg === 0) continue;
      gl += bg;
      hl += bh;
      if (hl < mcw || hl <= 0) continue;
      const gr = sumG - gl;
      const hr = sumH - hl;
      if (hr < mcw || hr <= 0) continue;
      const gain = score(gl, hl, lambda, alpha) + score(gr, hr, lambda, alpha) - parentGain;
      if (gain > bestGain) {
        bestGain = gain;
        bestFeature = f;
        bestBin = b;
        bestDefaultLeft = 0;
        bestGL = gl;
        bestHL = hl;
      }
    }
    if (!hasMissing) continue;
    // Backward: missing values go left with the low bins.
    let gr = 0;
    let hr = 0;
    for (let b = nb - 1; b >= 0; b--) {
      const bg = hist[base + 2 * b];
      const bh = hist[base + 2 * b + 1];
      if (bh === 0 && bg === 0) continue;
      gr += bg;
      hr += bh;
      if (hr < mcw || hr <= 0) continue;
      const glb = sumG - gr;
      const hlb = sumH - hr;
      if (hlb < mcw || hlb <= 0) continue;
      const gain = score(glb, hlb, lambda, alpha) + score(gr, hr, lambda, alpha) - parentGain;
      if (gain > bestGain) {
        bestGain = gain;
        bestFeature = f;
        bestBin = b - 1;
        bestDefaultLeft = 1;
        bestGL = glb;
        bestHL = hlb;
      }
    }
  }
  const r = st.results;
  const o = out * RESULT_FIELDS;
  r[o] = bestGain;
  r[o + 1] = bestFeature;
  r[o + 2] = bestBin;
  r[o + 3] = bestDefaultLeft;
  r[o + 4] = bestGL;
  r[o + 5] = bestHL;
}

function score(g: number, h: number, lambda: number, alpha: number): number {
  const t = alpha === 0 ? g : thresholdL1(g, alpha);
  return (t * t) / (h + lambda);
}
