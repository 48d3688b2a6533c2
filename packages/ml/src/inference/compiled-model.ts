import { isolationPathNormaliser, type OutputTransform, type TreeEnsemble } from '../model/tree-ensemble.js';
import { completeKernel, type Kernel } from './compiled-kernels.js';
import { type PackedEnsemble, packEnsemble } from './compiled-layout.js';
import { generalKernel } from './general-kernel.js';
import { specializeFactory } from './specialize.js';

/**
 * A tree ensemble compiled to flat typed arrays for fast scoring. Results equal `evaluateEnsemble`
 * bit for bit (same float32 comparisons, same summation order). Instances keep private scratch
 * space, so calls must not interleave across threads (each worker compiles its own).
 */
export interface CompiledModel {
  readonly nFeatures: number;
  readonly nOutputs: number;
  readonly nTrees: number;
  /** `complete` (padded, pointer-free trees, the fast path) or `general` (deep or ragged trees). */
  readonly layout: 'complete' | 'general';
  /** Transformed outputs (probabilities or anomaly score) of one row into `out`; allocates nothing. */
  predictRow(row: ArrayLike<number>, out: Float64Array): Float64Array;
  /** Transformed outputs of `nRows` row-major rows (`nRows × nFeatures`) into `out` (`nRows × nOutputs`). */
  predictBatch(rows: Float32Array, nRows: number, out?: Float64Array): Float64Array;
  /** Untransformed sums (base score + leaf values) of `nRows` row-major rows. */
  predictMarginBatch(rows: Float32Array, nRows: number, out?: Float64Array): Float64Array;
}

/**
 * Compiles an ensemble (validating its structure: child indices, features, leaf widths, cycles).
 * Missing values are NaN; a row shorter than `nFeatures` is rejected rather than read as missing.
 */
export function compileEnsemble(ens: TreeEnsemble): CompiledModel {
  const packed = packEnsemble(ens);
  const kernel = buildKernel(packed);
  const transform = makeTransform(ens.transform, packed.nTrees, ens.isolationSampleSize ?? 256);
  const { nFeatures, nOutputs, nTrees, layout } = packed;

  const checkBatch = (rows: Float32Array, nRows: number, out: Float64Array | undefined): Float64Array => {
    if (!Number.isInteger(nRows) || nRows < 0 || rows.length < nRows * nFeatures) {
      throw new RangeError(
        `predict: ${rows.length} values cannot hold ${nRows} rows of ${nFeatures} features`,
      );
    }
    if (out && out.length < nRows * nOutputs) {
      throw new RangeError(`predict: output holds ${out.length} values, need ${nRows * nOutputs}`);
    }
    return out ?? new Float64Array(nRows * nOutputs);
  };
  const predictMarginBatch = (rows: Float32Array, nRows: number, out?: Float64Array): Float64Array => {
    const res = checkBatch(rows, nRows, out);
    kernel.batch(rows, nRows, res);
    return res;
  };
  return {
    nFeatures,
    nOutputs,
    nTrees,
    layout,
    predictRow(row, out) {
      if (row.length < nFeatures)
        throw new RangeError(`predict: row has ${row.length} values, need ${nFeatures}`);
      if (out.length < nOutputs)
        throw new RangeError(`predict: output holds ${out.length} values, need ${nOutputs}`);
      kernel.row(row, 0, out, 0);
      transform(out, 0, nOutputs);
      return out;
    },
    predictBatch(rows, nRows, out) {
      const res = predictMarginBatch(rows, nRows, out);
      for (let r = 0; r < nRows; r++) transform(res, r * nOutputs, nOutputs);
      return res;
    },
    predictMarginBatch,
  };
}

function buildKernel(packed: PackedEnsemble): Kernel {
  const factory = packed.layout === 'complete' ? completeKernel : generalKernel;
  const reference = factory(packed);
  const copy = specializeFactory(factory);
  if (!copy) return reference;
  try {
    const fast = copy(packed);
    return agreeOnProbe(packed, reference, fast) ? fast : reference;
  } catch {
    return reference;
  }
}

/** Cheap guard that the recompiled copy behaves like the original (e.g. not broken by instrumentation). */
function agreeOnProbe(packed: PackedEnsemble, a: Kernel, b: Kernel): boolean {
  const nf = packed.nFeatures;
  const nOut = packed.nOutputs;
  const rows = new Float32Array(10 * nf);
  for (let i = 0; i < rows.length; i++) rows[i] = i % 3 === 0 ? Number.NaN : (i % 7) - 3;
  const outA = new Float64Array(10 * nOut);
  const outB = new Float64Array(10 * nOut);
  a.batch(rows, 10, outA);
  b.batch(rows, 10, outB);
  for (let i = 0; i < outA.length; i++) if (!Object.is(outA[i], outB[i])) return false;
  return true;
}

type Transform = (out: Float64Array, o: number, n: number) => void;

/** The arithmetic of `applyTransform`, on a slice of a batch output. */
function makeTransform(kind: OutputTransform, nTrees: number, sampleSize: number): Transform {
  switch (kind) {
    case 'sigmoid':
      return (out, o, n) => {
        for (let k = o; k < o + n; k++) out[k] = 1 / (1 + Math.exp(-out[k]));
      };
    case 'softmax':
      return (out, o, n) => {
        let max = Number.NEGATIVE_INFINITY;
        for (let k = o; k < o + n; k++) max = Math.max(max, out[k]);
        let sum = 0;
        for (let k = o; k < o + n; k++) {
          out[k] = Math.exp(out[k] - max);
          sum += out[k];
        }
        for (let k = o; k < o + n; k++) out[k] /= sum;
      };
    case 'mean-probability': {
      const m = nTrees || 1;
      return (out, o, n) => {
        for (let k = o; k < o + n; k++) out[k] /= m;
      };
    }
    case 'isolation': {
      const m = nTrees || 1;
      const c = isolationPathNormaliser(sampleSize);
      return (out, o, n) => {
        for (let k = o; k < o + n; k++) out[k] = c > 0 ? 2 ** (-(out[k] / m) / c) : 0.5;
      };
    }
    case 'identity':
      return () => {};
  }
}
