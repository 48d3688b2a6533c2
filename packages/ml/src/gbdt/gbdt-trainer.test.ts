import { describe, expect, it } from 'vitest';
import { createDataset, type Dataset } from '../data/dataset.js';
import { evaluateEnsemble, type TreeEnsemble } from '../model/tree-ensemble.js';
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

/** x = 1..6 three times, y = 0,0,1,1,1,1: the best stump is x < 3. */
function stumpData(): Dataset {
  const x: number[] = [];
  const y: number[] = [];
  for (let r = 0; r < 3; r++) {
    for (let v = 1; v <= 6; v++) {
      x.push(v);
      y.push(v >= 3 ? 1 : 0);
    }
  }
  return dataset([x], y);
}

function predict(ens: TreeEnsemble, ds: Dataset, i: number): Float64Array {
  return evaluateEnsemble(
    ens,
    ds.columns.map((c) => c[i]),
  );
}

function accuracy(ens: TreeEnsemble, ds: Dataset): number {
  let ok = 0;
  for (let i = 0; i < ds.nRows; i++) {
    const p = predict(ens, ds, i);
    const cls = p.length === 1 ? (p[0] > 0.5 ? 1 : 0) : p.indexOf(Math.max(...p));
    if (cls === ds.labels?.[i]) ok++;
  }
  return ok / ds.nRows;
}

