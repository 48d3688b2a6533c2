import type { EnsembleDocument, ModelDocument, TreeDocument } from './model-document.js';

/** Value of `format` in every model document. */
export const MODEL_FORMAT = 'vigil-model';
/** The document version this build writes and reads. */
export const MODEL_FORMAT_VERSION = 1;

/** A model document that does not hold what it should; `path` is the JSON path of the problem. */
export class ModelDocumentError extends Error {
  readonly path: string;
  readonly expected: string;
  readonly found: string;

  constructor(path: string, expected: string, found: string) {
    super(`${path || '(document)'}: expected ${expected}, got ${found}`);
    this.name = 'ModelDocumentError';
    this.path = path;
    this.expected = expected;
    this.found = found;
  }
}

const ALGORITHMS = ['gbdt', 'random-forest', 'isolation-forest'];
const TRANSFORMS = ['sigmoid', 'softmax', 'mean-probability', 'isolation', 'identity'];
const TARGET_KINDS = ['binary', 'category', 'anomaly'];
const FEATURE_KINDS = ['numeric', 'categorical'];

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return v === undefined ? 'nothing' : `a ${typeof v}`;
}

function at(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

function fail(path: string, expected: string, v: unknown): never {
  throw new ModelDocumentError(path, expected, describe(v));
}

function object(v: unknown, path: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(path, 'an object', v);
  return v as Record<string, unknown>;
}

function string(v: unknown, path: string): string {
  if (typeof v !== 'string' || v.length === 0) fail(path, 'a non-empty string', v);
  return v;
}

function integer(v: unknown, path: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    fail(path, max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer in ${min}..${max}`, v);
  }
  return v;
}

function oneOf<T extends string>(v: unknown, path: string, values: readonly T[]): T {
  if (!values.includes(v as T)) fail(path, `one of ${values.map((x) => JSON.stringify(x)).join(', ')}`, v);
  return v as T;
}

/**
 * An array of `n` numbers, each passing `ok`. `plural` names the items for a wrong array ("15
 * numbers"), `item` one bad element ("a node index in -1..14").
 */
function numbers(
  v: unknown,
  path: string,
  n: number,
  plural: string,
  item: string,
  ok: (x: number) => boolean,
): number[] {
  if (!Array.isArray(v)) fail(path, `an array of ${n} ${plural}`, v);
  if (v.length !== n) throw new ModelDocumentError(path, `an array of ${n} ${plural}`, String(v.length));
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (typeof x !== 'number' || !ok(x)) fail(at(path, i), item, x);
  }
  return v;
}

const finite = (x: number) => Number.isFinite(x);

/** Checks one tree's arrays and that following children from node 0 visits each node at most once. */
function validateTree(
  v: unknown,
  path: string,
  e: { nFeatures: number; nOutputs: number },
  target: number,
): void {
  const t = object(v, path) as unknown as TreeDocument;
  if (!Array.isArray(t.feature) || t.feature.length === 0)
    fail(at(path, 'feature'), 'a non-empty array', t.feature);
  const n = t.feature.length;
  const featureItem = `a feature index in -1..${e.nFeatures - 1}`;
  const feature = numbers(t.feature, at(path, 'feature'), n, 'feature indices', featureItem, (x) => {
    return Number.isInteger(x) && x >= -1 && x < e.nFeatures;
  });
  numbers(t.threshold, at(path, 'threshold'), n, 'numbers', 'a number', (x) => x === x);
  const child = `a node index in -1..${n - 1}`;
  const isChild = (x: number) => Number.isInteger(x) && x >= -1 && x < n;
  const left = numbers(t.left, at(path, 'left'), n, 'node indices', child, isChild);
  const right = numbers(t.right, at(path, 'right'), n, 'node indices', child, isChild);
  numbers(t.defaultLeft, at(path, 'defaultLeft'), n, 'flags', '0 or 1', (x) => x === 0 || x === 1);
  const vpl = integer(t.valuesPerLeaf, at(path, 'valuesPerLeaf'), 1, 1_000_000);
  if (target < 0 && vpl < e.nOutputs) {
    throw new ModelDocumentError(
      at(path, 'valuesPerLeaf'),
      `at least ${e.nOutputs} (one value per output)`,
      String(vpl),
    );
  }
  numbers(t.values, at(path, 'values'), n * vpl, 'finite numbers', 'a finite number', finite);
  numbers(t.gain, at(path, 'gain'), n, 'finite numbers', 'a finite number', finite);
  numbers(t.cover, at(path, 'cover'), n, 'finite numbers', 'a finite number', finite);
  const seen = new Uint8Array(n);
  const stack = [0];
  while (stack.length > 0) {
    const node = stack.pop() as number;
    if (seen[node])
      throw new ModelDocumentError(path, 'a tree (each node reached once from node 0)', `node ${node} twice`);
    seen[node] = 1;
    const isLeaf = feature[node] < 0;
    for (const [name, kids] of [
      ['left', left],
      ['right', right],
    ] as const) {
      const c = kids[node];
      if (isLeaf && c !== -1) fail(at(at(path, name), node), '-1 (node is a leaf)', c);
      if (!isLeaf && c < 0) fail(at(at(path, name), node), `a child index in 0..${n - 1} (node splits)`, c);
    }
    if (!isLeaf) stack.push(right[node], left[node]);
  }
}

/** Validates the `ensemble` member (structure and every invariant inference relies on). */
export function validateEnsemble(v: unknown, path: string): asserts v is EnsembleDocument {
  const e = object(v, path);
  oneOf(e.algorithm, at(path, 'algorithm'), ALGORITHMS);
  const nFeatures = integer(e.nFeatures, at(path, 'nFeatures'), 0, 1_000_000);
  const nOutputs = integer(e.nOutputs, at(path, 'nOutputs'), 1, 1_000_000);
  oneOf(e.transform, at(path, 'transform'), TRANSFORMS);
  if (!Array.isArray(e.trees)) fail(at(path, 'trees'), 'an array of trees', e.trees);
  const nTrees = e.trees.length;
  const outputItem = `an output index in -1..${nOutputs - 1}`;
  const treeOutput = numbers(
    e.treeOutput,
    at(path, 'treeOutput'),
    nTrees,
    'output indices',
    outputItem,
    (x) => {
      return Number.isInteger(x) && x >= -1 && x < nOutputs;
    },
  );
  const nBase = Array.isArray(e.baseScore) && e.baseScore.length === 0 ? 0 : nOutputs;
  numbers(e.baseScore, at(path, 'baseScore'), nBase, 'finite numbers', 'a finite number', finite);
  if (e.isolationSampleSize !== undefined) integer(e.isolationSampleSize, at(path, 'isolationSampleSize'), 1);
  e.trees.forEach((t, i) => {
    validateTree(t, at(at(path, 'trees'), i), { nFeatures, nOutputs }, treeOutput[i]);
  });
}

function validateFeatureSpec(v: unknown, path: string, nFeatures: number, nOutputs: number): void {
  const fs = object(v, path);
  string(fs.schema, at(path, 'schema'));
  integer(fs.schemaVersion, at(path, 'schemaVersion'), 0);
  if (!Array.isArray(fs.features) || fs.features.length !== nFeatures) {
    const found = Array.isArray(fs.features) ? String(fs.features.length) : describe(fs.features);
    throw new ModelDocumentError(
      at(path, 'features'),
      `an array of ${nFeatures} features (ensemble.nFeatures)`,
      found,
    );
  }
  const names = new Set<string>();
  fs.features.forEach((f, i) => {
    const p = at(at(path, 'features'), i);
    const info = object(f, p);
    const name = string(info.name, at(p, 'name'));
    if (names.has(name)) fail(at(p, 'name'), 'a name not used by an earlier feature', name);
    names.add(name);
    oneOf(info.kind, at(p, 'kind'), FEATURE_KINDS);
    if (info.categories !== undefined) {
      const cats = info.categories;
      if (!Array.isArray(cats) || !cats.every((c) => typeof c === 'string'))
        fail(at(p, 'categories'), 'an array of strings', cats);
    }
  });
  object(fs.preprocessing, at(path, 'preprocessing'));
  const target = object(fs.target, at(path, 'target'));
  const kind = oneOf(target.kind, at(at(path, 'target'), 'kind'), TARGET_KINDS);
  const classes = target.classNames;
  const cp = at(at(path, 'target'), 'classNames');
  if (!Array.isArray(classes) || !classes.every((c) => typeof c === 'string'))
    fail(cp, 'an array of strings', classes);
  if (kind === 'binary' && (classes.length !== 2 || nOutputs > 2)) {
    throw new ModelDocumentError(
      cp,
      'two class names and a model with 1 or 2 outputs',
      `${classes.length} names, ${nOutputs} outputs`,
    );
  }
  if (kind === 'category' && classes.length !== nOutputs) {
    throw new ModelDocumentError(cp, `one class name per output (${nOutputs})`, String(classes.length));
  }
  if (kind === 'anomaly' && nOutputs !== 1) {
    throw new ModelDocumentError(at(path, 'target'), 'an anomaly model with 1 output', `${nOutputs} outputs`);
  }
  if (target.positiveClass !== undefined && !classes.includes(target.positiveClass as string)) {
    fail(at(at(path, 'target'), 'positiveClass'), 'one of the class names', target.positiveClass);
  }
}

/** Validates a whole document; afterwards the data can be used as a ModelDocument. */
export function validateModelDocument(v: unknown): asserts v is ModelDocument {
  const d = object(v, '');
  if (d.format !== MODEL_FORMAT) fail('format', JSON.stringify(MODEL_FORMAT), d.format);
  if (d.formatVersion !== MODEL_FORMAT_VERSION) {
    fail('formatVersion', `${MODEL_FORMAT_VERSION} (the version this build reads)`, d.formatVersion);
  }
  string(d.id, 'id');
  if (typeof d.createdAt !== 'string' || Number.isNaN(Date.parse(d.createdAt))) {
    fail('createdAt', 'an ISO 8601 timestamp', d.createdAt);
  }
  validateEnsemble(d.ensemble, 'ensemble');
  const e = d.ensemble;
  if (d.algorithm !== e.algorithm)
    fail('algorithm', `${JSON.stringify(e.algorithm)} (ensemble.algorithm)`, d.algorithm);
  validateFeatureSpec(d.featureSpec, 'featureSpec', e.nFeatures, e.nOutputs);
  const tr = object(d.training, 'training');
  object(tr.params, 'training.params');
  string(tr.dataFingerprint, 'training.dataFingerprint');
  integer(tr.rows, 'training.rows', 0);
  if (tr.durationMs !== undefined && !(typeof tr.durationMs === 'number' && tr.durationMs >= 0)) {
    fail('training.durationMs', 'a duration ≥ 0', tr.durationMs);
  }
  if (tr.bestIteration !== undefined) integer(tr.bestIteration, 'training.bestIteration', 0);
  object(d.metrics, 'metrics');
}
