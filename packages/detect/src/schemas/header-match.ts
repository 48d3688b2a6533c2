import { type FlowColumn, type FlowSchema, normaliseColumnName } from './flow-schema.js';

/** A known column that appears twice in a header. */
export interface DuplicateColumn {
  readonly name: string;
  /** 0-based positions of the two occurrences. */
  readonly first: number;
  readonly second: number;
}

/** How a header lines up with a schema. */
export interface HeaderMatch {
  /** Canonical schema column name → 0-based position in the header. */
  readonly positions: ReadonlyMap<string, number>;
  /** Canonical names of the signature (required feature) columns the header lacks. */
  readonly missing: readonly string[];
  /** Header cells the schema does not know, as written (trimmed). */
  readonly unknown: readonly string[];
  readonly duplicates: readonly DuplicateColumn[];
  /** Header cells the schema recognised. */
  readonly known: number;
}

const lookups = new WeakMap<FlowSchema, Map<string, string>>();

/** Normalised name or alias → canonical name, for every column the schema knows. */
function lookupOf(schema: FlowSchema): Map<string, string> {
  let lookup = lookups.get(schema);
  if (lookup) return lookup;
  lookup = new Map();
  const add = (col: FlowColumn): void => {
    for (const n of [col.name, ...(col.aliases ?? [])]) {
      const key = normaliseColumnName(n);
      // First declaration wins: a feature's own name beats another column's alias.
      if (!lookup!.has(key)) lookup!.set(key, col.name);
    }
  };
  schema.features.forEach(add);
  schema.dropped.forEach(add);
  add({ name: schema.labels.binary.column });
  add({ name: schema.labels.category.column });
  lookups.set(schema, lookup);
  return lookup;
}

/**
 * Lines a header up with a schema: matching trims, collapses whitespace and ignores case. A repeated
 * column is read as the schema's `<name>.1` column when it declares one (pandas' spelling of a
 * repeat, which CICFlowMeter's duplicated "Fwd Header Length" becomes) and is a duplicate otherwise.
 */
export function matchHeader(schema: FlowSchema, header: readonly string[]): HeaderMatch {
  const lookup = lookupOf(schema);
  const positions = new Map<string, number>();
  const unknown: string[] = [];
  const duplicates: DuplicateColumn[] = [];
  let known = 0;
  header.forEach((cell, i) => {
    const key = normaliseColumnName(cell);
    const canonical = lookup.get(key);
    if (canonical === undefined) {
      unknown.push(cell.trim());
      return;
    }
    known++;
    const first = positions.get(canonical);
    if (first === undefined) {
      positions.set(canonical, i);
      return;
    }
    const repeat = lookup.get(`${key}.1`);
    if (repeat !== undefined && !positions.has(repeat)) positions.set(repeat, i);
    else duplicates.push({ name: canonical, first, second: i });
  });
  const missing = schema.features.filter((f) => !f.optional && !positions.has(f.name)).map((f) => f.name);
  return { positions, missing, unknown, duplicates, known };
}
