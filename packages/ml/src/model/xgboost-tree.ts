import { type Tree, treeFromNodes } from './tree-ensemble.js';

// Reading XGBoost's JSON: error reporting, typed field access and tree conversion.

/** An XGBoost model file that cannot be imported; `path` is the JSON path of the problem. */
export class XgboostImportError extends Error {
  readonly path: string;

  constructor(path: string, expected: string, found: string) {
    super(`${path || '(model)'}: expected ${expected}, got ${found}`);
    this.name = 'XgboostImportError';
    this.path = path;
  }
}

/** Short description of a JSON value for error messages. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return v === undefined ? 'nothing' : `a ${typeof v}`;
}

/** The value as an object, or an error naming `path`. */
export function object(v: unknown, path: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new XgboostImportError(path, 'an object', describe(v));
  return v as Record<string, unknown>;
}

/** XGBoost writes parameters as strings ("6"); accept numbers too. */
export function intParam(v: unknown, path: string, min: number): number {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min) {
    throw new XgboostImportError(path, `an integer ≥ ${min} (as a string)`, describe(v));
  }
  return n;
}

/** An array of `n` finite numbers (booleans read as 0/1, as older versions wrote default_left). */
export function numbers(v: unknown, path: string, n: number, integer: boolean): number[] {
  const what = integer ? 'integers' : 'numbers';
  if (!Array.isArray(v)) throw new XgboostImportError(path, `an array of ${n} ${what}`, describe(v));
  if (v.length !== n) throw new XgboostImportError(path, `an array of ${n} ${what}`, String(v.length));
  for (let i = 0; i < n; i++) {
    const x = typeof v[i] === 'boolean' ? Number(v[i]) : v[i];
    if (typeof x !== 'number' || !Number.isFinite(x) || (integer && !Number.isInteger(x))) {
      throw new XgboostImportError(
        `${path}[${i}]`,
        integer ? 'an integer' : 'a finite number',
        describe(v[i]),
      );
    }
  }
  return v.map(Number);
}

/**
 * One XGBoost tree as a `Tree`, checking every index so a malformed file cannot make inference
 * read out of bounds or loop. `scale` multiplies leaf values (dart's weight_drop).
 */
export function convertTree(v: unknown, path: string, nFeatures: number, scale: number): Tree {
  const t = object(v, path);
  const param = object(t.tree_param, `${path}.tree_param`);
  const n = intParam(param.num_nodes, `${path}.tree_param.num_nodes`, 1);
  const leafVector =
    param.size_leaf_vector === undefined
      ? 1
      : intParam(param.size_leaf_vector, `${path}.tree_param.size_leaf_vector`, 0);
  if (leafVector > 1) {
    throw new XgboostImportError(
      `${path}.tree_param.size_leaf_vector`,
      '0 or 1 (multi-target trees are not supported)',
      String(leafVector),
    );
  }
  const left = numbers(t.left_children, `${path}.left_children`, n, true);
  const right = numbers(t.right_children, `${path}.right_children`, n, true);
  const split = numbers(t.split_indices, `${path}.split_indices`, n, true);
  const cond = numbers(t.split_conditions, `${path}.split_conditions`, n, false);
  const defaultLeft = numbers(t.default_left, `${path}.default_left`, n, true);
  const gain =
    t.loss_changes === undefined
      ? new Array<number>(n).fill(0)
      : numbers(t.loss_changes, `${path}.loss_changes`, n, false);
  const cover =
    t.sum_hessian === undefined
      ? new Array<number>(n).fill(0)
      : numbers(t.sum_hessian, `${path}.sum_hessian`, n, false);
  const splitType = Array.isArray(t.split_type) ? t.split_type : [];
  const feature = new Array<number>(n);
  const threshold = new Array<number>(n);
  const values = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    const isLeaf = left[i] === -1;
    if (isLeaf !== (right[i] === -1)) {
      throw new XgboostImportError(
        `${path}.right_children[${i}]`,
        `${isLeaf ? '-1' : 'a child'} like left_children[${i}]`,
        String(right[i]),
      );
    }
    if (isLeaf) {
      feature[i] = -1;
      threshold[i] = 0;
      // XGBoost keeps a leaf's value in split_conditions (base_weights holds it before the learning rate).
      values[i] = Math.fround(cond[i]) * scale;
      continue;
    }
    for (const [name, c] of [
      ['left_children', left[i]],
      ['right_children', right[i]],
    ] as const) {
      if (c < 0 || c >= n || c === i)
        throw new XgboostImportError(`${path}.${name}[${i}]`, `a node index in 0..${n - 1}`, String(c));
    }
    if (split[i] < 0 || split[i] >= nFeatures) {
      throw new XgboostImportError(
        `${path}.split_indices[${i}]`,
        `a feature index in 0..${nFeatures - 1}`,
        String(split[i]),
      );
    }
    if (splitType[i] !== undefined && splitType[i] !== 0) {
      throw new XgboostImportError(
        `${path}.split_type[${i}]`,
        '0 (categorical splits are not supported)',
        describe(splitType[i]),
      );
    }
    feature[i] = split[i];
    threshold[i] = cond[i];
  }
  checkAcyclic(left, right, path);
  return treeFromNodes({
    feature,
    threshold,
    left,
    right,
    defaultLeft: defaultLeft.map((d) => (d ? 1 : 0)),
    values,
    gain,
    cover,
  });
}

function checkAcyclic(left: number[], right: number[], path: string): void {
  const seen = new Uint8Array(left.length);
  const stack = [0];
  while (stack.length > 0) {
    const node = stack.pop() as number;
    if (seen[node])
      throw new XgboostImportError(path, 'a tree (each node reached once from node 0)', `node ${node} twice`);
    seen[node] = 1;
    if (left[node] !== -1) stack.push(left[node], right[node]);
  }
}
