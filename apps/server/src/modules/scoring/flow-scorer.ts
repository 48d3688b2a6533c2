import {
  compileFlowRecordEncoder,
  type EncodeCounts,
  type FlowRecordEncoder,
  type FlowRowEncoder,
  flowSchemas,
} from '@vigil/detect';
import { type ContributionExplainer, createContributionExplainer, ensembleFromDocument } from '@vigil/ml';
import type { Verdict } from '../../db/schema.js';
import { AppError } from '../../errors/app-error.js';
import type { ActiveModel } from '../models/active-models.js';
import { riskScore } from './risk-score.js';

/** Features reported per prediction. */
export const TOP_FEATURES = 5;
/** Rows encoded and scored per pass through the model's reused buffers. */
export const SCORE_CHUNK = 1000;

/**
 * One input's part in a prediction. `value` is the model input (NaN → null; categorical features
 * show their code in the model's vocabulary); `contribution` is how much it moved the model's score
 * for the reported category (log-odds for GBDT, probability for random forests, negated path length
 * for isolation forests): positive supports the verdict, negative speaks against it.
 */
export interface TopFeature {
  name: string;
  value: number | null;
  contribution: number;
}

export interface FlowPrediction {
  verdict: Verdict;
  /** Probability of an attack (anomaly score for anomaly models). */
  probability: number;
  /**
   * Category models: the likeliest attack family for attacks (argmax over the non-benign classes),
   * the benign class otherwise; the verdict is `P(attack) = 1 − P(benign) ≥ 0.5`, so the two agree.
   * Binary models: the predicted class name (`attack` / `benign` for models Vigil trains); a category
   * model is not consulted, as one kind has one production model. Anomaly models: `anomaly` / `normal`.
   */
  category: string;
  riskScore: number;
  topFeatures: TopFeature[];
  modelId: string;
  modelVersion: number;
}

/**
 * Which predictions get top features: only attacks (the default: explaining costs ~2.5 µs per row
 * and per 137-tree model, more than scoring, and doubles the response), all of them, or none.
 */
export type ExplainPolicy = 'alerts' | 'all' | 'none';

/**
 * A production model made ready for flow records: its encoder, explainer, decision rule and reused
 * buffers. Built once per ActiveModel (see {@link flowScorerFor}). `score` is synchronous from encode
 * to results, so requests never interleave inside the shared buffers.
 */
export interface FlowScorer {
  readonly model: ActiveModel;
  readonly encoder: FlowRecordEncoder;
  /** Attack when the probability is ≥ this. */
  readonly threshold: number;
  score(
    records: readonly unknown[],
    explain: ExplainPolicy,
  ): { predictions: FlowPrediction[]; counts: EncodeCounts };
  /** As {@link score}, for rows of values under fixed keys (FlowRecordEncoder.forKeys). */
  scoreRows(
    rows: readonly (readonly unknown[])[],
    encoder: FlowRowEncoder,
    explain: ExplainPolicy,
  ): { predictions: FlowPrediction[]; counts: EncodeCounts };
}

type Mode = 'binary' | 'category' | 'anomaly';

const scorers = new WeakMap<ActiveModel, FlowScorer>();

/** The scorer of a production model, compiled on first use and kept as long as the model is. */
export function flowScorerFor(model: ActiveModel): FlowScorer {
  let scorer = scorers.get(model);
  if (!scorer) {
    scorer = createFlowScorer(model);
    scorers.set(model, scorer);
  }
  return scorer;
}

/**
 * The decision threshold stored with a model: `metrics.threshold`, `metrics.operatingPoint.threshold`,
 * the threshold its test report was computed at, or its training threshold; 0.5 when none is in (0, 1].
 */
export function storedThreshold(doc: ActiveModel['document']): number {
  const m = doc.metrics as Record<string, { threshold?: unknown } | unknown>;
  const candidates = [
    m.threshold,
    (m.operatingPoint as { threshold?: unknown } | undefined)?.threshold,
    (m.test as { threshold?: unknown } | undefined)?.threshold,
    (doc.training.params as { threshold?: unknown }).threshold,
  ];
  for (const t of candidates) if (typeof t === 'number' && t > 0 && t <= 1) return t;
  return 0.5;
}

function mismatch(model: ActiveModel, why: string): AppError {
  return new AppError(
    'SCHEMA_MISMATCH',
    `production model ${model.id} (v${model.version}) cannot score flows: ${why}; register and promote a consistent model`,
  );
}

/** Index of the class meaning "no attack" in a category model. */
function benignIndex(schema: string, classNames: readonly string[]): number {
  const declared = flowSchemas.find((s) => s.id === schema)?.labels.category.benignClass;
  const i = declared === undefined ? -1 : classNames.indexOf(declared);
  if (i >= 0) return i;
  const j = classNames.findIndex((c) => /^(benign|normal)$/i.test(c));
  return Math.max(j, 0);
}

