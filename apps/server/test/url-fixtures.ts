import { createUrlDatasetBuilder, URL_SCHEMA } from '@vigil/detect';
import { type ModelDocument, Random } from '@vigil/ml';
import { trainModel } from '../src/training/training.service.js';
import { defaultTrainingConfig } from '../src/training/training-config.js';

const WORDS = [
  'news',
  'shop',
  'garden',
  'travel',
  'music',
  'recipes',
  'city',
  'green',
  'river',
  'data',
  'blue',
];
const TLDS = ['com', 'org', 'net', 'de', 'co.uk', 'fr'];
const BAD_TLDS = ['tk', 'xyz', 'top', 'info', 'ru', 'ml'];
const BRANDS = ['paypal', 'apple', 'microsoft', 'netflix', 'chase', 'amazon'];
const pick = <T>(rng: Random, xs: readonly T[]): T => xs[rng.int(xs.length)];

/**
 * Labelled URLs made up for tests: benign pages of plain sites, and phishing-shaped URLs (brands in
 * subdomains, IP hosts in several encodings, kits' login pages, shorteners, punycode). Never the
 * real data sets, so tests run anywhere.
 */
export function generateUrls(n: number, seed: number): { url: string; label: 'benign' | 'malicious' }[] {
  const rng = new Random(seed);
  const out: { url: string; label: 'benign' | 'malicious' }[] = [];
  for (let i = 0; i < n; i++) {
    const w = () => pick(rng, WORDS);
    if (rng.next() < 0.5) {
      const host = `${rng.next() < 0.5 ? 'www.' : ''}${w()}${w()}${rng.int(50)}.${pick(rng, TLDS)}`;
      const path = rng.next() < 0.3 ? '/' : `/${w()}/${w()}-${w()}-${rng.int(1000)}.html`;
      out.push({ url: `https://${host}${path}`, label: 'benign' });
      continue;
    }
    const brand = pick(rng, BRANDS);
    const token = rng.int(1e9).toString(36);
    const shapes = [
      () => `http://${brand}.com.${w()}-secure-${token}.${pick(rng, BAD_TLDS)}/login.php?cmd=_verify`,
      () => `http://${rng.int(223) + 1}.${rng.int(256)}.${rng.int(256)}.${rng.int(256)}/${brand}/signin`,
      () => `http://0x${(rng.int(0x7fffffff) + 0x1000000).toString(16)}/account/update`,
      () =>
        `http://${w()}${token}.${pick(rng, BAD_TLDS)}/${brand}/verify/index.php?email=a${token}@mail.example`,
      () => `https://${brand}-account-${token}.${pick(rng, BAD_TLDS)}/secure/login`,
      () => `http://user@${w()}${token}.xn--pypal-4ve.com/webscr`,
    ];
    out.push({ url: pick(rng, shapes)(), label: 'malicious' });
  }
  return out;
}

/** A small URL model trained on {@link generateUrls}, with the registrable-domain group split. */
export async function trainTestUrlModel(seed = 5, rows = 1500): Promise<ModelDocument> {
  const builder = createUrlDatasetBuilder();
  for (const { url, label } of generateUrls(rows, seed)) builder.push(url, label);
  const { dataset, groups } = builder.finish();
  const defaults = defaultTrainingConfig();
  const outcome = await trainModel({
    dataset,
    schema: { id: URL_SCHEMA.id, version: URL_SCHEMA.version },
    target: 'binary',
    config: { ...defaults, seed, gbdt: { ...defaults.gbdt, nEstimators: 30, maxDepth: 4 } },
    groups,
  });
  return outcome.document;
}
