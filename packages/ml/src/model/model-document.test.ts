import { describe, expect, it } from 'vitest';
import { randomEnsemble, randomRows } from '../../test-fixtures/random-ensemble.js';
import { compileEnsemble } from '../inference/compiled-model.js';
import {
  createModelDocument,
  ensembleFromDocument,
  type FeatureSpec,
  type ModelDocument,
  ModelDocumentError,
  parseModelDocument,
  serializeModelDocument,
} from './model-document.js';
import { evaluateEnsemble, type TreeEnsemble } from './tree-ensemble.js';

// biome-ignore lint/suspicious/noExplicitAny: the tests reach into parsed JSON to corrupt it.
type Json = any;

function specFor(ens: TreeEnsemble, kind: FeatureSpec['target']['kind']): FeatureSpec {
  const classNames =
    kind === 'category' ? ['benign', 'dos', 'scan'].slice(0, ens.nOutputs) : ['benign', 'malicious'];
  return {
    schema: 'test-flow',
    schemaVersion: 2,
    features: Array.from({ length: ens.nFeatures }, (_, f) => ({ name: `f${f}`, kind: 'numeric' as const })),
    preprocessing: { scaler: { mean: [0.5, 1e-300], scale: [2, 3] } },
    target: { kind, classNames, positiveClass: kind === 'binary' ? 'malicious' : undefined },
  };
}

function docFor(ens: TreeEnsemble, kind: FeatureSpec['target']['kind'] = 'binary'): ModelDocument {
  return createModelDocument({
    ensemble: ens,
    featureSpec: specFor(ens, kind),
    training: {
      params: { rounds: ens.trees.length, eta: 0.1 },
      dataFingerprint: '00ff',
      rows: 1000,
      bestIteration: 3,
    },
    metrics: { auc: 0.97 },
    createdAt: new Date('2025-01-02T03:04:05Z'),
  });
}

const binary = randomEnsemble({
  kind: 'binary',
  nTrees: 30,
  nFeatures: 6,
  maxDepth: 6,
  extremeThresholds: true,
});
// A negative zero leaf must survive too (String(-0) would print "0").
(binary.trees[0].values as Float64Array)[binary.trees[0].feature.indexOf(-1)] = -0;

