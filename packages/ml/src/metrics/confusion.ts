/**
 * Confusion matrix with rows = true class and columns = predicted class (scikit-learn's layout):
 * `m[t][p]` counts rows of true class t predicted as p. Labels outside 0..nClasses-1 are an error.
 */
export function confusionMatrix(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  nClasses: number,
): number[][] {
  if (!Number.isInteger(nClasses) || nClasses < 1) {
    throw new RangeError(`confusionMatrix: nClasses must be a positive integer, got ${nClasses}`);
  }
  checkSameLength(yTrue, yPred);
  const m = Array.from({ length: nClasses }, () => new Array<number>(nClasses).fill(0));
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i];
    const p = yPred[i];
    if (!(t >= 0 && t < nClasses && Number.isInteger(t))) {
      throw new RangeError(`confusionMatrix: true label ${t} at row ${i} is outside 0..${nClasses - 1}`);
    }
    if (!(p >= 0 && p < nClasses && Number.isInteger(p))) {
      throw new RangeError(`confusionMatrix: predicted label ${p} at row ${i} is outside 0..${nClasses - 1}`);
    }
    m[t][p]++;
  }
  return m;
}

/** Fraction of rows whose prediction equals the true label (0 for no rows). */
export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkSameLength(yTrue, yPred);
  let hits = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) hits++;
  return yTrue.length > 0 ? hits / yTrue.length : 0;
}

/** Accuracy read off a confusion matrix: the diagonal over the total. */
export function accuracyFromConfusion(m: readonly (readonly number[])[]): number {
  let hits = 0;
  let total = 0;
  m.forEach((row, t) => {
    row.forEach((v) => {
      total += v;
    });
    hits += row[t];
  });
  return total > 0 ? hits / total : 0;
}

/** Throws a RangeError unless two per-row arrays have the same length. */
export function checkSameLength(a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) {
    throw new RangeError(`metrics: ${a.length} true labels but ${b.length} predictions`);
  }
}
