import {
  createDataset,
  createSerialExecutor,
  type Dataset,
  type GbdtBinningState,
  type GbdtParams,
  Random,
  type Tree,
  trainGbdt,
} from '@vigil/ml';
import { afterAll, describe, expect, it } from 'vitest';
import { createWorkerTrainingExecutor } from './worker-training-executor.js';

/** Noisy data with missing values; `n` above 2 · 8192 makes the trainer cut nodes into chunks. */
function data(n: number, classes: number, seed: number): Dataset {
  const rng = new Random(seed);
  const columns = Array.from({ length: 6 }, () => new Float32Array(n));
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let score = 0;
    for (let f = 0; f < 6; f++) {
      const v = f === 5 ? Math.floor(rng.next() * 3) : rng.next();
      columns[f][i] = f === 2 && rng.next() < 0.15 ? Number.NaN : v;
      score += v * (f + 1);
    }
    labels[i] = Math.min(classes - 1, Math.floor(((score + 3 * rng.next()) / 27) * classes));
  }
  return createDataset({
    features: columns.map((_, f) => ({ name: `f${f}`, kind: 'numeric' as const })),
    columns,
    labels,
    classNames: Array.from({ length: classes }, (_, k) => `c${k}`),
  });
}

function plain(trees: readonly Tree[]): number[][][] {
  return trees.map((t) =>
    [t.feature, t.threshold, t.left, t.right, t.defaultLeft, t.values, t.gain, t.cover].map((a) =>
      Array.from(a),
    ),
  );
}

const executors = [createWorkerTrainingExecutor(2), createWorkerTrainingExecutor(3)];
afterAll(async () => {
  await Promise.all(executors.map((e) => e.close()));
});

describe('createWorkerTrainingExecutor', () => {
  const binary = data(20_000, 2, 1);
  const multi = data(1_500, 4, 2);
  const params: Partial<GbdtParams> = {
    nEstimators: 6,
    maxDepth: 5,
    subsample: 0.8,
    colsampleBytree: 0.84,
    seed: 9,
  };

  it('trains trees bit-identical to the serial executor, for any thread count', async () => {
    for (const ds of [binary, multi]) {
      const serial = await trainGbdt(ds, params, { executor: createSerialExecutor() });
      for (const executor of executors) {
        const threaded = await trainGbdt(ds, params, { executor });
        expect(plain(threaded.ensemble.trees)).toEqual(plain(serial.ensemble.trees));
        expect(threaded.history.train).toEqual(serial.history.train);
        expect(Array.from(threaded.ensemble.baseScore)).toEqual(Array.from(serial.ensemble.baseScore));
      }
    }
  });

  it('runs concurrent trainings on one executor without mixing them up', async () => {
    const p = { ...params, nEstimators: 3 };
    const [a, b] = await Promise.all([
      trainGbdt(multi, p, { executor: executors[0] }),
      trainGbdt(binary, p, { executor: executors[0] }),
    ]);
    expect(plain(a.ensemble.trees)).toEqual(plain((await trainGbdt(multi, p)).ensemble.trees));
    expect(plain(b.ensemble.trees)).toEqual(plain((await trainGbdt(binary, p)).ensemble.trees));
  });

  it('reports an error thrown in a worker and stays usable', async () => {
    const shared = (bytes: number) => new SharedArrayBuffer(bytes);
    // One feature over three parts: only the last worker bins it, and maxBins 1 makes it throw.
    const state: GbdtBinningState = {
      kind: 'binning',
      nRows: 4,
      nFeatures: 1,
      maxBins: 1,
      columns: new Float32Array(shared(16)),
      codes: new Uint8Array(shared(4)),
      cuts: new Float32Array(shared(1024)),
      cutCounts: new Int32Array(shared(4)),
      hasMissing: new Uint8Array(shared(1)),
      mostFrequentBin: new Int32Array(shared(4)),
    };
    const executor = executors[1];
    const handle = await executor.attach(state);
    await expect(executor.run(handle, 'bin')).rejects.toThrow(/training worker failed[\s\S]*maxBins/);
    await executor.detach(handle);
    const again = await trainGbdt(multi, { ...params, nEstimators: 2 }, { executor });
    expect(again.ensemble.trees.length).toBe(8);
  });

  it('rejects instead of hanging when a worker thread dies', async () => {
    const dying = createWorkerTrainingExecutor(2, {
      workerUrl: new URL('data:text/javascript,process.exit(3)'),
    });
    await expect(trainGbdt(multi, params, { executor: dying })).rejects.toThrow(/training worker 1 stopped/);
    await dying.close();
  });

  it('refuses state the workers could not share, and use after close', async () => {
    const local: GbdtBinningState = {
      kind: 'binning',
      nRows: 0,
      nFeatures: 0,
      maxBins: 256,
      columns: new Float32Array(0),
      codes: new Uint8Array(0),
      cuts: new Float32Array(0),
      cutCounts: new Int32Array(0),
      hasMissing: new Uint8Array(0),
      mostFrequentBin: new Int32Array(0),
    };
    await expect(executors[0].attach(local)).rejects.toThrow(/SharedArrayBuffer/);
    const closed = createWorkerTrainingExecutor(2);
    await closed.close();
    await expect(trainGbdt(multi, params, { executor: closed })).rejects.toThrow(/closed/);
    expect(() => createWorkerTrainingExecutor(0)).toThrow(RangeError);
  });
});
