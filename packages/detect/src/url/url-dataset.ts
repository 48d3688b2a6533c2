import { createDataset, type Dataset } from '@vigil/ml';
import { emptyUrlDetails, extractUrlFeatures } from './url-features.js';
import { URL_CLASS_NAMES, URL_FEATURE_COUNT, URL_FEATURES } from './url-schema.js';

const BENIGN_LABELS = new Set([
  'benign',
  'legitimate',
  'legit',
  'good',
  'safe',
  'clean',
  'normal',
  '0',
  'false',
]);
const MALICIOUS_LABELS = new Set([
  'malicious',
  'phishing',
  'phish',
  'bad',
  'malware',
  'defacement',
  'spam',
  'attack',
  '1',
  'true',
]);

/** The URL class of a raw label cell ('benign' / 'malicious'), or undefined when it is not known. */
export function classifyUrlLabel(raw: string): 'benign' | 'malicious' | undefined {
  const v = raw.trim().toLowerCase();
  if (BENIGN_LABELS.has(v)) return 'benign';
  if (MALICIOUS_LABELS.has(v)) return 'malicious';
  return undefined;
}

/** Label values {@link classifyUrlLabel} accepts, for error messages. */
export const URL_LABEL_VALUES: readonly string[] = [...BENIGN_LABELS, ...MALICIOUS_LABELS];

export interface UrlDatasetOptions {
  /** Keep at most this many URLs per registrable domain (first come), so a few big sites do not dominate. */
  readonly maxPerDomain?: number;
  /** Longest URL kept (longer rows are skipped and counted). Default 2,048 like the API. */
  readonly maxLength?: number;
}

/** What building skipped, by reason. */
export interface UrlDatasetStats {
  rows: number;
  kept: number;
  duplicates: number;
  overDomainCap: number;
  tooLong: number;
  empty: number;
  perClass: Record<string, number>;
  domains: number;
}

/** A URL dataset with each row's registrable domain id, for group-aware splits (`groupSplit`). */
export interface UrlDatasetResult {
  dataset: Dataset;
  /** Row → domain id (dense, 0-based). */
  groups: Int32Array;
  stats: UrlDatasetStats;
}

/** Accumulates labelled URLs into a Dataset of URL lexical features. */
export interface UrlDatasetBuilder {
  /** Adds one URL; returns false when it was skipped (duplicate, over the cap, too long, empty). */
  push(url: string, label: 'benign' | 'malicious'): boolean;
  /** URLs kept so far. */
  readonly rows: number;
  finish(): UrlDatasetResult;
}

/**
 * Builds the training set of a URL model: features per URL (URL_FEATURES order), labels benign = 0 /
 * malicious = 1, the registrable domain of each row as its group, exact duplicates dropped. A URL
 * without a scheme is read as http, as the scoring API would never see one.
 */
export function createUrlDatasetBuilder(options: UrlDatasetOptions = {}): UrlDatasetBuilder {
  const maxPerDomain = options.maxPerDomain ?? Number.POSITIVE_INFINITY;
  const maxLength = options.maxLength ?? 2048;
  const nf = URL_FEATURE_COUNT;
  let rows = new Float32Array(4096 * nf);
  const labels: number[] = [];
  const groups: number[] = [];
  const seen = new Set<string>();
  const domainIds = new Map<string, number>();
  const domainRows: number[] = [];
  const details = emptyUrlDetails();
  const stats: UrlDatasetStats = {
    rows: 0,
    kept: 0,
    duplicates: 0,
    overDomainCap: 0,
    tooLong: 0,
    empty: 0,
    perClass: { benign: 0, malicious: 0 },
    domains: 0,
  };

  return {
    get rows() {
      return labels.length;
    },
    push(raw, label) {
      stats.rows++;
      const url = raw.trim();
      if (url.length === 0) {
        stats.empty++;
        return false;
      }
      if (url.length > maxLength) {
        stats.tooLong++;
        return false;
      }
      if (seen.has(url)) {
        stats.duplicates++;
        return false;
      }
      seen.add(url);
      const at = labels.length;
      if ((at + 1) * nf > rows.length) {
        const grown = new Float32Array(rows.length * 2);
        grown.set(rows);
        rows = grown;
      }
      const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `http://${url}`;
      extractUrlFeatures(withScheme, rows, at * nf, details);
      const key = details.domain ?? details.host;
      let id = domainIds.get(key);
      if (id === undefined) {
        id = domainIds.size;
        domainIds.set(key, id);
        domainRows.push(0);
      }
      if (domainRows[id] >= maxPerDomain) {
        stats.overDomainCap++;
        return false;
      }
      domainRows[id]++;
      labels.push(label === 'malicious' ? 1 : 0);
      groups.push(id);
      stats.kept++;
      stats.perClass[label]++;
      return true;
    },
    finish() {
      const n = labels.length;
      const columns = URL_FEATURES.map((_, f) => {
        const col = new Float32Array(n);
        for (let i = 0; i < n; i++) col[i] = rows[i * nf + f];
        return col;
      });
      stats.domains = domainRows.filter((k) => k > 0).length;
      const dataset = createDataset({
        features: URL_FEATURES,
        columns,
        labels: Int32Array.from(labels),
        classNames: URL_CLASS_NAMES,
      });
      return { dataset, groups: Int32Array.from(groups), stats };
    },
  };
}
