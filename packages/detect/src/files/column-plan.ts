import { SchemaDetectionError } from '../errors/data-format.error.js';
import { type FlowSchema, normaliseColumnName } from '../schemas/flow-schema.js';
import { detectFlowSchema, flowSchemas } from '../schemas/flow-schema.registry.js';
import { matchHeader } from '../schemas/header-match.js';
import { FLOW_METADATA_FIELDS, tupleLookup } from '../scoring/flow-tuple.js';
import { SYNTHETIC_FLOW_FEATURES } from '../synthetic/synthetic-flows.js';
import { FileFormatError } from './file-format.error.js';
import { findUrlColumn, looksLikeUrl, URL_COLUMN } from './url-list.js';

/** Model kind of URL lists. */
export const URL_BATCH_KIND = 'url';
/** Model kind of `generateSyntheticFlows` data (`vigil demo` models), which has no FlowSchema. */
export const SYNTHETIC_FLOWS_KIND = 'synthetic-flows';

/** A column that records carry: its 0-based position in the header and its name as written. */
export interface UsedColumn {
  readonly index: number;
  readonly name: string;
}

/** How a header maps onto what a model kind reads. */
export interface ColumnPlan {
  readonly kind: 'flows' | 'urls';
  /** Model kind: a flow schema id, `synthetic-flows` or `url`. */
  readonly schema: string;
  /** Share of the header's columns recognised (1 when the schema was given and every column is known). */
  readonly confidence: number;
  /** Columns copied into each record: features, 5-tuple, metadata, dropped and label columns (or the URL). */
  readonly used: readonly UsedColumn[];
  /** Header cells nothing reads; they are ignored. */
  readonly unknown: readonly string[];
  /** Optional features the header lacks (read as missing). */
  readonly optionalMissing: readonly string[];
  readonly urlColumn: string | null;
}

export interface PlanOptions {
  /** A flow schema id, `synthetic-flows`, `url`, or undefined to detect from the header. */
  readonly schema?: string;
  /** Name of the URL column of a URL list (default `url`). */
  readonly urlColumn?: string;
}

const list = (names: readonly string[], max = 8): string => {
  const shown = names.slice(0, max).map((n) => `"${n}"`);
  if (names.length > max) shown.push(`and ${names.length - max} more`);
  return shown.join(', ');
};

/** Every model kind a batch may name. */
export function batchKinds(): string[] {
  return [...flowSchemas.map((s) => s.id), SYNTHETIC_FLOWS_KIND, URL_BATCH_KIND];
}

/** True when a headerless single-column file of URLs is what the first line shows. */
export function isHeaderlessUrlList(header: readonly string[], options: PlanOptions): boolean {
  if (header.length !== 1 || options.urlColumn !== undefined) return false;
  if (options.schema !== undefined && options.schema !== URL_BATCH_KIND) return false;
  return looksLikeUrl(header[0]) && normaliseColumnName(header[0]) !== URL_COLUMN;
}

function planUrls(header: readonly string[], options: PlanOptions): ColumnPlan {
  let index = findUrlColumn(header, options.urlColumn ?? URL_COLUMN);
  if (index < 0 && options.urlColumn === undefined && header.length === 1) index = 0;
  if (index < 0) {
    const named = options.urlColumn ?? URL_COLUMN;
    throw new FileFormatError(
      'no-url-column',
      `no column named "${named}" in this URL list; its columns are ${list(header)} (name the URL column with urlColumn)`,
      { column: named },
    );
  }
  const unknown = header.filter((_, i) => i !== index).map((h) => h.trim());
  return {
    kind: 'urls',
    schema: URL_BATCH_KIND,
    confidence: 1,
    used: [{ index, name: header[index] }],
    unknown,
    optionalMissing: [],
    urlColumn: header[index],
  };
}

const tupleKeys = tupleLookup();
const metadataKeys = new Set(FLOW_METADATA_FIELDS.map(normaliseColumnName));

