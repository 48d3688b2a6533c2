import type { Kernel } from './compiled-kernels.js';
import type { PackedEnsemble } from './compiled-layout.js';

// Instantiated through specializeFactory() like completeKernel: keep it self-contained.

/** Kernel for the general layout (deep or ragged trees): child references, still branch-free per step. */
export function generalKernel(p: PackedEnsemble): Kernel {
  const slot = p.slot;
  const thr = p.thr;
  const next = p.next;
  const roots = p.roots;
  const leaf = p.leaf;
  const target = p.target;
  const base = p.base;
  const nTrees = p.nTrees;
  const nf = p.nFeatures;
  const nOut = p.nOutputs;
  const width = p.leafWidth;
  const sc = new Float32Array(2 * nf);

  const walk = (n: number): number => {
    while (n >= 0) n = next[2 * n + +(sc[slot[n]] >= thr[n])];
    return ~n;
  };
  const row = (src: ArrayLike<number>, at: number, out: Float64Array, o: number): void => {
    for (let f = 0; f < nf; f++) {
      const v = src[at + f];
      sc[f] = v;
      sc[nf + f] = -v;
    }
    if (nOut === 1) {
      let s = base[0];
      for (let t = 0; t < nTrees; t++) s += leaf[walk(roots[t])];
      out[o] = s;
      return;
    }
    for (let k = 0; k < nOut; k++) out[o + k] = base[k];
    for (let t = 0; t < nTrees; t++) {
      const li = walk(roots[t]);
      if (width === 1) out[o + target[t]] += leaf[li];
      else for (let k = 0; k < width; k++) out[o + k] += leaf[li * width + k];
    }
  };
  const batch = (rows: Float32Array, nRows: number, out: Float64Array): void => {
    for (let r = 0; r < nRows; r++) row(rows, r * nf, out, r * nOut);
  };
  return { row, batch };
}
