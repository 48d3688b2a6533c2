// `npm run bench:ml`: Vigil's GBDT against XGBoost on the shared data sets, in one run, on the
// same rows, features, folds and parameters. Prints one quality/speed table and the inference
// figures. Targets (checked here, never inside the unit tests): AUC within 0.005 of XGBoost,
// F1 no lower than XGBoost's − 0.005, training time ≤ 2× XGBoost's, single-row p50 ≤ 2 µs,
// batch ≥ 1M rows/s per core.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  compileEnsemble,
  evaluateClassifier,
  selectRows,
  stratifiedKFold,
  toRowMajor,
  trainGbdt,
} from '@vigil/ml';
import { createWorkerTrainingExecutor } from '../../apps/server/dist/adapters/worker-training-executor.js';
import { loadFlowDataset } from '../../apps/server/dist/datasets/index.js';
import { measureInference } from './inference.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const datasets = resolve(process.env.VIGIL_DATASETS ?? join(repo, '..', 'shared', 'datasets'));
const cache = join(repo, 'bench', '.cache', 'ml');
const venv = join(repo, 'bench', '.venv');
const python = join(venv, 'bin', 'python');
const XGBOOST_VERSION = '3.2.0';
const THREADS = 2;
const FOLDS = Number(process.env.BENCH_FOLDS ?? 5);
const PARAMS = {
  nEstimators: 200,
  maxDepth: 6,
  learningRate: 0.1,
  maxBins: 256,
  minChildWeight: 1,
  lambda: 1,
  gamma: 0,
  subsample: 1,
  colsampleBytree: 1,
  seed: 0,
};

function ensureReference() {
  if (!existsSync(python)) {
    console.error(`creating ${venv} for the XGBoost reference (once)…`);
    execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
  }
  const probe = spawnSync(python, ['-c', 'import xgboost, numpy; print(xgboost.__version__)'], {
    encoding: 'utf8',
  });
  if (probe.status !== 0 || probe.stdout.trim() !== XGBOOST_VERSION) {
    execFileSync(python, ['-m', 'pip', 'install', '-q', `xgboost==${XGBOOST_VERSION}`, 'numpy'], {
      stdio: 'inherit',
    });
  }
}

function writeTask(dir, train, tests, measure) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const nClasses = train.classNames.length;
  writeFileSync(join(dir, 'X_train.f32'), toRowMajor(train));
  writeFileSync(join(dir, 'y_train.i32'), train.labels);
  for (const t of tests) writeFileSync(join(dir, `X_${t.name}.f32`), toRowMajor(t.dataset));
  const task = {
    params: PARAMS,
    threads: THREADS,
    nFeatures: train.columns.length,
    nClasses,
    trainRows: train.nRows,
    tests: tests.map((t) => ({ name: t.name, rows: t.dataset.nRows })),
    measureInference: measure,
  };
  writeFileSync(join(dir, 'task.json'), JSON.stringify(task));
}

