import {
  describeUrlFeature,
  emptyUrlDetails,
  extractUrlFeatures,
  URL_FEATURE_COUNT,
  URL_FEATURE_NAMES,
  type UrlDetails,
} from '@vigil/detect';
import { type ContributionExplainer, createContributionExplainer, ensembleFromDocument } from '@vigil/ml';
import type { Verdict } from '../../db/schema.js';
import { AppError } from '../../errors/app-error.js';
import type { ActiveModel } from '../models/active-models.js';
import { storedThreshold } from '../scoring/flow-scorer.js';
import { riskScore } from '../scoring/risk-score.js';

/** Reasons reported per URL. */
export const TOP_REASONS = 5;
/** URLs featurised and scored per pass through the reused buffers. */
const CHUNK = 1000;

/** One feature's part in a verdict, in words. */
export interface UrlReason {
  /** Feature name (see the `url` schema). */
  feature: string;
  /** The feature in words, e.g. "host is an IP address", "many subdomains (5)". */
  text: string;
  value: number;
  /** Support for the verdict (always > 0): log-odds for GBDT models, probability for forests. */
  contribution: number;
}

export interface UrlVerdict {
  url: string;
  verdict: Verdict;
  /** Probability that the URL is malicious. */
  probability: number;
  /** The predicted class: `malicious` or `benign`. */
  category: string;
  riskScore: number;
  host: string;
  /** Registrable domain; null for IP hosts. */
  domain: string | null;
  reasons: UrlReason[];
  modelId: string;
  modelVersion: number;
}

/** Which URLs get reasons: all (the default for URL checks), only malicious ones, or none. */
export type UrlExplainPolicy = 'all' | 'alerts' | 'none';

export interface UrlScorer {
  readonly model: ActiveModel;
  /** Malicious when the probability is ≥ this. */
  readonly threshold: number;
  /** Scores URLs already validated by the caller; synchronous, so requests never share the buffers. */
  score(urls: readonly string[], explain: UrlExplainPolicy): UrlVerdict[];
}

const scorers = new WeakMap<ActiveModel, UrlScorer>();

/** The scorer of a production URL model, built on first use and kept as long as the model is. */
export function urlScorerFor(model: ActiveModel): UrlScorer {
  let scorer = scorers.get(model);
  if (!scorer) {
    scorer = createUrlScorer(model);
    scorers.set(model, scorer);
  }
  return scorer;
}

function mismatch(model: ActiveModel, why: string): AppError {
  return new AppError(
    'SCHEMA_MISMATCH',
    `production model ${model.id} (v${model.version}) cannot score URLs: ${why}; register and promote a URL model trained with vigil train --schema url`,
  );
}

export function createUrlScorer(model: ActiveModel): UrlScorer {
  const { document: doc, compiled } = model;
  const spec = doc.featureSpec;
  const nf = URL_FEATURE_COUNT;
  const classNames = spec.target.classNames;
  const nOut = compiled.nOutputs;
  if (spec.target.kind !== 'binary' || classNames.length !== 2) {
    throw mismatch(model, `it is a ${spec.target.kind} model with ${classNames.length} classes, not binary`);
  }
  if (compiled.nFeatures !== nf || spec.features.length !== nf) {
    throw mismatch(model, `it reads ${compiled.nFeatures} features, the URL schema has ${nf}`);
  }
  if (nOut !== 1 && nOut !== 2) throw mismatch(model, `it has ${nOut} outputs`);
  const explainer: ContributionExplainer = createContributionExplainer(ensembleFromDocument(doc));
  const threshold = storedThreshold(doc);
  const positive = Math.max(0, classNames.indexOf(spec.target.positiveClass ?? classNames[1]));
  const rows = new Float32Array(CHUNK * nf);
  const out = new Float64Array(CHUNK * nOut);
  const row = new Float32Array(nf);
  const contributions = new Float64Array(nf);
  const details: UrlDetails[] = Array.from({ length: CHUNK }, emptyUrlDetails);

  /** The features that pushed hardest towards the verdict, strongest first. */
  function reasons(r: number, malicious: boolean): UrlReason[] {
    for (let f = 0; f < nf; f++) row[f] = rows[r * nf + f];
    // One output: the margin of the positive class. Two (forests): the positive class's probability.
    explainer.contributions(row, contributions, nOut === 1 ? 0 : positive);
    const sign = malicious ? 1 : -1;
    const top: number[] = [];
    for (let f = 0; f < nf; f++) {
      const c = sign * contributions[f];
      if (!(c > 1e-9)) continue;
      let at = top.length;
      while (at > 0 && sign * contributions[top[at - 1]] < c) at--;
      if (at < TOP_REASONS) {
        top.splice(at, 0, f);
        if (top.length > TOP_REASONS) top.pop();
      }
    }
    return top.map((f) => ({
      feature: URL_FEATURE_NAMES[f],
      text: describeUrlFeature(f, row[f], details[r]),
      value: row[f],
      contribution: sign * contributions[f],
    }));
  }

  return {
    model,
    threshold,
    score(urls, explain) {
      const results: UrlVerdict[] = new Array(urls.length);
      for (let start = 0; start < urls.length; start += CHUNK) {
        const n = Math.min(CHUNK, urls.length - start);
        for (let r = 0; r < n; r++) extractUrlFeatures(urls[start + r], rows, r * nf, details[r]);
        compiled.predictBatch(rows, n, out);
        for (let r = 0; r < n; r++) {
          const p = nOut === 1 ? out[r] : out[r * 2 + positive];
          const malicious = p >= threshold;
          const d = details[r];
          results[start + r] = {
            url: urls[start + r],
            verdict: malicious ? 'attack' : 'benign',
            probability: p,
            category: classNames[malicious ? positive : 1 - positive],
            riskScore: riskScore(p, threshold),
            host: d.host,
            domain: d.domain,
            reasons: explain === 'all' || (explain === 'alerts' && malicious) ? reasons(r, malicious) : [],
            modelId: model.id,
            modelVersion: model.version,
          };
        }
      }
      return results;
    },
  };
}
