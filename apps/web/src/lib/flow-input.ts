// Turning what a user typed on the Check page into the records of POST /api/v1/predict/flows.

import type { FeatureInfo } from '../api/types';

export type FlowRecord = Record<string, unknown>;

/** The optional 5-tuple fields the server keeps in history (when they are not model features). */
export const TUPLE_FIELDS = ['src_ip', 'dst_ip', 'src_port', 'dst_port', 'protocol'] as const;

/**
 * Records from pasted JSON: one object, an array of objects, or a request body `{ records: [...] }`
 * (whose `schema` is returned too). The error says what is wrong and where.
 */
export function recordsFromJson(
  text: string,
): { records: FlowRecord[]; schema?: string } | { error: string } {
  if (!text.trim()) return { error: 'Paste a flow as JSON, e.g. {"dst_port": 22, "protocol": "tcp"}' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { error: `This is not valid JSON: ${(err as Error).message}` };
  }
  const isObject = (v: unknown): v is FlowRecord => typeof v === 'object' && v !== null && !Array.isArray(v);
  let schema: string | undefined;
  if (isObject(value) && Array.isArray(value.records)) {
    if (typeof value.schema === 'string') schema = value.schema;
    value = value.records;
  }
  const records = Array.isArray(value) ? value : [value];
  if (records.length === 0) return { error: 'The array is empty: give at least one flow' };
  if (records.length > 100)
    return { error: `${records.length} flows: check up to 100 here, or upload a batch` };
  const bad = records.findIndex((r) => !isObject(r));
  if (bad >= 0) return { error: `Flow ${bad + 1} is not an object of field → value` };
  return { records: records as FlowRecord[], ...(schema ? { schema } : {}) };
}

/**
 * One record from the form: numbers for numeric features (empty = missing, sent as null), the
 * chosen category for categorical ones, and the filled-in 5-tuple fields. Returns the fields
 * that are not numbers, by name, when there are any.
 */
export function recordFromForm(
  features: readonly FeatureInfo[],
  values: Readonly<Record<string, string>>,
): { record: FlowRecord } | { errors: Record<string, string> } {
  const record: FlowRecord = {};
  const errors: Record<string, string> = {};
  const names = new Set(features.map((f) => f.name));
  for (const f of features) {
    const raw = (values[f.name] ?? '').trim();
    if (raw === '') {
      record[f.name] = null;
    } else if (f.kind === 'categorical') {
      record[f.name] = raw;
    } else if (Number.isFinite(Number(raw))) {
      record[f.name] = Number(raw);
    } else {
      errors[f.name] = 'Enter a number, or leave it empty for "missing"';
    }
  }
  for (const field of TUPLE_FIELDS) {
    if (names.has(field)) continue;
    const raw = (values[field] ?? '').trim();
    if (!raw) continue;
    if (field.endsWith('_port')) {
      if (!/^\d{1,5}$/.test(raw) || Number(raw) > 65535) errors[field] = 'Enter a port from 0 to 65535';
      else record[field] = Number(raw);
    } else {
      record[field] = raw;
    }
  }
  return Object.keys(errors).length > 0 ? { errors } : { record };
}

const TUPLE_EXAMPLE: Record<(typeof TUPLE_FIELDS)[number], string | number> = {
  src_ip: '10.0.0.5',
  dst_ip: '10.0.0.9',
  src_port: 40000,
  dst_port: 443,
  protocol: 'tcp',
};

/** A JSON template with every feature of a model (and the 5-tuple), for the JSON tab. */
export function recordTemplate(features: readonly FeatureInfo[]): string {
  const record: FlowRecord = {};
  for (const f of features) record[f.name] = f.kind === 'categorical' ? (f.categories?.[0] ?? null) : 0;
  for (const field of TUPLE_FIELDS) {
    if (!(field in record)) record[field] = TUPLE_EXAMPLE[field];
  }
  return JSON.stringify(record, null, 2);
}

/** The feature list of a model's feature spec, or [] when it has none. */
export function featuresOf(featureSpec: Record<string, unknown>): FeatureInfo[] {
  const list = featureSpec.features;
  if (!Array.isArray(list)) return [];
  return list.filter(
    (f): f is FeatureInfo =>
      typeof f === 'object' && f !== null && typeof (f as FeatureInfo).name === 'string',
  );
}