function runReference(dir, tests) {
  const r = spawnSync(python, [join(here, 'xgboost_reference.py'), dir], {
    encoding: 'utf8',
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (r.status !== 0) throw new Error(`XGBoost reference failed in ${dir}`);
  const result = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8'));
  const probabilities = {};
  for (const t of tests) {
    const buf = readFileSync(join(dir, `proba_${t.name}.f64`));
    probabilities[t.name] = new Float64Array(buf.buffer, buf.byteOffset, buf.byteLength / 8);
  }
  return { ...result, probabilities };
}

function summarise(report, nClasses) {
  return {
    accuracy: report.accuracy,
    f1: nClasses > 2 ? report.macro.f1 : report.binary.f1,
    auc: report.rocAuc,
  };
}

/** Trains both on `train`, scores both on every test set; returns per-test metrics and seconds. */
async function compare(name, train, tests, executor, measure = false) {
  const dir = join(cache, name);
  writeTask(dir, train, tests, measure);
  const t0 = process.hrtime.bigint();
  const vigil = await trainGbdt(train, PARAMS, { executor });
  const vigilSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const reference = runReference(dir, tests);
  const model = compileEnsemble(vigil.ensemble);
  const out = {
    vigilSeconds,
    xgbSeconds: reference.trainSeconds,
    tests: {},
    xgboostVersion: reference.xgboostVersion,
  };
  for (const t of tests) {
    const rows = toRowMajor(t.dataset);
    const classNames = train.classNames;
    const vigilReport = evaluateClassifier({
      labels: t.dataset.labels,
      probabilities: model.predictBatch(rows, t.dataset.nRows),
      classNames,
    });
    const xgbReport = evaluateClassifier({
      labels: t.dataset.labels,
      probabilities: reference.probabilities[t.name],
      classNames,
    });
    out.tests[t.name] = {
      vigil: summarise(vigilReport, classNames.length),
      xgb: summarise(xgbReport, classNames.length),
    };
  }
  if (measure) {
    out.inference = {
      vigil: measureInference(model, toRowMajor(tests[0].dataset), tests[0].dataset.nRows),
      xgb: reference.inference,
    };
  }
  return out;
}

async function crossValidate(name, ds, executor) {
  const folds = stratifiedKFold(ds.labels, FOLDS, PARAMS.seed);
  const rows = [];
  for (let k = 0; k < folds.length; k++) {
    const train = selectRows(ds, folds[k].train);
    const test = selectRows(ds, folds[k].test);
    rows.push(await compare(`${name}-fold${k}`, train, [{ name: 'test', dataset: test }], executor));
    console.error(`  ${name} fold ${k + 1}/${folds.length} done`);
  }
  const mean = (f) => rows.reduce((s, r) => s + f(r), 0) / rows.length;
  const metric = (side, m) => mean((r) => r.tests.test[side][m]);
  return {
    vigilSeconds: mean((r) => r.vigilSeconds),
    xgbSeconds: mean((r) => r.xgbSeconds),
    vigil: { accuracy: metric('vigil', 'accuracy'), f1: metric('vigil', 'f1'), auc: metric('vigil', 'auc') },
    xgb: { accuracy: metric('xgb', 'accuracy'), f1: metric('xgb', 'f1'), auc: metric('xgb', 'auc') },
  };
}

const f3 = (x) => x.toFixed(4);
function row(label, r) {
  const ratio = r.vigilSeconds / r.xgbSeconds;
  const ok = r.vigil.auc >= r.xgb.auc - 0.005 && r.vigil.f1 >= r.xgb.f1 - 0.005 && ratio <= 2 ? 'yes' : 'NO';
  return `| ${label} | ${f3(r.vigil.accuracy)} / ${f3(r.vigil.f1)} / ${f3(r.vigil.auc)} | ${f3(r.xgb.accuracy)} / ${f3(r.xgb.f1)} / ${f3(r.xgb.auc)} | ${r.vigilSeconds.toFixed(2)} | ${r.xgbSeconds.toFixed(2)} | ${ratio.toFixed(2)} | ${ok} |`;
}

async function main() {
  if (!existsSync(datasets)) {
    console.log(`bench:ml skipped: data sets not found at ${datasets} (set VIGIL_DATASETS)`);
    return;
  }
  ensureReference();
  const executor = createWorkerTrainingExecutor(THREADS);
  const lines = [];
  try {
    // 1. NSL-KDD: train on KDDTrain+, test on KDDTest+ and KDDTest-21 with the training vocabularies.
    const nsl = (f) => join(datasets, 'nsl-kdd', f);
    const trainSet = await loadFlowDataset(nsl('KDDTrain+.csv.gz'), { schema: 'nsl-kdd', target: 'binary' });
    const vocab = { categories: trainSet.dataset.features, classNames: trainSet.dataset.classNames };
    const testPlus = await loadFlowDataset(nsl('KDDTest+.csv.gz'), {
      schema: 'nsl-kdd',
      target: 'binary',
      ...vocab,
    });
    const test21 = await loadFlowDataset(nsl('KDDTest-21.csv.gz'), {
      schema: 'nsl-kdd',
      target: 'binary',
      ...vocab,
    });
    const nslResult = await compare(
      'nsl-kdd',
      trainSet.dataset,
      [
        { name: 'kddtest_plus', dataset: testPlus.dataset },
        { name: 'kddtest_21', dataset: test21.dataset },
      ],
      executor,
      true,
    );
    console.error('  nsl-kdd done');
    for (const [test, label] of [
      ['kddtest_plus', 'NSL-KDD → KDDTest+ (binary)'],
      ['kddtest_21', 'NSL-KDD → KDDTest-21 (binary)'],
    ]) {
      lines.push(row(label, { ...nslResult, ...nslResult.tests[test] }));
    }

    // 2. UNSW-NB15 testing partition, stratified k-fold, binary.
    const unsw = await loadFlowDataset(join(datasets, 'unsw-nb15', 'UNSW_NB15_testing-set.csv.gz'), {
      schema: 'unsw-nb15',
      target: 'binary',
    });
    lines.push(
      row(
        `UNSW-NB15 testing, ${FOLDS}-fold CV (binary)`,
        await crossValidate('unsw', unsw.dataset, executor),
      ),
    );

    // 3. CICIDS2017 improved sample, stratified k-fold, multi-class (macro-F1, macro OvR AUC).
    const cic = await loadFlowDataset(
      join(datasets, 'cicids2017-improved-sample', 'CICIDS2017_improved_sample_rnd5000.csv.gz'),
      {
        schema: 'cicids2017-improved',
        target: 'category',
      },
    );
    lines.push(
      row(
        `CICIDS2017 improved, ${FOLDS}-fold CV (${cic.dataset.classNames.length} classes, macro)`,
        await crossValidate('cicids', cic.dataset, executor),
      ),
    );

    const inf = nslResult.inference;
    console.log(
      `\nVigil GBDT vs XGBoost ${nslResult.xgboostVersion} — 200 trees, depth 6, eta 0.1, 256 bins, ${THREADS} threads`,
    );
    console.log(
      '| data set | Vigil acc / F1 / AUC | XGBoost acc / F1 / AUC | Vigil train s | XGBoost train s | time ratio | targets met |',
    );
    console.log('| --- | --- | --- | --- | --- | --- | --- |');
    for (const l of lines) console.log(l);
    console.log(`\nInference, NSL-KDD 200-tree model, one core (${inf.vigil.rows} rows of KDDTest+)`);
    console.log('| | single-row p50 µs | single-row p99 µs | batch rows/s |');
    console.log('| --- | --- | --- | --- |');
    const fmt = (x) =>
      `| ${x.singleRowP50Us.toFixed(2)} | ${x.singleRowP99Us.toFixed(2)} | ${Math.round(x.batchRowsPerSecond).toLocaleString('en-US')} |`;
    console.log(`| Vigil ${fmt(inf.vigil)}`);
    console.log(`| XGBoost (Python inplace_predict) ${fmt(inf.xgb)}`);
    console.log(
      `| ratio Vigil/XGBoost | ${(inf.vigil.singleRowP50Us / inf.xgb.singleRowP50Us).toFixed(3)} | ${(inf.vigil.singleRowP99Us / inf.xgb.singleRowP99Us).toFixed(3)} | ${(inf.vigil.batchRowsPerSecond / inf.xgb.batchRowsPerSecond).toFixed(2)} |`,
    );
  } finally {
    await executor.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
