import type { PackedEnsemble } from './compiled-layout.js';

/** Raw-margin evaluation over a packed ensemble; one instance per compiled model (it owns scratch space). */
export interface Kernel {
  /** Margins of the row at `src[at .. at + nFeatures)` into `out[o .. o + nOutputs)`. */
  row(src: ArrayLike<number>, at: number, out: Float64Array, o: number): void;
  /** Margins of `nRows` row-major rows into `out` (nRows × nOutputs). */
  batch(rows: Float32Array, nRows: number, out: Float64Array): void;
}

// The factories below are instantiated once per model through specializeFactory(), which recompiles
// their source text in isolation. They must therefore stay self-contained: they may use their
// parameter and globals (Float32Array, Math), never another binding of this module or an import.

/**
 * Kernel for the complete layout: a tree walk is `depth` identical steps with no child pointers and
 * no data-dependent branch, so per-row cost is flat and mispredictions cannot occur.
 */
export function completeKernel(p: PackedEnsemble): Kernel {
  const slot = p.slot;
  const thr = p.thr;
  const leaf = p.leaf;
  const target = p.target;
  const base = p.base;
  const depth = p.depth;
  const nTrees = p.nTrees;
  const nf = p.nFeatures;
  const nOut = p.nOutputs;
  const width = p.leafWidth;
  // Shifts, not `2 ** depth`: a power yields a double constant and turns all index arithmetic into
  // floating point (measured 2× slower).
  const nI = (1 << depth) - 1;
  const nL = 1 << depth;
  const w = 2 * nf;
  const lanes = 8;
  const sc = new Float32Array(lanes * w);

  const load = (src: ArrayLike<number>, at: number, o: number): void => {
    for (let f = 0; f < nf; f++) {
      const v = src[at + f];
      sc[o + f] = v;
      sc[o + nf + f] = -v;
    }
  };
  // One walk as a loop, for the cold paths (leftover trees, several outputs). The hot paths below
  // write the steps out instead: a loop per tree, or a helper called per tree (TurboFan stops
  // inlining after a few call sites), measured 1.5–2× slower. `+(a >= b)` is a flag-set, not a jump.
  const walk = (b: number): number => {
    let j = 0;
    for (let d = 0; d < depth; d++) j = 2 * j + 1 + +(sc[slot[b + j]] >= thr[b + j]);
    return j;
  };
  const sumOne = (): number => {
    let s = base[0];
    let t = 0;
    // Four independent walks per iteration keep more loads in flight; adding in tree order keeps
    // the sum bit-identical to the reference walk.
    for (; t + 4 <= nTrees; t += 4) {
      const b0 = t * nI;
      const b1 = b0 + nI;
      const b2 = b1 + nI;
      const b3 = b2 + nI;
      let j0 = 0;
      let j1 = 0;
      let j2 = 0;
      let j3 = 0;
      if (depth > 0) {
        j0 = 2 * j0 + 1 + +(sc[slot[b0 + j0]] >= thr[b0 + j0]);
        j1 = 2 * j1 + 1 + +(sc[slot[b1 + j1]] >= thr[b1 + j1]);
        j2 = 2 * j2 + 1 + +(sc[slot[b2 + j2]] >= thr[b2 + j2]);
        j3 = 2 * j3 + 1 + +(sc[slot[b3 + j3]] >= thr[b3 + j3]);
      }
      if (depth > 1) {
        j0 = 2 * j0 + 1 + +(sc[slot[b0 + j0]] >= thr[b0 + j0]);
        j1 = 2 * j1 + 1 + +(sc[slot[b1 + j1]] >= thr[b1 + j1]);
        j2 = 2 * j2 + 1 + +(sc[slot[b2 + j2]] >= thr[b2 + j2]);
        j3 = 2 * j3 + 1 + +(sc[slot[b3 + j3]] >= thr[b3 + j3]);
      }
      if (depth > 2) {
        j0 = 2 * j0 + 1 + +(sc[slot[b0 + j0]] >= thr[b0 + j0]);
        j1 = 2 * j1 + 1 + +(sc[slot[b1 + j1]] >= thr[b1 + j1]);
        j2 = 2 * j2 + 1 + +(sc[slot[b2 + j2]] >= thr[b2 + j2]);
        j3 = 2 * j3 + 1 + +(sc[slot[b3 + j3]] >= thr[b3 + j3]);
      }
      if (depth > 3) {
        j0 = 2 * j0 + 1 + +(sc[slot[b0 + j0]] >= thr[b0 + j0]);
        j1 = 2 * j1 + 1 + +(sc[slot[b1 + j1]] >= thr[b1 + j1]);
        j2 = 2 * j2 + 1 + +(sc[slot[b2 + j2]] >= thr[b2 + j2]);
        j3 = 2 * j3 + 1 + +(sc[slot[b3 + j3]] >= thr[b3 + j3]);
      }
      if (depth > 4) {
        j0 = 2 * j0 + 1 + +(sc[slot[b0 + j0]] >= thr[b0 + j0]);
        j1 = 2 * j1 + 1 + +(sc[slot[b1 + j1]] >= thr[b1 + j1]);
        j2 = 2 * j2 + 1 + +(sc[slot[b2 + j2]] >= thr[b2 + j2]);
        j3 = 2 * j3 + 1 + +(sc[slot[b3 + j3]] >= thr[b3 + j3]);
      }
      if (depth > 5) {
        j0 = 2 * j0 + 1 + +(sc[slot[b0 + j0]] >= thr[b0 + j0]);
        j1 = 2 * j1 + 1 + +(sc[slot[b1 + j1]] >= thr[b1 + j1]);
        j2 = 2 * j2 + 1 + +(sc[slot[b2 + j2]] >= thr[b2 + j2]);
        j3 = 2 * j3 + 1 + +(sc[slot[b3 + j3]] >= thr[b3 + j3]);
      }
      if (depth > 6) {
        j0 = 2 * j0 + 1 + +(sc[slot[b0 + j0]] >= thr[b0 + j0]);
        j1 = 2 * j1 + 1 + +(sc[slot[b1 + j1]] >= thr[b1 + j1]);
        j2 = 2 * j2 + 1 + +(sc[slot[b2 + j2]] >= thr[b2 + j2]);
        j3 = 2 * j3 + 1 + +(sc[slot[b3 + j3]] >= thr[b3 + j3]);
      }
      if (depth > 7) {
        j0 = 2 * j0 + 1 + +(sc[slot[b0 + j0]] >= thr[b0 + j0]);
        j1 = 2 * j1 + 1 + +(sc[slot[b1 + j1]] >= thr[b1 + j1]);
        j2 = 2 * j2 + 1 + +(sc[slot[b2 + j2]] >= thr[b2 + j2]);
        j3 = 2 * j3 + 1 + +(sc[slot[b3 + j3]] >= thr[b3 + j3]);
      }
      const l = t * nL - nI;
      s += leaf[l + j0];
      s += leaf[l + nL + j1];
      s += leaf[l + 2 * nL + j2];
      s += leaf[l + 3 * nL + j3];
    }
    for (; t < nTrees; t++) s += leaf[t * nL - nI + walk(t * nI)];
    return s;
  };
  const sumMulti = (out: Float64Array, o: number): void => {
    for (let k = 0; k < nOut; k++) out[o + k] = base[k];
    for (let t = 0; t < nTrees; t++) {
      const li = t * nL - nI + walk(t * nI);
      if (width === 1) out[o + target[t]] += leaf[li];
      else for (let k = 0; k < width; k++) out[o + k] += leaf[li * width + k];
    }
  };
  // Eight rows tree by tree: the tree's nodes stay in L1 and the eight walks overlap.
  const sumLanes = (out: Float64Array, r: number): void => {
    const o1 = w;
    const o2 = 2 * w;
    const o3 = 3 * w;
    const o4 = 4 * w;
    const o5 = 5 * w;
    const o6 = 6 * w;
    const o7 = 7 * w;
    let s0 = base[0];
    let s1 = s0;
    let s2 = s0;
    let s3 = s0;
    let s4 = s0;
    let s5 = s0;
    let s6 = s0;
    let s7 = s0;
    for (let t = 0; t < nTrees; t++) {
      const b = t * nI;
      let j0 = 0;
      let j1 = 0;
      let j2 = 0;
      let j3 = 0;
      let j4 = 0;
      let j5 = 0;
      let j6 = 0;
      let j7 = 0;
      if (depth > 0) {
        j0 = 2 * j0 + 1 + +(sc[slot[b + j0]] >= thr[b + j0]);
        j1 = 2 * j1 + 1 + +(sc[o1 + slot[b + j1]] >= thr[b + j1]);
        j2 = 2 * j2 + 1 + +(sc[o2 + slot[b + j2]] >= thr[b + j2]);
        j3 = 2 * j3 + 1 + +(sc[o3 + slot[b + j3]] >= thr[b + j3]);
        j4 = 2 * j4 + 1 + +(sc[o4 + slot[b + j4]] >= thr[b + j4]);
        j5 = 2 * j5 + 1 + +(sc[o5 + slot[b + j5]] >= thr[b + j5]);
        j6 = 2 * j6 + 1 + +(sc[o6 + slot[b + j6]] >= thr[b + j6]);
        j7 = 2 * j7 + 1 + +(sc[o7 + slot[b + j7]] >= thr[b + j7]);
      }
      if (depth > 1) {
        j0 = 2 * j0 + 1 + +(sc[slot[b + j0]] >= thr[b + j0]);
        j1 = 2 * j1 + 1 + +(sc[o1 + slot[b + j1]] >= thr[b + j1]);
        j2 = 2 * j2 + 1 + +(sc[o2 + slot[b + j2]] >= thr[b + j2]);
        j3 = 2 * j3 + 1 + +(sc[o3 + slot[b + j3]] >= thr[b + j3]);
        j4 = 2 * j4 + 1 + +(sc[o4 + slot[b + j4]] >= thr[b + j4]);
        j5 = 2 * j5 + 1 + +(sc[o5 + slot[b + j5]] >= thr[b + j5]);
        j6 = 2 * j6 + 1 + +(sc[o6 + slot[b + j6]] >= thr[b + j6]);
        j7 = 2 * j7 + 1 + +(sc[o7 + slot[b + j7]] >= thr[b + j7]);
      }
      if (depth > 2) {
        j0 = 2 * j0 + 1 + +(sc[slot[b + j0]] >= thr[b + j0]);
        j1 = 2 * j1 + 1 + +(sc[o1 + slot[b + j1]] >= thr[b + j1]);
        j2 = 2 * j2 + 1 + +(sc[o2 + slot[b + j2]] >= thr[b + j2]);
        j3 = 2 * j3 + 1 + +(sc[o3 + slot[b + j3]] >= thr[b + j3]);
        j4 = 2 * j4 + 1 + +(sc[o4 + slot[b + j4]] >= thr[b + j4]);
        j5 = 2 * j5 + 1 + +(sc[o5 + slot[b + j5]] >= thr[b + j5]);
        j6 = 2 * j6 + 1 + +(sc[o6 + slot[b + j6]] >= thr[b + j6]);
        j7 = 2 * j7 + 1 + +(sc[o7 + slot[b + j7]] >= thr[b + j7]);
      }
      if (depth > 3) {
        j0 = 2 * j0 + 1 + +(sc[slot[b + j0]] >= thr[b + j0]);
        j1 = 2 * j1 + 1 + +(sc[o1 + slot[b + j1]] >= thr[b + j1]);
        j2 = 2 * j2 + 1 + +(sc[o2 + slot[b + j2]] >= thr[b + j2]);
        j3 = 2 * j3 + 1 + +(sc[o3 + slot[b + j3]] >= thr[b + j3]);
        j4 = 2 * j4 + 1 + +(sc[o4 + slot[b + j4]] >= thr[b + j4]);
        j5 = 2 * j5 + 1 + +(sc[o5 + slot[b + j5]] >= thr[b + j5]);
        j6 = 2 * j6 + 1 + +(sc[o6 + slot[b + j6]] >= thr[b + j6]);
        j7 = 2 * j7 + 1 + +(sc[o7 + slot[b + j7]] >= thr[b + j7]);
      }
      if (depth > 4) {
        j0 = 2 * j0 + 1 + +(sc[slot[b + j0]] >= thr[b + j0]);
        j1 = 2 * j1 + 1 + +(sc[o1 + slot[b + j1]] >= thr[b + j1]);
        j2 = 2 * j2 + 1 + +(sc[o2 + slot[b + j2]] >= thr[b + j2]);
        j3 = 2 * j3 + 1 + +(sc[o3 + slot[b + j3]] >= thr[b + j3]);
        j4 = 2 * j4 + 1 + +(sc[o4 + slot[b + j4]] >= thr[b + j4]);
        j5 = 2 * j5 + 1 + +(sc[o5 + slot[b + j5]] >= thr[b + j5]);
        j6 = 2 * j6 + 1 + +(sc[o6 + slot[b + j6]] >= thr[b + j6]);
        j7 = 2 * j7 + 1 + +(sc[o7 + slot[b + j7]] >= thr[b + j7]);
      }
      if (depth > 5) {
        j0 = 2 * j0 + 1 + +(sc[slot[b + j0]] >= thr[b + j0]);
        j1 = 2 * j1 + 1 + +(sc[o1 + slot[b + j1]] >= thr[b + j1]);
        j2 = 2 * j2 + 1 + +(sc[o2 + slot[b + j2]] >= thr[b + j2]);
        j3 = 2 * j3 + 1 + +(sc[o3 + slot[b + j3]] >= thr[b + j3]);
        j4 = 2 * j4 + 1 + +(sc[o4 + slot[b + j4]] >= thr[b + j4]);
        j5 = 2 * j5 + 1 + +(sc[o5 + slot[b + j5]] >= thr[b + j5]);
        j6 = 2 * j6 + 1 + +(sc[o6 + slot[b + j6]] >= thr[b + j6]);
        j7 = 2 * j7 + 1 + +(sc[o7 + slot[b + j7]] >= thr[b + j7]);
      }
      if (depth > 6) {
        j0 = 2 * j0 + 1 + +(sc[slot[b + j0]] >= thr[b + j0]);
        j1 = 2 * j1 + 1 + +(sc[o1 + slot[b + j1]] >= thr[b + j1]);
        j2 = 2 * j2 + 1 + +(sc[o2 + slot[b + j2]] >= thr[b + j2]);
        j3 = 2 * j3 + 1 + +(sc[o3 + slot[b + j3]] >= thr[b + j3]);
        j4 = 2 * j4 + 1 + +(sc[o4 + slot[b + j4]] >= thr[b + j4]);
        j5 = 2 * j5 + 1 + +(sc[o5 + slot[b + j5]] >= thr[b + j5]);
        j6 = 2 * j6 + 1 + +(sc[o6 + slot[b + j6]] >= thr[b + j6]);
        j7 = 2 * j7 + 1 + +(sc[o7 + slot[b + j7]] >= thr[b + j7]);
      }
      if (depth > 7) {
        j0 = 2 * j0 + 1 + +(sc[slot[b + j0]] >= thr[b + j0]);
        j1 = 2 * j1 + 1 + +(sc[o1 + slot[b + j1]] >= thr[b + j1]);
        j2 = 2 * j2 + 1 + +(sc[o2 + slot[b + j2]] >= thr[b + j2]);
        j3 = 2 * j3 + 1 + +(sc[o3 + slot[b + j3]] >= thr[b + j3]);
        j4 = 2 * j4 + 1 + +(sc[o4 + slot[b + j4]] >= thr[b + j4]);
        j5 = 2 * j5 + 1 + +(sc[o5 + slot[b + j5]] >= thr[b + j5]);
        j6 = 2 * j6 + 1 + +(sc[o6 + slot[b + j6]] >= thr[b + j6]);
        j7 = 2 * j7 + 1 + +(sc[o7 + slot[b + j7]] >= thr[b + j7]);
      }
      const l = t * nL - nI;
      s0 += leaf[l + j0];
      s1 += leaf[l + j1];
      s2 += leaf[l + j2];
      s3 += leaf[l + j3];
      s4 += leaf[l + j4];
      s5 += leaf[l + j5];
      s6 += leaf[l + j6];
      s7 += leaf[l + j7];
    }
    out[r] = s0;
    out[r + 1] = s1;
    out[r + 2] = s2;
    out[r + 3] = s3;
    out[r + 4] = s4;
    out[r + 5] = s5;
    out[r + 6] = s6;
    out[r + 7] = s7;
  };
  const row = (src: ArrayLike<number>, at: number, out: Float64Array, o: number): void => {
    load(src, at, 0);
    if (nOut === 1) out[o] = sumOne();
    else sumMulti(out, o);
  };
  const batch = (rows: Float32Array, nRows: number, out: Float64Array): void => {
    let r = 0;
    if (nOut === 1) {
      for (; r + lanes <= nRows; r += lanes) {
        for (let q = 0; q < lanes; q++) load(rows, (r + q) * nf, q * w);
        sumLanes(out, r);
      }
    }
    for (; r < nRows; r++) row(rows, r * nf, out, r * nOut);
  };
  return { row, batch };
}
