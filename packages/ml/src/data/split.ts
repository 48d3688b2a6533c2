import { Random } from '../util/random.js';

/** Share of rows for each part of a train / validation / test split; non-negative, summing to 1. */
export interface SplitFractions {
  readonly train: number;
  readonly validation: number;
  readonly test: number;
}

/** Row indices of each part, ascending (so selected rows keep their original order). */
export interface SplitIndices {
  readonly train: Uint32Array;
  readonly validation: Uint32Array;
  readonly test: Uint32Array;
}

/** One cross-validation fold: rows to fit on and rows to score, both ascending. */
export interface Fold {
  readonly train: Uint32Array;
  readonly test: Uint32Array;
}

const PARTS = ['train', 'validation', 'test'] as const;

/**
 * Splits rows into train / validation / test while keeping each class's proportion in every part.
 * Each class is shuffled on its own and cut by largest-remainder rounding, so a class's part sizes
 * differ from the exact fractions by less than one row. A class with at least 3 rows gets at least
 * one row in every part whose fraction is positive, so rare attack classes are never missing from
 * validation or test.
 */
export function stratifiedSplit(labels: Int32Array, fractions: SplitFractions, seed: number): SplitIndices {
  const shares = checkFractions(fractions);
  const byClass = rowsByClass(labels);
  const rng = new Random(seed);
  const parts: number[][] = [[], [], []];
  for (const rows of byClass) {
    if (rows.length === 0) continue;
    rng.shuffle(rows);
    const sizes = allocate(rows.length, shares);
    let at = 0;
    for (let p = 0; p < 3; p++) {
      for (let i = 0; i < sizes[p]; i++) parts[p].push(rows[at++]);
    }
  }
  const [train, validation, test] = parts.map(sortedIndices);
  return { train, validation, test };
}

/**
 * Splits rows into train / validation / test keeping every group (e.g. the registrable domain of a
 * URL) whole on one side, so a model is judged on groups it never saw, while keeping each class's
 * proportion in every part as close as the groups allow. Groups are shuffled (seeded), taken
 * largest first and each placed in the part where it most reduces the gap to the target class
 * counts (squared error, each class scaled by its size so rare classes weigh as much as common
 * ones). With at least as many groups as parts of positive fraction, no such part is left empty.
 * `groups[i]` is a non-negative integer id of row i's group.
 */
export function groupSplit(
  labels: Int32Array,
  groups: ArrayLike<number>,
  fractions: SplitFractions,
  seed: number,
): SplitIndices {
  const shares = checkFractions(fractions);
  const n = labels.length;
  if (groups.length !== n) {
    throw new RangeError(`groupSplit: ${groups.length} group ids for ${n} labels`);
  }
  const byClass = rowsByClass(labels);
  const nClasses = byClass.length;
  const groupIndex = new Map<number, number>();
  const rowGroup = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const g = groups[i];
    if (!(Number.isInteger(g) && g >= 0)) {
      throw new RangeError(`groupSplit: group id at row ${i} must be a non-negative integer, got ${g}`);
    }
    let dense = groupIndex.get(g);
    if (dense === undefined) {
      dense = groupIndex.size;
      groupIndex.set(g, dense);
    }
    rowGroup[i] = dense;
  }
  const nGroups = groupIndex.size;
  const counts = new Float64Array(nGroups * nClasses);
  const sizes = new Int32Array(nGroups);
  for (let i = 0; i < n; i++) {
    counts[rowGroup[i] * nClasses + labels[i]]++;
    sizes[rowGroup[i]]++;
  }
  const order = new Int32Array(nGroups);
  for (let g = 0; g < nGroups; g++) order[g] = g;
  new Random(seed).shuffle(order);
  // Largest first; a stable sort keeps the shuffled order among groups of one size.
  const sorted = Array.from(order).sort((a, b) => sizes[b] - sizes[a]);

  const total = byClass.map((rows) => rows.length);
  const scale = total.map((t) => (t > 0 ? 1 / (t * t) : 0));
  const have = new Float64Array(3 * nClasses);
  const partOf = new Int8Array(nGroups);
  const groupsIn = [0, 0, 0];
  for (const g of sorted) {
    let best = -1;
    let bestCost = Number.POSITIVE_INFINITY;
    for (let p = 0; p < 3; p++) {
      if (!(shares[p] > 0)) continue;
      // Change of Σ_k ((have + c − target) / total_k)² when the group joins part p.
      let cost = 0;
      for (let k = 0; k < nClasses; k++) {
        const c = counts[g * nClasses + k];
        if (c === 0) continue;
        cost += scale[k] * c * (2 * (have[p * nClasses + k] - shares[p] * total[k]) + c);
      }
      if (cost < bestCost) {
        bestCost = cost;
        best = p;
      }
    }
    partOf[g] = best;
    groupsIn[best]++;
    for (let k = 0; k < nClasses; k++) have[best * nClasses + k] += counts[g * nClasses + k];
  }
  // A part the greedy pass left empty takes the smallest group of the part with the most groups.
  for (let p = 0; p < 3; p++) {
    if (!(shares[p] > 0) || groupsIn[p] > 0) continue;
    let donor = 0;
    for (let q = 1; q < 3; q++) if (groupsIn[q] > groupsIn[donor]) donor = q;
    if (groupsIn[donor] < 2) continue;
    for (let i = sorted.length - 1; i >= 0; i--) {
      if (partOf[sorted[i]] === donor) {
        partOf[sorted[i]] = p;
        groupsIn[donor]--;
        groupsIn[p]++;
        break;
      }
    }
  }
  const parts: number[][] = [[], [], []];
  for (let i = 0; i < n; i++) parts[partOf[rowGroup[i]]].push(i);
  const [train, validation, test] = parts.map(sortedIndices);
  return { train, validation, test };
}

