import { type SchemaCandidate, SchemaDetectionError } from '../errors/data-format.error.js';
import { cicids2017Schema } from './cicids2017.schema.js';
import { cicids2017ImprovedSchema } from './cicids2017-improved.schema.js';
import type { FlowSchema, FlowSchemaId } from './flow-schema.js';
import { matchHeader } from './header-match.js';
import { nslKddSchema } from './nsl-kdd.schema.js';
import { unswNb15Schema } from './unsw-nb15.schema.js';
import { zeekConnSchema } from './zeek-conn.schema.js';

/** Every built-in flow schema. */
export const flowSchemas: readonly FlowSchema[] = Object.freeze([
  nslKddSchema,
  unswNb15Schema,
  cicids2017Schema,
  cicids2017ImprovedSchema,
  zeekConnSchema,
]);

/** The built-in schema with this id; throws a RangeError listing the known ids otherwise. */
export function getFlowSchema(id: string): FlowSchema {
  const schema = flowSchemas.find((s) => s.id === id);
  if (!schema) {
    throw new RangeError(`unknown flow schema "${id}"; known: ${flowSchemas.map((s) => s.id).join(', ')}`);
  }
  return schema;
}

/** True when `id` names a built-in schema (for validating user input before use). */
export function isFlowSchemaId(id: string): id is FlowSchemaId {
  return flowSchemas.some((s) => s.id === id);
}

/** How well one schema explains a header. */
export interface FlowSchemaRank {
  readonly schema: FlowSchema;
  /** True when every required column is present. */
  readonly complete: boolean;
  /** Share of the required columns present, 0..1. */
  readonly coverage: number;
  /** Share of the header's columns the schema recognises, 0..1. */
  readonly confidence: number;
  readonly missing: readonly string[];
}

/** Every schema scored against a header, best first (complete before coverage before confidence). */
export function rankFlowSchemas(header: readonly string[]): FlowSchemaRank[] {
  const ranks = flowSchemas.map((schema): FlowSchemaRank => {
    const m = matchHeader(schema, header);
    const required = schema.signature.length;
    return {
      schema,
      complete: m.missing.length === 0,
      coverage: required === 0 ? 1 : (required - m.missing.length) / required,
      confidence: header.length === 0 ? 0 : m.known / header.length,
      missing: m.missing,
    };
  });
  return ranks.sort(
    (a, b) =>
      Number(b.complete) - Number(a.complete) || b.coverage - a.coverage || b.confidence - a.confidence,
  );
}

/**
 * The schema a CSV header belongs to: the one whose required columns are all present and that
 * recognises the largest share of the header (that share is the confidence). Throws a
 * SchemaDetectionError listing the closest candidates and what each is missing when none fits.
 */
export function detectFlowSchema(header: readonly string[]): { schema: FlowSchema; confidence: number } {
  const ranks = rankFlowSchemas(header);
  const best = ranks[0];
  if (best?.complete) return { schema: best.schema, confidence: best.confidence };
  const candidates: SchemaCandidate[] = ranks.map((r) => ({
    schemaId: r.schema.id,
    matched: r.schema.signature.length - r.missing.length,
    required: r.schema.signature.length,
    missing: r.missing,
  }));
  const shown = candidates
    .slice(0, 3)
    .map((c) => {
      const list = c.missing.slice(0, 5).map((n) => `"${n}"`);
      if (c.missing.length > 5) list.push(`and ${c.missing.length - 5} more`);
      return `${c.schemaId} (${c.matched}/${c.required} required columns; missing ${list.join(', ')})`;
    })
    .join('; ');
  throw new SchemaDetectionError(
    `no known flow schema matches this header of ${header.length} columns. Closest: ${shown}`,
    candidates,
  );
}
