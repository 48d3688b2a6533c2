import { generateSyntheticFlows } from '@vigil/detect';
import {
  compileEnsemble,
  createContributionExplainer,
  createModelDocument,
  type Dataset,
  fingerprintDataset,
  type TargetSpec,
  type TreeEnsemble,
  toRowMajor,
  trainGbdt,
  trainRandomForest,
} from '@vigil/ml';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors/app-error.js';
import type { ActiveModel } from '../models/active-models.js';
import { createFlowScorer, flowScorerFor, SCORE_CHUNK } from './flow-scorer.js';
import { riskScore } from './risk-score.js';

function activeModel(
  ensemble: TreeEnsemble,
  ds: Dataset,
  target: TargetSpec,
  metrics: Record<string, unknown> = {},
): ActiveModel {
  const document = createModelDocument({
    ensemble,
    featureSpec: {
      schema: 'synthetic-flows',
      schemaVersion: 1,
      features: [...ds.features],
      preprocessing: {},
      target,
    },
    training: { params: {}, dataFingerprint: fingerprintDataset(ds), rows: ds.nRows },
    metrics,
    createdAt: '2026-01-01T00:00:00.000Z',
  });
  return {
    id: document.id,
    kind: 'synthetic-flows',
    version: 3,
    document,
    compiled: compileEnsemble(ensemble),
  };
}

function recordsOf(ds: Dataset): Record<string, unknown>[] {
  return Array.from({ length: ds.nRows }, (_, r) =>
    Object.fromEntries(
      ds.features.map((f, j) => {
        const v = ds.columns[j][r];
        return [f.name, v !== v ? null : f.categories ? f.categories[v] : v];
      }),
    ),
  );
}

const test = generateSyntheticFlows({ rows: SCORE_CHUNK + 250, seed: 5 });
const records = recordsOf(test);
const binaryTarget: TargetSpec = {
  kind: 'binary',
  classNames: ['benign', 'attack'],
  positiveClass: 'attack',
};

describe('risk score', () => {
  it('maps the threshold to 50, alerts to 50..100 and benign to 0..49', () => {
    expect(riskScore(0.5, 0.5)).toBe(50);
    expect(riskScore(1, 0.5)).toBe(100);
    expect(riskScore(0.75, 0.5)).toBe(75);
    expect(riskScore(0, 0.5)).toBe(0);
    expect(riskScore(0.4999, 0.5)).toBe(49);
    expect(riskScore(0.79, 0.8)).toBe(49);
    expect(riskScore(0.9, 0.8)).toBe(75);
    expect(riskScore(1, 1)).toBe(100);
    expect(riskScore(Number.NaN, 0.5)).toBe(0);
  });
});

describe('flow scorer', () => {
  it('binary GBDT: stored threshold, risk scores and top features that support the verdict', async () => {
    const train = generateSyntheticFlows({ rows: 2000, seed: 1 });
    const { ensemble } = await trainGbdt(train, { nEstimators: 20, maxDepth: 4, seed: 1 });
    const model = activeModel(ensemble, train, binaryTarget, { test: { threshold: 0.8 } });
    const scorer = flowScorerFor(model);
    expect(flowScorerFor(model)).toBe(scorer);
    expect(scorer.threshold).toBe(0.8);
    const { predictions } = scorer.score(records, 'all');
    const probs = model.compiled.predictBatch(toRowMajor(test), test.nRows);
    const explainer = createContributionExplainer(ensemble);
    const rows = toRowMajor(test);
    const nF = test.features.length;
    predictions.forEach((p, r) => {
      expect(p.probability).toBe(probs[r]);
      expect(p.verdict).toBe(probs[r] >= 0.8 ? 'attack' : 'benign');
      expect(p.category).toBe(p.verdict);
      expect(p.riskScore).toBe(riskScore(probs[r], 0.8));
      expect(p.modelVersion).toBe(3);
      const sign = p.verdict === 'attack' ? 1 : -1;
      const expected = explainer.topContributions(rows.subarray(r * nF, (r + 1) * nF), 5);
      expect(p.topFeatures.map((f) => [f.name, f.contribution])).toEqual(
        expected.map((c) => [test.features[c.feature].name, sign * c.contribution]),
      );
    });
    const alertsOnly = scorer.score(records, 'alerts').predictions;
    for (const p of alertsOnly) expect(p.topFeatures.length > 0).toBe(p.verdict === 'attack');
    for (const p of scorer.score(records, 'none').predictions) expect(p.topFeatures).toEqual([]);
  });

  it('category GBDT: attack probability is 1 − P(benign), category the likeliest attack family', async () => {
    const train = generateSyntheticFlows({ rows: 3000, seed: 2, target: 'category' });
    const { ensemble } = await trainGbdt(train, {
      nEstimators: 15,
      maxDepth: 4,
      seed: 2,
    });
    const classNames = [...(train.classNames ?? [])];
    const model = activeModel(ensemble, train, { kind: 'category', classNames });
    const { predictions } = createFlowScorer(model).score(records, 'all');
    const out = model.compiled.predictBatch(toRowMajor(test), test.nRows);
    const k = classNames.length;
    const families = new Set<string>();
    predictions.forEach((p, r) => {
      const probs = Array.from(out.subarray(r * k, (r + 1) * k));
      expect(p.probability).toBeCloseTo(1 - probs[0], 12);
      if (p.verdict === 'attack') {
        const best = probs.slice(1).indexOf(Math.max(...probs.slice(1))) + 1;
        expect(p.category).toBe(classNames[best]);
        families.add(p.category);
      } else expect(p.category).toBe('benign');
    });
    expect(families.size).toBe(3);
  });

  it('random forest: the positive class column of two outputs', () => {
    const train = generateSyntheticFlows({ rows: 1500, seed: 3 });
    const ensemble = trainRandomForest(train, { nEstimators: 8, maxDepth: 8, seed: 3 });
    const model = activeModel(ensemble, train, binaryTarget);
    const { predictions } = createFlowScorer(model).score(records.slice(0, 50), 'all');
    const out = model.compiled.predictBatch(toRowMajor(test), 50);
    predictions.forEach((p, r) => {
      expect(p.probability).toBe(out[r * 2 + 1]);
    });
  });

  it('refuses a model whose outputs do not fit its target', async () => {
    const train = generateSyntheticFlows({ rows: 500, seed: 4 });
    const { ensemble } = await trainGbdt(train, { nEstimators: 2, maxDepth: 2, seed: 4 });
    const valid = activeModel(ensemble, train, binaryTarget);
    // Documents are validated on load; this one is edited afterwards, as a corrupt store might hold.
    const target: TargetSpec = { kind: 'category', classNames: ['benign', 'dos', 'portscan'] };
    const featureSpec = { ...valid.document.featureSpec, target };
    const model = { ...valid, document: { ...valid.document, featureSpec } };
    expect(() => createFlowScorer(model)).toThrow(AppError);
    expect(() => createFlowScorer(model)).toThrow(/1 outputs for a category target with 3 classes/);
  });
});
