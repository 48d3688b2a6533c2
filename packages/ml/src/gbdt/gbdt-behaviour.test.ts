import { describe, expect, it } from 'vitest';
import { createDataset, type Dataset } from '../data/dataset.js';
import { evaluateEnsemble, type Tree, type TreeEnsemble } from '../model/tree-ensemble.js';
import { Random } from '../util/random.js';
import { trainGbdt } from './gbdt-trainer.js';

function dataset(
  columns: number[][],
  labels: number[],
  classNames = ['neg', 'pos'],
  weights?: number[],
): Dataset {
  return createDataset({
    features: columns.map((_, f) => ({ name: `x${f}`, kind: 'numeric' as const })),
    columns: columns.map((c) => Float32Array.from(c)),
    labels: Int32Array.from(labels),
    classNames,
    weights: weights ? Float32Array.from(weights) : undefined,
  });
}

function predict(ens: TreeEnsemble, ds: Dataset, i: number): Float64Array {
  return evaluateEnsemble(
    ens,
    ds.columns.map((c) => c[i]),
  );
}

function logloss(ens: TreeEnsemble, ds: Dataset): number {
  let s = 0;
  for (let i = 0; i < ds.nRows; i++) {
    const p = predict(ens, ds, i);
    const y = ds.labels?.[i] ?? 0;
    const py = p.length === 1 ? (y === 1 ? p[0] : 1 - p[0]) : p[y];
    s -= Math.log(Math.max(py, 1e-16));
  }
  return s / ds.nRows;
}

function plain(t: Tree): unknown {
  return [t.feature, t.threshold, t.left, t.right, t.defaultLeft, t.values, t.gain, t.cover].map((a) =>
    Array.from(a),
  );
}

/** Noisy two-feature data with missing values, for the behavioural tests below. */
function noisy(n: number, seed: number, classes = 2): Dataset {
  const rng = new Random(seed);
  const a: number[] = [];
  const b: number[] = [];
  const c: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const u = rng.next();
    const v = rng.next();
    a.push(u);
    b.push(rng.next() < 0.1 ? Number.NaN : v);
    c.push(Math.floor(rng.next() * 4));
    const score = u + 0.5 * v + 0.3 * rng.next();
    y.push(Math.min(classes - 1, Math.floor((score / 1.8) * classes)));
  }
  const names = Array.from({ length: classes }, (_, k) => `c${k}`);
  return dataset([a, b, c], y, names);
}