/** A shuffled train / validation / test split for unlabelled rows (one-class stratified split). */
export function randomSplit(nRows: number, fractions: SplitFractions, seed: number): SplitIndices {
  if (!Number.isInteger(nRows) || nRows < 0) {
    throw new RangeError(`randomSplit: nRows must be a non-negative integer, got ${nRows}`);
  }
  return stratifiedSplit(new Int32Array(nRows), fractions, seed);
}

/**
 * Stratified k-fold cross-validation, as scikit-learn's `StratifiedKFold(shuffle=True)`: every row
 * is in exactly one test fold, fold sizes differ by at most one, and each class's count differs by
 * at most one between folds. Rows are shuffled within each class, then dealt round-robin across
 * the folds in class order.
 */
export function stratifiedKFold(labels: Int32Array, k: number, seed: number): Fold[] {
  if (!Number.isInteger(k) || k < 2)
    throw new RangeError(`stratifiedKFold: k must be an integer ≥ 2, got ${k}`);
  if (k > labels.length) {
    throw new RangeError(`stratifiedKFold: k (${k}) exceeds the number of rows (${labels.length})`);
  }
  const byClass = rowsByClass(labels);
  const rng = new Random(seed);
  const foldOf = new Int32Array(labels.length);
  // Dealing across classes continuously (not restarting at fold 0 for each class) keeps the total
  // fold sizes within one row of each other as well.
  let position = 0;
  for (const rows of byClass) {
    rng.shuffle(rows);
    for (const row of rows) foldOf[row] = position++ % k;
  }
  const sizes = new Int32Array(k);
  for (let i = 0; i < foldOf.length; i++) sizes[foldOf[i]]++;
  const folds: Fold[] = [];
  for (let f = 0; f < k; f++) {
    const test = new Uint32Array(sizes[f]);
    const train = new Uint32Array(labels.length - sizes[f]);
    let t = 0;
    let r = 0;
    for (let i = 0; i < foldOf.length; i++) {
      if (foldOf[i] === f) test[t++] = i;
      else train[r++] = i;
    }
    folds.push({ train, test });
  }
  return folds;
}

function checkFractions(fractions: SplitFractions): number[] {
  const shares = PARTS.map((p) => fractions[p]);
  PARTS.forEach((p, i) => {
    const v = shares[i];
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`split: fraction "${p}" must be ≥ 0, got ${v}`);
  });
  const sum = shares[0] + shares[1] + shares[2];
  if (Math.abs(sum - 1) > 1e-9) {
    throw new RangeError(`split: fractions train + validation + test must sum to 1, got ${sum}`);
  }
  return shares;
}

function rowsByClass(labels: Int32Array): number[][] {
  const byClass: number[][] = [];
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (y < 0) throw new RangeError(`split: label ${y} at row ${i} is negative`);
    while (byClass.length <= y) byClass.push([]);
    byClass[y].push(i);
  }
  return byClass;
}

/** Part sizes for `n` rows: largest-remainder rounding, then one row for each positive part if n ≥ 3. */
function allocate(n: number, shares: number[]): number[] {
  const exact = shares.map((s) => s * n);
  const sizes = exact.map(Math.floor);
  let left = n - sizes[0] - sizes[1] - sizes[2];
  // Ties in the remainder go to the earlier part (train first), which keeps results stable.
  const order = [0, 1, 2].sort((a, b) => exact[b] - sizes[b] - (exact[a] - sizes[a]) || a - b);
  for (let i = 0; left > 0; i = (i + 1) % 3) {
    if (shares[order[i]] > 0) {
      sizes[order[i]]++;
      left--;
    }
  }
  const wanted = shares.filter((s) => s > 0).length;
  if (n >= 3 && n >= wanted) {
    for (let p = 0; p < 3; p++) {
      if (shares[p] > 0 && sizes[p] === 0) {
        // Take the row from the largest part; it has ≥ 2 rows because n ≥ 3 and at most 3 parts.
        let donor = 0;
        for (let q = 1; q < 3; q++) if (sizes[q] > sizes[donor]) donor = q;
        sizes[donor]--;
        sizes[p]++;
      }
    }
  }
  return sizes;
}

function sortedIndices(rows: number[]): Uint32Array {
  return Uint32Array.from(rows).sort();
}
