// The fast URL verdict (issue #5), measured per URL on one core: lexical feature extraction alone,
// features + scoring with the shipped model (models/url/model.json), and the server's scorer with
// and without reasons, each next to a reference measured in the same run: `new URL()` parsing alone.
// Target (printed, never asserted in tests): features + score ≤ 20 µs per URL.
// URLs: the combined phishing-urls file when ../shared/datasets is present, generated ones otherwise.
// Environment: BENCH_URLS (default 20,000), BENCH_REPEATS (default 5; the median is reported).
import { existsSync, readFileSync, readFileSync as readRaw } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { extractUrlFeatures, URL_FEATURE_COUNT } from '@vigil/detect';
import { compileEnsemble, ensembleFromDocument, parseModelDocument } from '@vigil/ml';
import { parse } from 'csv-parse/sync';
import { createUrlScorer } from '../../apps/server/dist/modules/urls/url-scorer.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const N = Number(process.env.BENCH_URLS ?? 20_000);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
const TARGET_US = 20;

function datasetUrls() {
  const dir = process.env.VIGIL_DATASETS_DIR ?? resolve(root, '../shared/datasets');
  const file = resolve(dir, 'phishing-urls/urls_labelled_combined.csv.gz');
  if (!existsSync(file)) return null;
  const text = gunzipSync(readRaw(file)).toString('utf8');
  const rows = parse(text, { columns: true, bom: true, relax_column_count: true });
  // Every k-th row, so both sources and classes are in the sample.
  const step = Math.max(1, Math.floor(rows.length / N));
  const urls = [];
  for (let i = 0; i < rows.length && urls.length < N; i += step) {
    const u = rows[i].url.trim();
    if (u.length > 0 && u.length <= 2048) urls.push(/^https?:\/\//i.test(u) ? u : `http://${u}`);
  }
  return { urls, source: `${urls.length} URLs of ${file}` };
}

function generatedUrls() {
  const words = ['login', 'news', 'paypal', 'secure', 'shop', 'account', 'blog', 'update', 'travel'];
  const urls = [];
  let s = 12345;
  const r = (n) => {
    s = (s * 1103515245 + 12345) >>> 0;
    return s % n;
  };
  for (let i = 0; i < N; i++) {
    const w = () => words[r(words.length)];
    urls.push(
      r(2)
        ? `https://www.${w()}${w()}${r(100)}.com/${w()}/${w()}-${r(10000)}.html?id=${r(1e6)}`
        : `http://${w()}.com.${w()}-${r(1e6).toString(36)}.xyz/${w()}/index.php?email=a${r(1e4)}@mail.example`,
    );
  }
  return { urls, source: `${N} generated URLs` };
}

/** Median over REPEATS timed passes (after one warm-up pass) of `fn` over all URLs, in µs per URL. */
function time(urls, fn) {
  fn(urls);
  const runs = [];
  for (let k = 0; k < REPEATS; k++) {
    const t0 = process.hrtime.bigint();
    fn(urls);
    runs.push(Number(process.hrtime.bigint() - t0) / 1e3 / urls.length);
  }
  runs.sort((a, b) => a - b);
  return runs[Math.floor(runs.length / 2)];
}

/** Runs the lexical benchmark; returns the figures and prints a table. */
export function runLexicalBench() {
  const modelPath = resolve(root, 'models/url/model.json');
  const doc = parseModelDocument(readFileSync(modelPath, 'utf8'));
  const compiled = compileEnsemble(ensembleFromDocument(doc));
  const corpus = datasetUrls() ?? generatedUrls();
  const { urls } = corpus;
  const row = new Float32Array(URL_FEATURE_COUNT);
  const out = new Float64Array(compiled.nOutputs);
  let sink = 0;
  const scorer = createUrlScorer({ id: doc.id, kind: 'url', version: 1, document: doc, compiled });

  const results = [
    [
      'new URL() parse (reference)',
      time(urls, (us) => {
        for (const u of us) sink += new URL(u).hostname.length;
      }),
    ],
    [
      'lexical features',
      time(urls, (us) => {
        for (const u of us) {
          extractUrlFeatures(u, row);
          sink += row[0];
        }
      }),
    ],
    [
      'features + score (one URL at a time)',
      time(urls, (us) => {
        for (const u of us) {
          extractUrlFeatures(u, row);
          compiled.predictRow(row, out);
          sink += out[0];
        }
      }),
    ],
    [
      'server scorer, no reasons (batches of 1,000)',
      time(urls, (us) => {
        for (let i = 0; i < us.length; i += 1000) sink += scorer.score(us.slice(i, i + 1000), 'none').length;
      }),
    ],
    [
      'server scorer, 5 reasons per URL (batches of 1,000)',
      time(urls, (us) => {
        for (let i = 0; i < us.length; i += 1000) sink += scorer.score(us.slice(i, i + 1000), 'all').length;
      }),
    ],
  ];
  const reference = results[0][1];
  const width = Math.max(...results.map(([name]) => name.length));
  console.log(
    `\nURL lexical verdict — ${corpus.source}; model ${doc.id} (${doc.ensemble.trees.length} trees)`,
  );
  console.log(`${'measure'.padEnd(width)}  µs/URL  × new URL()`);
  for (const [name, us] of results) {
    console.log(
      `${name.padEnd(width)}  ${us.toFixed(2).padStart(6)}  ${(us / reference).toFixed(2).padStart(11)}`,
    );
  }
  const scored = results[2][1];
  console.log(
    `target: features + score ≤ ${TARGET_US} µs/URL → ${scored.toFixed(2)} µs (${scored <= TARGET_US ? 'met' : 'NOT met'})`,
  );
  const test = doc.metrics.test ?? {};
  if (test.rocAuc !== undefined) {
    console.log(
      `shipped model, held-out domains: ROC AUC ${test.rocAuc.toFixed(4)}, F1 ${test.binary?.f1?.toFixed(4)}, ` +
        `precision ${test.binary?.precision?.toFixed(4)}, recall ${test.binary?.recall?.toFixed(4)}, FPR ${test.fpr?.toFixed(4)}`,
    );
  }
  if (sink === -1) console.log(sink);
  return Object.fromEntries(results);
}
