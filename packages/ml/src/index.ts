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

// gbdt (gbdt/)

// forests (forest/)

// inference and model documents (inference/, model/)
