// Inference timing for a compiled Vigil model: single-row latency percentiles and batch throughput.

/**
 * Single-row latency is timed per call over many rows (after a warm-up, so the JIT has settled);
 * the timer's own cost is measured and subtracted. Batch throughput is the best of a few passes
 * over the whole matrix on this thread.
 */
export function measureInference(model, rows, nRows) {
  const nf = model.nFeatures;
  const out = new Float64Array(model.nOutputs);
  const n = Math.min(nRows, 20_000);
  const views = [];
  for (let i = 0; i < n; i++) views.push(rows.subarray(i * nf, (i + 1) * nf));
  for (let rep = 0; rep < 5; rep++) for (let i = 0; i < n; i++) model.predictRow(views[i], out);

  const overhead = timerOverheadNs();
  const lat = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    model.predictRow(views[i], out);
    lat[i] = Math.max(0, Number(process.hrtime.bigint() - t0) - overhead) / 1000;
  }
  lat.sort();

  const batchOut = new Float64Array(nRows * model.nOutputs);
  let best = Number.POSITIVE_INFINITY;
  for (let rep = 0; rep < 5; rep++) {
    const t0 = process.hrtime.bigint();
    model.predictBatch(rows, nRows, batchOut);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return {
    rows: n,
    singleRowP50Us: lat[Math.floor(n * 0.5)],
    singleRowP99Us: lat[Math.floor(n * 0.99)],
    batchRowsPerSecond: nRows / best,
  };
}

function timerOverheadNs() {
  const samples = new Float64Array(10_000);
  for (let i = 0; i < samples.length; i++) {
    const t0 = process.hrtime.bigint();
    samples[i] = Number(process.hrtime.bigint() - t0);
  }
  samples.sort();
  return samples[samples.length >> 1];
}