describe('trainGbdt: XGBoost arithmetic on hand-checkable cases', () => {
  it('fits a stump whose base score, leaves, gain and cover match the formulas', async () => {
    const lr = 0.3;
    const { ensemble, bestIteration } = await trainGbdt(stumpData(), {
      nEstimators: 1,
      maxDepth: 1,
      learningRate: lr,
    });
    // Base score: logit of the label mean 2/3 = ln 2. Then p = 2/3 everywhere, so a y=0 row has
    // g = 2/3, h = 2/9 and a y=1 row g = −1/3, h = 2/9. Left (x < 3): 6 zeros → G = 4, H = 4/3.
    // Right: 12 ones → G = −4, H = 8/3. λ = 1.
    expect(ensemble.baseScore[0]).toBeCloseTo(Math.log(2), 12);
    expect(ensemble.transform).toBe('sigmoid');
    expect(bestIteration).toBe(0);
    const t = ensemble.trees[0];
    expect(t.feature[0]).toBe(0);
    expect(t.threshold[0]).toBe(3);
    expect(t.values[t.left[0]]).toBeCloseTo(lr * (-4 / (4 / 3 + 1)), 6);
    expect(t.values[t.right[0]]).toBeCloseTo(lr * (4 / (8 / 3 + 1)), 6);
    // loss_chg = G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ), without the ½ (XGBoost's convention).
    expect(t.gain[0]).toBeCloseTo(16 / (7 / 3) + 16 / (11 / 3), 4);
    expect(t.cover[0]).toBeCloseTo(4, 5);
    expect(t.cover[t.left[0]]).toBeCloseTo(4 / 3, 5);
  });

  it('breaks ties between equally good features towards the lower index, like XGBoost', async () => {
    const one = stumpData();
    const twice = dataset(
      [Array.from(one.columns[0]), Array.from(one.columns[0])],
      Array.from(one.labels ?? []),
    );
    const { ensemble } = await trainGbdt(twice, { nEstimators: 1, maxDepth: 1 });
    expect(ensemble.trees[0].feature[0]).toBe(0);
  });

  it('makes no split whose loss reduction is below gamma', async () => {
    const gain = 16 / (7 / 3) + 16 / (11 / 3);
    const below = await trainGbdt(stumpData(), { nEstimators: 1, maxDepth: 1, gamma: gain - 0.01 });
    expect(below.ensemble.trees[0].feature[0]).toBe(0);
    const above = await trainGbdt(stumpData(), { nEstimators: 1, maxDepth: 1, gamma: gain + 0.01 });
    const t = above.ensemble.trees[0];
    expect(t.feature.length).toBe(1);
    expect(t.feature[0]).toBe(-1);
    // G = 0 at the root, so the single leaf adds nothing.
    expect(t.values[0]).toBeCloseTo(0, 12);
  });

  it('respects min_child_weight on both children', async () => {
    // H_left of x < 3 is 4/3: with 1.5 the next best split (x < 4, H 2 | 2) wins.
    const moved = await trainGbdt(stumpData(), { nEstimators: 1, maxDepth: 1, minChildWeight: 1.5 });
    expect(moved.ensemble.trees[0].threshold[0]).toBe(4);
    // Total H is 4: no split can give both children 2.1.
    const blocked = await trainGbdt(stumpData(), { nEstimators: 1, maxDepth: 1, minChildWeight: 2.1 });
    expect(blocked.ensemble.trees[0].feature[0]).toBe(-1);
  });

  it('learns the default direction of missing values', async () => {
    for (const missingLabel of [0, 1]) {
      const x: number[] = [];
      const y: number[] = [];
      for (let r = 0; r < 5; r++) {
        for (const [v, label] of [
          [1, 0],
          [2, 0],
          [3, 1],
          [4, 1],
          [Number.NaN, missingLabel],
          [Number.NaN, missingLabel],
        ]) {
          x.push(v);
          y.push(label);
        }
      }
      const { ensemble } = await trainGbdt(dataset([x], y), {
        nEstimators: 1,
        maxDepth: 1,
        minChildWeight: 0,
      });
      const t = ensemble.trees[0];
      expect(t.threshold[0]).toBe(3);
      // Missing rows behave like the class they share a label with: left with the zeros.
      expect(t.defaultLeft[0]).toBe(missingLabel === 0 ? 1 : 0);
      const pMissing = evaluateEnsemble(ensemble, [Number.NaN])[0];
      const pLow = evaluateEnsemble(ensemble, [1])[0];
      const pHigh = evaluateEnsemble(ensemble, [4])[0];
      expect(pMissing).toBeCloseTo(missingLabel === 0 ? pLow : pHigh, 12);
    }
  });

  it('learns an (unbalanced) XOR with depth-2 trees', async () => {
    const a: number[] = [];
    const b: number[] = [];
    const y: number[] = [];
    const cells: [number, number, number][] = [
      [0, 0, 12],
      [1, 1, 10],
      [0, 1, 10],
      [1, 0, 7],
    ];
    for (const [u, v, n] of cells) {
      for (let i = 0; i < n; i++) {
        a.push(u + i * 0.01);
        b.push(v + i * 0.01);
        y.push(u ^ v);
      }
    }
    const ds = dataset([a, b], y);
    const { ensemble } = await trainGbdt(ds, { nEstimators: 20, maxDepth: 2, learningRate: 0.5 });
    expect(accuracy(ensemble, ds)).toBe(1);
    expect(Math.max(...ensemble.trees.map((t) => t.feature.length))).toBeLessThanOrEqual(7);
  });

  it("uses softmax gradients with XGBoost's hessian 2p(1 − p) for multi:softprob", async () => {
    const x = [1, 2, 3, 4, 5, 6, 7, 8];
    const y = [0, 0, 0, 1, 1, 2, 0, 2];
    const { ensemble } = await trainGbdt(dataset([x], y, ['a', 'b', 'c']), {
      nEstimators: 1,
      maxDepth: 1,
      minChildWeight: 0,
      learningRate: 1,
    });
    // Intercept: centred log class shares (XGBoost 3.2), so p_k = share_k for every row.
    const shares = [4 / 8, 2 / 8, 2 / 8];
    const logs = shares.map(Math.log);
    const mean = logs.reduce((a, b) => a + b) / 3;
    logs.forEach((l, k) => {
      expect(ensemble.baseScore[k]).toBeCloseTo(l - mean, 12);
    });
    for (let k = 0; k < 3; k++) {
      const t = ensemble.trees[k];
      expect(t.feature[0]).toBe(0);
      for (const [leaf, goesLeft] of [
        [t.left[0], true],
        [t.right[0], false],
      ] as const) {
        let g = 0;
        let h = 0;
        x.forEach((v, i) => {
          if (v < t.threshold[0] !== goesLeft) return;
          g += shares[k] - (y[i] === k ? 1 : 0);
          h += 2 * shares[k] * (1 - shares[k]);
        });
        expect(t.values[leaf]).toBeCloseTo(-g / (h + 1), 6);
      }
    }
  });

  it('separates three blobs with a softmax ensemble of one tree per class per round', async () => {
    const rng = new Random(7);
    const centers = [
      [0, 0],
      [5, 5],
      [0, 10],
    ];
    const x0: number[] = [];
    const x1: number[] = [];
    const y: number[] = [];
    centers.forEach(([cx, cy], k) => {
      for (let i = 0; i < 30; i++) {
        x0.push(cx + rng.next() - 0.5);
        x1.push(cy + rng.next() - 0.5);
        y.push(k);
      }
    });
    const ds = dataset([x0, x1], y, ['a', 'b', 'c']);
    const { ensemble, params } = await trainGbdt(ds, { nEstimators: 5, maxDepth: 2 });
    expect(params.objective).toBe('multi:softprob');
    expect(ensemble.transform).toBe('softmax');
    expect(ensemble.nOutputs).toBe(3);
    expect(ensemble.trees.length).toBe(15);
    expect(Array.from(ensemble.treeOutput.slice(0, 6))).toEqual([0, 1, 2, 0, 1, 2]);
    // Balanced classes: XGBoost's intercept (centred log shares) is 0 for every class.
    expect(Array.from(ensemble.baseScore)).toEqual([0, 0, 0]);
    expect(accuracy(ensemble, ds)).toBe(1);
  });
});