export function createFlowScorer(model: ActiveModel): FlowScorer {
  const { document: doc, compiled } = model;
  const spec = doc.featureSpec;
  const classNames = spec.target.classNames;
  const mode: Mode = spec.target.kind;
  const nOut = compiled.nOutputs;
  const nF = compiled.nFeatures;
  if (spec.features.length !== nF) {
    throw mismatch(model, `its feature spec lists ${spec.features.length} features but its trees read ${nF}`);
  }
  const fits =
    mode === 'category'
      ? nOut === classNames.length && nOut >= 2
      : nOut === 1 || (nOut === 2 && classNames.length === 2);
  if (!fits || (mode === 'binary' && classNames.length !== 2)) {
    throw mismatch(model, `it has ${nOut} outputs for a ${mode} target with ${classNames.length} classes`);
  }
  const encoder = compileFlowRecordEncoder(spec);
  const ensemble = ensembleFromDocument(doc);
  const explainer: ContributionExplainer = createContributionExplainer(ensemble);
  const threshold = mode === 'category' ? 0.5 : storedThreshold(doc);
  const positive = Math.max(0, classNames.indexOf(spec.target.positiveClass ?? classNames[1] ?? ''));
  const negative = classNames.length === 2 ? 1 - positive : -1;
  const benign = mode === 'category' ? benignIndex(spec.schema, classNames) : -1;
  // Isolation forests sum path lengths: a longer path means less anomalous.
  const marginSign = ensemble.transform === 'isolation' ? -1 : 1;
  const names = spec.features.map((f) => f.name);

  const rows = new Float32Array(SCORE_CHUNK * nF);
  const out = new Float64Array(SCORE_CHUNK * nOut);
  const row = new Float32Array(nF);

  function explain(o: number, output: number, sign: number): TopFeature[] {
    for (let f = 0; f < nF; f++) row[f] = rows[o + f];
    const top = explainer.topContributions(row, TOP_FEATURES, output);
    return top.map(({ feature, contribution }) => {
      const v = row[feature];
      return { name: names[feature], value: v === v ? v : null, contribution: sign * contribution };
    });
  }

  function predict(r: number, policy: ExplainPolicy): FlowPrediction {
    const o = r * nOut;
    let p: number;
    let attack: boolean;
    let category: string;
    let output: number;
    let sign = 1;
    if (mode === 'category') {
      p = 1 - out[o + benign];
      attack = p >= threshold;
      output = benign;
      if (attack) {
        output = benign === 0 ? 1 : 0;
        for (let k = 0; k < nOut; k++) if (k !== benign && out[o + k] > out[o + output]) output = k;
      }
      category = classNames[output];
    } else {
      p = nOut === 1 ? out[o] : out[o + positive];
      attack = p >= threshold;
      category =
        mode === 'anomaly' ? (attack ? 'anomaly' : 'normal') : classNames[attack ? positive : negative];
      if (nOut === 1) {
        output = 0;
        sign = (attack ? 1 : -1) * marginSign;
      } else output = attack ? positive : negative;
    }
    return {
      verdict: attack ? 'attack' : 'benign',
      probability: p,
      category,
      riskScore: riskScore(p, threshold),
      topFeatures: policy === 'all' || (attack && policy === 'alerts') ? explain(r * nF, output, sign) : [],
      modelId: model.id,
      modelVersion: model.version,
    };
  }

  /** Scores `n` inputs that `encode(start, end, rows)` writes into the feature buffer. */
  function run(
    n: number,
    encode: (start: number, end: number, into: Float32Array) => EncodeCounts,
    policy: ExplainPolicy,
  ) {
    const predictions: FlowPrediction[] = new Array(n);
    const counts: EncodeCounts = { unseenCategories: 0, infiniteValues: 0 };
    for (let start = 0; start < n; start += SCORE_CHUNK) {
      const end = Math.min(n, start + SCORE_CHUNK);
      const c = encode(start, end, rows);
      counts.unseenCategories += c.unseenCategories;
      counts.infiniteValues += c.infiniteValues;
      compiled.predictBatch(rows, end - start, out);
      for (let r = 0; r < end - start; r++) predictions[start + r] = predict(r, policy);
    }
    return { predictions, counts };
  }

  return {
    model,
    encoder,
    threshold,
    score: (records, policy) =>
      run(records.length, (start, end, into) => encoder.encodeBatch(records, start, end, into), policy),
    scoreRows: (values, rowEncoder, policy) =>
      run(values.length, (start, end, into) => rowEncoder.encodeBatch(values, start, end, into), policy),
  };
}