describe('trainGbdt: behaviour', () => {
  it('reports a training loss equal to the loss of its own ensemble (sampling and missing values included)', async () => {
    // 20 000 rows: large nodes are built and partitioned in several chunks.
    for (const [classes, n] of [
      [2, 20_000],
      [3, 400],
    ]) {
      const ds = noisy(n, 3, classes);
      const r = await trainGbdt(ds, {
        nEstimators: 8,
        maxDepth: 3,
        subsample: 0.7,
        colsampleBytree: 0.67,
        seed: 5,
      });
      expect(r.history.train.length).toBe(8);
      expect(r.history.train[7]).toBeCloseTo(logloss(r.ensemble, ds), 9);
      expect(r.history.train[7]).toBeLessThan(r.history.train[0]);
    }
  });

  it('is reproducible for a seed, and the seed matters when sampling', async () => {
    const ds = noisy(300, 11);
    const p = { nEstimators: 5, maxDepth: 3, subsample: 0.6, colsampleBytree: 0.67, colsampleBylevel: 0.8 };
    const a = await trainGbdt(ds, { ...p, seed: 1 });
    const b = await trainGbdt(ds, { ...p, seed: 1 });
    const c = await trainGbdt(ds, { ...p, seed: 2 });
    expect(a.ensemble.trees.map(plain)).toEqual(b.ensemble.trees.map(plain));
    expect(a.ensemble.trees.map(plain)).not.toEqual(c.ensemble.trees.map(plain));
  });

  it('stops early and keeps the trees up to the best validation round', async () => {
    const rng = new Random(4);
    const noise = (n: number): Dataset =>
      dataset(
        [Array.from({ length: n }, () => rng.next()), Array.from({ length: n }, () => rng.next())],
        Array.from({ length: n }, () => (rng.next() < 0.5 ? 1 : 0)),
      );
    const r = await trainGbdt(
      noise(300),
      { nEstimators: 100, maxDepth: 4, learningRate: 0.5, minChildWeight: 0, earlyStoppingRounds: 3 },
      { validation: noise(300) },
    );
    const val = r.history.validation ?? [];
    expect(val.length).toBe(r.bestIteration + 1 + 3);
    expect(val.length).toBeLessThan(100);
    expect(r.ensemble.trees.length).toBe(r.bestIteration + 1);
    expect(Math.min(...val)).toBe(val[r.bestIteration]);
    await expect(trainGbdt(noise(50), { earlyStoppingRounds: 3 })).rejects.toThrow(/earlyStoppingRounds/);
  });

  it('reports every round and validates its inputs', async () => {
    const rounds: number[] = [];
    const ds = noisy(100, 1);
    await trainGbdt(
      ds,
      { nEstimators: 4, maxDepth: 2 },
      { validation: ds, onRound: (i) => rounds.push(i.round) },
    );
    expect(rounds).toEqual([1, 2, 3, 4]);
    await expect(trainGbdt(ds, { maxDepth: 0 })).rejects.toThrow(RangeError);
    const unlabeled = createDataset({ features: ds.features, columns: ds.columns });
    await expect(trainGbdt(unlabeled)).rejects.toThrow(/labels/);
    const badWeights = dataset([[1, 2, 3]], [0, 1, 0], ['a', 'b'], [1, -1, 1]);
    await expect(trainGbdt(badWeights)).rejects.toThrow(/weights/);
  });

  it('treats weights like repeated rows, and balanced class weights centre the base score', async () => {
    const once = dataset([[1, 2, 3, 4, 5, 6]], [0, 0, 1, 0, 1, 1], ['a', 'b'], [1, 3, 1, 1, 2, 1]);
    const repeated = dataset([[1, 2, 2, 2, 3, 4, 5, 5, 6]], [0, 0, 0, 0, 1, 0, 1, 1, 1]);
    const p = { nEstimators: 3, maxDepth: 2, minChildWeight: 0 };
    const a = await trainGbdt(once, p);
    const b = await trainGbdt(repeated, p);
    for (const x of [1, 2, 3, 4, 5, 6]) {
      expect(evaluateEnsemble(a.ensemble, [x])[0]).toBeCloseTo(evaluateEnsemble(b.ensemble, [x])[0], 6);
    }
    const skewed = dataset([[1, 2, 3, 4]], [0, 0, 0, 1]);
    const balanced = await trainGbdt(skewed, { nEstimators: 1, classWeights: 'balanced' });
    expect(balanced.ensemble.baseScore[0]).toBeCloseTo(0, 12);
    const plainBase = await trainGbdt(skewed, { nEstimators: 1 });
    expect(plainBase.ensemble.baseScore[0]).toBeCloseTo(Math.log(1 / 3), 12);
  });

  it('builds the same model when histogram memory forces level-by-level batches', async () => {
    const ds = noisy(500, 9, 3);
    const p = { nEstimators: 4, maxDepth: 4, seed: 3 };
    const roomy = await trainGbdt(ds, p);
    const tight = await trainGbdt(ds, p, { maxHistogramBytes: 1 });
    expect(tight.ensemble.trees.map((t) => Array.from(t.feature))).toEqual(
      roomy.ensemble.trees.map((t) => Array.from(t.feature)),
    );
    for (let i = 0; i < ds.nRows; i += 7) {
      const x = predict(roomy.ensemble, ds, i);
      const y = predict(tight.ensemble, ds, i);
      for (let k = 0; k < 3; k++) expect(y[k]).toBeCloseTo(x[k], 9);
    }
  });
});
