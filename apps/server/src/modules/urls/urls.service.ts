import { MAX_URL_LENGTH, MAX_URLS, type UrlCheckResponse } from '@vigil/contracts';
import type { AppConfig } from '../../config/env.js';
import type { Db } from '../../db/database.js';
import { AppError } from '../../errors/app-error.js';
import type { AppMetrics } from '../metrics/metrics.js';
import type { ActiveModels } from '../models/active-models.js';
import { URL_KIND } from '../models/feature-spec.js';
import { type UrlExplainPolicy, type UrlVerdict, urlScorerFor } from './url-scorer.js';
import { insertUrlPredictions } from './urls.repo.js';

export interface CheckUrlsInput {
  urls: readonly string[];
  /** Which URLs get reasons (default: all). */
  explain?: UrlExplainPolicy;
}

/** The response of POST /urls/check. */
export type CheckUrlsResult = UrlCheckResponse;

export interface UrlCheckDeps {
  activeModels: ActiveModels;
  db: Db;
  history: AppConfig['history'];
  metrics: AppMetrics;
  clock: () => Date;
}

const PROMOTE_HINT =
  'train one (vigil train --schema url --data FILE), register it and promote it to production ' +
  '(vigil models register FILE --stage production --reason "…", or POST /api/v1/models); `vigil start` ' +
  'installs the shipped default URL model';

/**
 * The URL as it will be scored, or an error naming its index: an absolute http(s) URL with a host,
 * at most MAX_URL_LENGTH characters. Surrounding whitespace is dropped, nothing else is changed.
 */
export function checkUrl(raw: unknown, index: number): string {
  const path = `urls.${index}`;
  if (typeof raw !== 'string') {
    throw new AppError(
      'VALIDATION_FAILED',
      `${path}: expected a string, got ${raw === null ? 'null' : typeof raw}`,
      {
        path,
      },
    );
  }
  const url = raw.trim();
  if (url.length === 0) throw new AppError('VALIDATION_FAILED', `${path}: the URL is empty`, { path });
  if (url.length > MAX_URL_LENGTH) {
    throw new AppError(
      'VALIDATION_FAILED',
      `${path}: the URL has ${url.length} characters, at most ${MAX_URL_LENGTH} are accepted`,
      { path },
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AppError(
      'VALIDATION_FAILED',
      `${path}: not a valid absolute URL: ${JSON.stringify(url.slice(0, 100))}`,
      {
        path,
      },
    );
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new AppError(
      'VALIDATION_FAILED',
      `${path}: only http and https URLs are checked, got ${JSON.stringify(parsed.protocol)}`,
      { path },
    );
  }
  if (parsed.hostname.length === 0)
    throw new AppError('VALIDATION_FAILED', `${path}: the URL has no host`, { path });
  return url;
}

/**
 * The fast URL verdict: lexical features of each URL (no network, no DNS) scored by the production
 * `url` model, with the reasons in words, stored in history as configured.
 */
export class UrlCheckService {
  constructor(private readonly deps: UrlCheckDeps) {}

  async check(input: CheckUrlsInput, source = 'api'): Promise<CheckUrlsResult> {
    const { urls: raw } = input;
    if (raw.length < 1 || raw.length > MAX_URLS) {
      throw new AppError('VALIDATION_FAILED', `urls: send 1 to ${MAX_URLS} URLs, got ${raw.length}`, {
        path: 'urls',
      });
    }
    const urls = raw.map(checkUrl);
    const model = this.deps.activeModels.get(URL_KIND);
    if (!model) throw new AppError('NO_PRODUCTION_MODEL', `no URL model is in production; ${PROMOTE_HINT}`);
    const scorer = urlScorerFor(model);
    const predictions = scorer.score(urls, input.explain ?? 'all');
    let malicious = 0;
    for (const p of predictions) if (p.verdict === 'attack') malicious++;
    const stored = await this.store(model.kind, predictions, source);
    const { metrics } = this.deps;
    if (malicious > 0) metrics.predictions.inc({ kind: model.kind, verdict: 'attack' }, malicious);
    if (malicious < predictions.length) {
      metrics.predictions.inc({ kind: model.kind, verdict: 'benign' }, predictions.length - malicious);
    }
    return {
      model: { id: model.id, kind: model.kind, version: model.version, threshold: scorer.threshold },
      predictions,
      summary: { urls: urls.length, malicious, stored },
    };
  }

  private async store(kind: string, predictions: readonly UrlVerdict[], source: string): Promise<number> {
    const { history } = this.deps;
    if (history === 'none') return 0;
    const rows = history === 'alerts' ? predictions.filter((p) => p.verdict === 'attack') : predictions;
    await insertUrlPredictions(this.deps.db, kind, rows, this.deps.clock(), source);
    return rows.length;
  }
}
