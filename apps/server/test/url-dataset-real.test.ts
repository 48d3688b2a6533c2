import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { URL_SCHEMA } from '@vigil/detect';
import { groupSplit } from '@vigil/ml';
import { describe, expect, it } from 'vitest';
import { trainModel } from '../src/training/training.service.js';
import { defaultTrainingConfig } from '../src/training/training-config.js';
import { loadUrlDataset } from '../src/training/url-dataset-file.js';

// The real data sets live next to the repository (../shared/datasets, see each SOURCE.md), never in it.
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const datasetsDir = process.env.VIGIL_DATASETS_DIR ?? resolve(repoRoot, '../shared/datasets');
const urlsDir = resolve(datasetsDir, 'phishing-urls');
const present = existsSync(urlsDir);
if (!present) {
  console.warn(
    `url-dataset-real: skipped, no data sets at ${urlsDir} (set VIGIL_DATASETS_DIR to point elsewhere)`,
  );
}

describe.skipIf(!present)('URL data sets (../shared/datasets/phishing-urls)', () => {
  it('reads the combined file: counts from SOURCE.md, one group per registrable domain', async () => {
    const loaded = await loadUrlDataset(resolve(urlsDir, 'urls_labelled_combined.csv.gz'));
    const { stats } = loaded;
    // SOURCE.md: 59,004 rows, benign 41,093 / phishing 17,911; one ISCX URL is over 2,048 characters.
    expect(stats.rows).toBe(59_004);
    expect(stats.tooLong).toBe(1);
    expect(stats.perClass.benign + stats.perClass.malicious + stats.duplicates + stats.tooLong).toBe(59_004);
    expect(stats.perClass.malicious).toBe(17_911);
    expect(stats.perClass.benign).toBeGreaterThan(41_000);
    expect(stats.domains).toBeGreaterThan(10_000);
    const { groups } = loaded;
    const split = groupSplit(
      loaded.dataset.labels as Int32Array,
      groups,
      { train: 0.7, validation: 0.15, test: 0.15 },
      42,
    );
    const trainGroups = new Set(Array.from(split.train, (r) => groups[r]));
    expect(Array.from(split.test).some((r) => trainGroups.has(groups[r]))).toBe(false);
  });

  it('asks for a label column or --label, and takes a one-class file with it', async () => {
    const phishtank = resolve(urlsDir, 'phishtank_online_valid_2020-05.csv.gz');
    await expect(loadUrlDataset(phishtank)).rejects.toThrow(/no label column.*--label benign\|malicious/);
    const loaded = await loadUrlDataset(phishtank, { label: 'malicious', maxPerDomain: 5 });
    expect(loaded.stats.perClass).toEqual({ benign: 0, malicious: loaded.stats.kept });
    expect(loaded.stats.overDomainCap).toBeGreaterThan(0);
  });

  it('adds benign home pages from a domain list', async () => {
    const tranco = resolve(datasetsDir, 'benign-domains/tranco_top10k_2025-06.csv.gz');
    const loaded = await loadUrlDataset(resolve(urlsDir, 'hannousse_dataset_phishing.csv.gz'), {
      benignDomains: tranco,
    });
    expect(loaded.stats.perClass.malicious).toBe(5_714);
    expect(loaded.benignDomains).toBeGreaterThan(9_900);
  });

  it('learns the balanced Hannousse set: held-out domains ROC AUC > 0.9', async () => {
    const loaded = await loadUrlDataset(resolve(urlsDir, 'hannousse_dataset_phishing.csv.gz'));
    expect(loaded.stats.perClass).toEqual({ benign: 5_715, malicious: 5_714 });
    const defaults = defaultTrainingConfig();
    const outcome = await trainModel({
      dataset: loaded.dataset,
      schema: { id: URL_SCHEMA.id, version: URL_SCHEMA.version },
      target: 'binary',
      config: { ...defaults, gbdt: { ...defaults.gbdt, nEstimators: 80 } },
      groups: loaded.groups,
    });
    expect(outcome.report.rocAuc).toBeGreaterThan(0.9);
    expect(outcome.report.binary?.f1).toBeGreaterThan(0.8);
    expect(outcome.document.training.params).toMatchObject({ splitBy: 'group' });
  });
});
