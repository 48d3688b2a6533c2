import type { FeatureInfo } from '../data/dataset.js';
import { fnv1a64 } from './dataset-fingerprint.js';
import { jsonWithNumberArrays } from './model-json.js';
import {
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  ModelDocumentError,
  validateEnsemble,
  validateModelDocument,
} from './model-validation.js';
import { type OutputTransform, type TreeEnsemble, treeFromNodes } from './tree-ensemble.js';

export { MODEL_FORMAT, MODEL_FORMAT_VERSION, ModelDocumentError } from './model-validation.js';

/** One tree as plain arrays (node-indexed like `Tree`; leaves have feature = left = right = -1). */
export interface TreeDocument {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  defaultLeft: number[];
  valuesPerLeaf: number;
  values: number[];
  gain: number[];
  cover: number[];
}

/** A `TreeEnsemble` as plain JSON data. */
export interface EnsembleDocument {
  algorithm: TreeEnsemble['algorithm'];
  nFeatures: number;
  nOutputs: number;
  transform: OutputTransform;
  baseScore: number[];
  treeOutput: number[];
  isolationSampleSize?: number;
  trees: TreeDocument[];
}

/** What the model predicts: `binary` (classNames[1] is the positive class unless `positiveClass` says otherwise), `category` (one output per class) or `anomaly`. */
export interface TargetSpec {
  kind: 'binary' | 'category' | 'anomaly';
  classNames: string[];
  positiveClass?: string;
}

/** The inputs a model expects, checked by the server before it scores anything with the model. */
export interface FeatureSpec {
  schema: string;
  schemaVersion: number;
  /** In model input order. */
  features: FeatureInfo[];
  /** Parameters of any transformation applied before the trees (e.g. scaler means). */
  preprocessing: Record<string, unknown>;
  target: TargetSpec;
}

/** How the model was trained; free-form extra keys (e.g. `source`) are kept. */
export interface TrainingInfo {
  params: Record<string, unknown>;
  /** `fingerprintDataset` of the training data. */
  dataFingerprint: string;
  rows: number;
  durationMs?: number;
  bestIteration?: number;
  [key: string]: unknown;
}

/** A versioned, self-contained model file: loadable and scorable without the trainer. */
export interface ModelDocument {
  format: typeof MODEL_FORMAT;
  formatVersion: typeof MODEL_FORMAT_VERSION;
  id: string;
  /** ISO 8601 timestamp. */
  createdAt: string;
  algorithm: TreeEnsemble['algorithm'];
  ensemble: EnsembleDocument;
  featureSpec: FeatureSpec;
  training: TrainingInfo;
  /** Evaluation results; must be JSON data (NaN and Infinity become null once serialised). */
  metrics: Record<string, unknown>;
}

/** Ensemble → plain arrays. Numbers are copied exactly (float32 thresholds widen losslessly). */
export function ensembleToDocument(ens: TreeEnsemble): EnsembleDocument {
  const doc: EnsembleDocument = {
    algorithm: ens.algorithm,
    nFeatures: ens.nFeatures,
    nOutputs: ens.nOutputs,
    transform: ens.transform,
    baseScore: Array.from(ens.baseScore),
    treeOutput: Array.from(ens.treeOutput),
    trees: ens.trees.map((t) => ({
      feature: Array.from(t.feature),
      threshold: Array.from(t.threshold),
      left: Array.from(t.left),
      right: Array.from(t.right),
      defaultLeft: Array.from(t.defaultLeft),
      valuesPerLeaf: t.valuesPerLeaf,
      values: Array.from(t.values),
      gain: Array.from(t.gain),
      cover: Array.from(t.cover),
    })),
  };
  if (ens.isolationSampleSize !== undefined) doc.isolationSampleSize = ens.isolationSampleSize;
  return doc;
}

/**
 * Builds and validates a document. `id` defaults to a hash of the content and `createdAt` to now,
 * so the same model trained at the same instant gets the same id.
 */
export function createModelDocument(parts: {
  ensemble: TreeEnsemble;
  featureSpec: FeatureSpec;
  training: TrainingInfo;
  metrics?: Record<string, unknown>;
  id?: string;
  createdAt?: string | Date;
}): ModelDocument {
  const createdAt =
    parts.createdAt instanceof Date
      ? parts.createdAt.toISOString()
      : (parts.createdAt ?? new Date().toISOString());
  const ensemble = ensembleToDocument(parts.ensemble);
  const body = {
    algorithm: parts.ensemble.algorithm,
    ensemble,
    featureSpec: parts.featureSpec,
    training: parts.training,
    metrics: parts.metrics ?? {},
  };
  const id =
    parts.id ?? `${parts.ensemble.algorithm}-${fnv1a64(jsonWithNumberArrays({ createdAt, ...body }, 0))}`;
  const doc: ModelDocument = {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    id,
    createdAt,
    ...body,
  };
  validateModelDocument(doc);
  return doc;
}

/** JSON text of a document: indented, each number array on one line, numbers exact on reload. */
export function serializeModelDocument(doc: ModelDocument): string {
  return `${jsonWithNumberArrays(doc, 2)}\n`;
}

/**
 * Parses and fully validates a document (JSON text or already-parsed data). Throws
 * `ModelDocumentError` naming the JSON path, what was expected and what was found; a document that
 * passes cannot make inference read out of bounds or loop.
 */
export function parseModelDocument(input: string | unknown): ModelDocument {
  let data: unknown = input;
  if (typeof input === 'string') {
    try {
      data = JSON.parse(input);
    } catch (err) {
      throw new ModelDocumentError('', 'JSON text', `invalid JSON (${(err as Error).message})`);
    }
  }
  validateModelDocument(data);
  return data;
}

/** The inference ensemble of a document (validated again, so hand-built documents are safe too). */
export function ensembleFromDocument(doc: ModelDocument): TreeEnsemble {
  const e = doc.ensemble;
  validateEnsemble(e, 'ensemble');
  const ensemble: TreeEnsemble = {
    algorithm: e.algorithm,
    nFeatures: e.nFeatures,
    nOutputs: e.nOutputs,
    trees: e.trees.map((t) => treeFromNodes(t)),
    treeOutput: Int32Array.from(e.treeOutput),
    baseScore: Float64Array.from(e.baseScore),
    transform: e.transform,
  };
  return e.isolationSampleSize === undefined
    ? ensemble
    : { ...ensemble, isolationSampleSize: e.isolationSampleSize };
}
