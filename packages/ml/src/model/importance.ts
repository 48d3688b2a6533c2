import type { TreeEnsemble } from './tree-ensemble.js';

/**
 * Importance measures with XGBoost's definitions: `weight` = number of splits on the feature,
 * `total_gain` / `total_cover` = summed loss reduction / cover (hessian or sample weight) of those
 * splits, `gain` / `cover` = the same averaged per split.
 */
export type ImportanceType = 'gain' | 'total_gain' | 'cover' | 'total_cover' | 'weight';

const TYPES: readonly ImportanceType[] = ['gain', 'total_gain', 'cover', 'total_cover', 'weight'];

/** One value per feature (0 for features never split on), in the ensemble's feature order. */
export function featureImportance(ens: TreeEnsemble, type: ImportanceType): Float64Array {
  if (!TYPES.includes(type))
    throw new RangeError(`importance: unknown type "${type}", expected ${TYPES.join(', ')}`);
  const nf = ens.nFeatures;
  const splits = new Float64Array(nf);
  const gain = new Float64Array(nf);
  const cover = new Float64Array(nf);
  for (const tree of ens.trees) {
    for (let node = 0; node < tree.feature.length; node++) {
      const f = tree.feature[node];
      if (f < 0) continue;
      if (f >= nf) throw new RangeError(`importance: a split uses feature ${f}, the ensemble has ${nf}`);
      splits[f] += 1;
      gain[f] += tree.gain[node];
      cover[f] += tree.cover[node];
    }
  }
  switch (type) {
    case 'weight':
      return splits;
    case 'total_gain':
      return gain;
    case 'total_cover':
      return cover;
    case 'gain':
      return average(gain, splits);
    case 'cover':
      return average(cover, splits);
  }
}

function average(total: Float64Array, count: Float64Array): Float64Array {
  return total.map((v, f) => (count[f] > 0 ? v / count[f] : 0));
}

/** The `k` features with the largest positive importance, largest first (ties keep feature order). */
export function topFeatures(
  importance: ArrayLike<number>,
  names: readonly string[],
  k: number,
): { name: string; value: number }[] {
  if (names.length !== importance.length) {
    throw new RangeError(`importance: ${names.length} names for ${importance.length} features`);
  }
  const ranked: { name: string; value: number }[] = [];
  for (let f = 0; f < importance.length; f++) {
    if (importance[f] > 0) ranked.push({ name: names[f], value: importance[f] });
  }
  // Array.prototype.sort is stable, so equal values stay in feature order.
  ranked.sort((a, b) => b.value - a.value);
  return ranked.slice(0, Math.max(0, k));
}