describe('model document round trip', () => {
  const cases: [string, TreeEnsemble, FeatureSpec['target']['kind']][] = [
    ['binary GBDT with infinite thresholds', binary, 'binary'],
    [
      'multi-class GBDT',
      randomEnsemble({ kind: 'multiclass', nTrees: 12, nFeatures: 5, maxDepth: 4, seed: 9 }),
      'category',
    ],
    [
      'random forest',
      randomEnsemble({ kind: 'forest', nTrees: 5, nFeatures: 4, maxDepth: 10, seed: 10 }),
      'category',
    ],
    [
      'isolation forest',
      randomEnsemble({ kind: 'isolation', nTrees: 8, nFeatures: 4, maxDepth: 8, seed: 11 }),
      'anomaly',
    ],
  ];
  for (const [name, ens, kind] of cases) {
    it(`${name}: save → load gives bit-identical trees and predictions`, () => {
      const doc = docFor(ens, kind);
      const text = serializeModelDocument(doc);
      const loaded = parseModelDocument(text);
      // Thresholds are written as the shortest decimal of their float32, so compare as text.
      expect(serializeModelDocument(loaded)).toBe(text);
      expect(loaded.featureSpec).toEqual(doc.featureSpec);
      expect(loaded.training).toEqual(doc.training);
      const back = ensembleFromDocument(loaded);
      back.trees.forEach((t, i) => {
        const orig = ens.trees[i];
        expect(Object.is(t.values[0], orig.values[0])).toBe(true);
        expect(Array.from(t.threshold)).toEqual(Array.from(orig.threshold));
        expect(Array.from(t.values)).toEqual(Array.from(orig.values));
        expect(Array.from(t.cover)).toEqual(Array.from(orig.cover));
      });
      const rows = randomRows(64, ens.nFeatures, 3);
      const a = compileEnsemble(ens).predictBatch(rows, 64);
      const b = compileEnsemble(back).predictBatch(rows, 64);
      expect(Array.from(b)).toEqual(Array.from(a));
      const row = rows.subarray(0, ens.nFeatures);
      expect(Array.from(evaluateEnsemble(back, row))).toEqual(Array.from(evaluateEnsemble(ens, row)));
    });
  }

  it('writes compact, exact numbers: shortest float32 thresholds, ±1e999 for infinities, -0 kept', () => {
    const text = serializeModelDocument(docFor(binary));
    expect(text).toContain('1e999');
    expect(text).not.toMatch(/"threshold":\s*\[[^\]]*\d{12}/); // no 17-digit widened float32s
    expect(text).toMatch(/"values":\s*\[[^\]]*-0[,\]]/);
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('derives a stable id from the content and keeps extra training keys', () => {
    const a = docFor(binary);
    expect(a.id).toMatch(/^gbdt-[0-9a-f]{16}$/);
    expect(docFor(binary).id).toBe(a.id);
    const { id: _, ...parts } = a;
    const withSource = createModelDocument({
      ...parts,
      ensemble: binary,
      training: { ...a.training, source: 'cic.csv' },
    });
    expect(parseModelDocument(serializeModelDocument(withSource)).training.source).toBe('cic.csv');
    expect(withSource.id).not.toBe(a.id);
  });
});

describe('parseModelDocument rejects corrupt documents with the JSON path', () => {
  const base = JSON.parse(serializeModelDocument(docFor(binary))) as Json;
  const split = (base.ensemble.trees[1].feature as number[]).findIndex((f, i) => f >= 0 && i > 0);
  const leaf = (base.ensemble.trees[1].feature as number[]).indexOf(-1);
  const n1 = base.ensemble.trees[1].feature.length;
  const cases: [string, (d: Json) => void, RegExp][] = [
    [
      'short threshold array',
      (d) => d.ensemble.trees[1].threshold.pop(),
      new RegExp(`^ensemble\\.trees\\[1\\]\\.threshold: expected an array of ${n1} numbers, got ${n1 - 1}$`),
    ],
    [
      'child out of range',
      (d) => {
        d.ensemble.trees[1].left[0] = 999;
      },
      /^ensemble\.trees\[1\]\.left\[0\]: expected a node index in -1\.\.\d+, got 999$/,
    ],
    [
      'cycle back to the root',
      (d) => {
        d.ensemble.trees[1].right[split] = 0;
      },
      /^ensemble\.trees\[1\]: expected a tree \(each node reached once from node 0\), got node 0 twice$/,
    ],
    [
      'feature beyond nFeatures',
      (d) => {
        d.ensemble.trees[1].feature[0] = 6;
      },
      /^ensemble\.trees\[1\]\.feature\[0\]: expected a feature index in -1\.\.5, got 6$/,
    ],
    [
      'leaf with a child',
      (d) => {
        d.ensemble.trees[1].left[leaf] = 0;
      },
      new RegExp(`^ensemble\\.trees\\[1\\]\\.left\\[${leaf}\\]: expected -1 \\(node is a leaf\\), got 0$`),
    ],
    [
      'split without a child',
      (d) => {
        d.ensemble.trees[1].right[0] = -1;
      },
      /^ensemble\.trees\[1\]\.right\[0\]: expected a child index/,
    ],
    [
      'leaf values of the wrong length',
      (d) => d.ensemble.trees[2].values.push(1),
      /^ensemble\.trees\[2\]\.values: expected an array of \d+ finite numbers, got \d+$/,
    ],
    [
      'string in a number array',
      (d) => {
        d.ensemble.trees[0].cover[2] = '7';
      },
      /^ensemble\.trees\[0\]\.cover\[2\]: expected a finite number, got "7"$/,
    ],
    [
      'NaN threshold',
      (d) => {
        d.ensemble.trees[0].threshold[0] = Number.NaN;
      },
      /^ensemble\.trees\[0\]\.threshold\[0\]: expected a number/,
    ],
    [
      'treeOutput beyond nOutputs',
      (d) => {
        d.ensemble.treeOutput[4] = 1;
      },
      /^ensemble\.treeOutput\[4\]: expected an output index in -1\.\.0, got 1$/,
    ],
    [
      'missing trees',
      (d) => {
        delete d.ensemble.trees;
      },
      /^ensemble\.trees: expected an array of trees, got nothing$/,
    ],
    [
      'unknown transform',
      (d) => {
        d.ensemble.transform = 'relu';
      },
      /^ensemble\.transform: expected one of "sigmoid"/,
    ],
    [
      'wrong format',
      (d) => {
        d.format = 'onnx';
      },
      /^format: expected "vigil-model", got "onnx"$/,
    ],
    [
      'newer version',
      (d) => {
        d.formatVersion = 2;
      },
      /^formatVersion: expected 1 \(the version this build reads\), got 2$/,
    ],
    [
      'feature count mismatch',
      (d) => d.featureSpec.features.pop(),
      /^featureSpec\.features: expected an array of 6 features \(ensemble\.nFeatures\), got 5$/,
    ],
    [
      'duplicate feature name',
      (d) => {
        d.featureSpec.features[3].name = 'f1';
      },
      /^featureSpec\.features\[3\]\.name: expected a name not used/,
    ],
    [
      'unknown positive class',
      (d) => {
        d.featureSpec.target.positiveClass = 'evil';
      },
      /^featureSpec\.target\.positiveClass: expected one of the class names, got "evil"$/,
    ],
    [
      'bad timestamp',
      (d) => {
        d.createdAt = 'yesterday';
      },
      /^createdAt: expected an ISO 8601 timestamp, got "yesterday"$/,
    ],
    [
      'negative row count',
      (d) => {
        d.training.rows = -1;
      },
      /^training\.rows: expected an integer ≥ 0, got -1$/,
    ],
    [
      'algorithm mismatch',
      (d) => {
        d.algorithm = 'random-forest';
      },
      /^algorithm: expected "gbdt" \(ensemble\.algorithm\)/,
    ],
  ];
  for (const [name, mutate, message] of cases) {
    it(name, () => {
      const doc = structuredClone(base);
      mutate(doc);
      let error: unknown;
      try {
        parseModelDocument(doc);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ModelDocumentError);
      expect((error as Error).message).toMatch(message);
    });
  }

  it('reports invalid JSON text and non-objects', () => {
    expect(() => parseModelDocument('{"format": ')).toThrow(
      /^\(document\): expected JSON text, got invalid JSON/,
    );
    expect(() => parseModelDocument('[1]')).toThrow(/^\(document\): expected an object, got an array of 1$/);
  });

  it('a forest leaf narrower than nOutputs is rejected before inference can read past it', () => {
    const forest = JSON.parse(
      serializeModelDocument(
        docFor(randomEnsemble({ kind: 'forest', nTrees: 2, nFeatures: 3, maxDepth: 3 }), 'category'),
      ),
    );
    forest.ensemble.trees[1].valuesPerLeaf = 2;
    expect(() => parseModelDocument(forest)).toThrow(
      /^ensemble\.trees\[1\]\.valuesPerLeaf: expected at least 3 \(one value per output\), got 2$/,
    );
  });

  it('createModelDocument refuses a spec that does not fit the ensemble', () => {
    const spec = specFor(binary, 'binary');
    expect(() =>
      createModelDocument({
        ensemble: binary,
        featureSpec: { ...spec, target: { kind: 'category', classNames: ['a', 'b', 'c'] } },
        training: { params: {}, dataFingerprint: 'x', rows: 1 },
      }),
    ).toThrow(/^featureSpec\.target\.classNames: expected one class name per output \(1\), got 3$/);
  });
});