/** Columns of a header, split into those records carry and those nobody reads. */
function splitColumns(header: readonly string[], known: (key: string, index: number) => boolean) {
  const used: UsedColumn[] = [];
  const unknown: string[] = [];
  header.forEach((name, index) => {
    const key = normaliseColumnName(name);
    if (known(key, index) || tupleKeys.has(key) || metadataKeys.has(key)) used.push({ index, name });
    else unknown.push(name.trim());
  });
  return { used, unknown };
}

function planSchema(header: readonly string[], schema: FlowSchema, confidence?: number): ColumnPlan {
  const m = matchHeader(schema, header);
  if (m.missing.length > 0) {
    throw new FileFormatError(
      'missing-columns',
      `the header lacks ${m.missing.length} column(s) schema "${schema.id}" requires: ${list(m.missing)}` +
        (m.unknown.length > 0 ? `; columns it does not know: ${list(m.unknown)}` : ''),
      { missingColumns: m.missing },
    );
  }
  if (m.duplicates.length > 0) {
    const d = m.duplicates[0];
    throw new FileFormatError(
      'duplicate-column',
      `column "${d.name}" appears twice (columns ${d.first + 1} and ${d.second + 1}); remove one`,
      { column: d.name },
    );
  }
  const positions = new Set(m.positions.values());
  const { used, unknown } = splitColumns(header, (_, i) => positions.has(i));
  return {
    kind: 'flows',
    schema: schema.id,
    confidence: confidence ?? (header.length === 0 ? 0 : used.length / header.length),
    used,
    unknown,
    optionalMissing: schema.features.filter((f) => f.optional && !m.positions.has(f.name)).map((f) => f.name),
    urlColumn: null,
  };
}

const syntheticKeys = new Set(SYNTHETIC_FLOW_FEATURES.map((f) => normaliseColumnName(f.name)));

function planSynthetic(header: readonly string[]): ColumnPlan {
  const present = new Set(header.map(normaliseColumnName));
  const missing = SYNTHETIC_FLOW_FEATURES.filter((f) => !present.has(normaliseColumnName(f.name))).map(
    (f) => f.name,
  );
  if (missing.length > 0) {
    throw new FileFormatError(
      'missing-columns',
      `the header lacks ${missing.length} column(s) of "${SYNTHETIC_FLOWS_KIND}": ${list(missing)}`,
      { missingColumns: missing },
    );
  }
  const { used, unknown } = splitColumns(header, (key) => syntheticKeys.has(key));
  return {
    kind: 'flows',
    schema: SYNTHETIC_FLOWS_KIND,
    confidence: header.length === 0 ? 0 : used.length / header.length,
    used,
    unknown,
    optionalMissing: [],
    urlColumn: null,
  };
}

/**
 * Maps a header onto a model kind: the one named in `options.schema`, or the one detected (a URL
 * column makes a URL list; otherwise the flow schema whose required columns are all present, then
 * synthetic flows). Throws FileFormatError naming the missing, duplicated or unknown columns.
 */
export function planColumns(header: readonly string[], options: PlanOptions = {}): ColumnPlan {
  const { schema } = options;
  if (schema === URL_BATCH_KIND) return planUrls(header, options);
  if (schema === SYNTHETIC_FLOWS_KIND) return planSynthetic(header);
  if (schema !== undefined) {
    const s = flowSchemas.find((f) => f.id === schema);
    if (!s) {
      throw new FileFormatError(
        'unknown-schema',
        `unknown schema "${schema}"; known: ${batchKinds().join(', ')}`,
      );
    }
    return planSchema(header, s, 1);
  }
  if (options.urlColumn !== undefined || findUrlColumn(header) >= 0) return planUrls(header, options);
  try {
    const detected = detectFlowSchema(header);
    return planSchema(header, detected.schema, detected.confidence);
  } catch (err) {
    if (!(err instanceof SchemaDetectionError)) throw err;
    const present = new Set(header.map(normaliseColumnName));
    if ([...syntheticKeys].every((k) => present.has(k))) return planSynthetic(header);
    throw new FileFormatError(
      'unknown-schema',
      `${err.message}. Name the schema (${batchKinds().join(', ')}) if the header uses other names`,
    );
  }
}
