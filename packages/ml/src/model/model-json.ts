// JSON writing for model documents: like JSON.stringify, but exact and compact for tree arrays.

/** Tree arrays read back into Float32Array, so the shortest text that rounds to the same float32 suffices. */
const FLOAT32_TREE_KEYS = new Set(['threshold', 'gain', 'cover']);

/**
 * Shortest decimal that rounds back to the float32 `v`; falls back to the exact double text when `v`
 * is not a float32. Keeps `-0`, which String() would print as 0.
 */
export function float32Text(v: number): string {
  if (Object.is(v, -0)) return '-0';
  if (!Number.isFinite(v)) return numberText(v);
  for (let p = 1; p <= 9; p++) {
    const d = Number(v.toPrecision(p));
    if (Math.fround(d) === v) return String(d);
  }
  return String(v);
}

/**
 * Exact JSON text of a double. JSON has no infinities: ±1e999 parses back to ±Infinity in
 * JavaScript and Python alike, which is how an infinite split threshold survives a round trip.
 */
export function numberText(v: number): string {
  if (Object.is(v, -0)) return '-0';
  if (v === Number.POSITIVE_INFINITY) return '1e999';
  if (v === Number.NEGATIVE_INFINITY) return '-1e999';
  if (v !== v) return 'null';
  return String(v);
}

function isNumberArray(v: unknown): v is ArrayLike<number> {
  if (ArrayBuffer.isView(v)) return !(v instanceof DataView);
  return Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number');
}

function isFloat32Path(path: readonly string[]): boolean {
  return path.length === 4 && path[0] === 'ensemble' && path[1] === 'trees' && FLOAT32_TREE_KEYS.has(path[3]);
}

/**
 * Serialises JSON data with `indent` spaces per level (0 = one line). Arrays of numbers (and typed
 * arrays) are written on one line with exact number text; objects with a `toJSON` method (Date) are
 * converted first; `undefined` members are dropped as JSON.stringify does.
 */
export function jsonWithNumberArrays(value: unknown, indent: number): string {
  const parts: string[] = [];
  const newline = (depth: number): string => (indent > 0 ? `\n${' '.repeat(indent * depth)}` : '');
  const sep = indent > 0 ? ': ' : ':';
  const write = (v: unknown, path: string[], depth: number): void => {
    if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
      v = (v as { toJSON: () => unknown }).toJSON();
    }
    if (v === null || v === undefined || typeof v === 'function' || typeof v === 'symbol') {
      parts.push('null');
    } else if (typeof v === 'number') {
      parts.push(numberText(v));
    } else if (typeof v === 'bigint') {
      parts.push(v.toString());
    } else if (typeof v !== 'object') {
      parts.push(JSON.stringify(v));
    } else if (isNumberArray(v)) {
      const fmt = isFloat32Path(path) ? float32Text : numberText;
      const items: string[] = new Array(v.length);
      for (let i = 0; i < v.length; i++) items[i] = fmt(v[i]);
      parts.push(`[${items.join(',')}]`);
    } else if (Array.isArray(v)) {
      if (v.length === 0) {
        parts.push('[]');
        return;
      }
      parts.push('[');
      v.forEach((item, i) => {
        if (i > 0) parts.push(',');
        parts.push(newline(depth + 1));
        write(item, [...path, String(i)], depth + 1);
      });
      parts.push(newline(depth), ']');
    } else {
      const entries = Object.entries(v).filter(
        ([, x]) => x !== undefined && typeof x !== 'function' && typeof x !== 'symbol',
      );
      if (entries.length === 0) {
        parts.push('{}');
        return;
      }
      parts.push('{');
      entries.forEach(([key, x], i) => {
        if (i > 0) parts.push(',');
        parts.push(newline(depth + 1), JSON.stringify(key), sep);
        write(x, [...path, key], depth + 1);
      });
      parts.push(newline(depth), '}');
    }
  };
  write(value, [], 0);
  return parts.join('');
}
