import type { FeatureInfo, FeatureSpec } from '@vigil/ml';
import { classifyNumericCell, FLOAT32_MAX } from '../dataset/numeric-cell.js';
import { type FlowSchema, normaliseColumnName } from '../schemas/flow-schema.js';
import { flowSchemas } from '../schemas/flow-schema.registry.js';
import { FlowRecordError, showValue } from './flow-record.error.js';
import {
  FLOW_METADATA_FIELDS,
  FLOW_TUPLE_FIELDS,
  type FlowTuple,
  readAddress,
  readPort,
  readProtocol,
  TUPLE_DST_IP,
  TUPLE_DST_PORT,
  TUPLE_PROTOCOL,
  TUPLE_SRC_IP,
  TUPLE_SRC_PORT,
  tupleLookup,
} from './flow-tuple.js';

/** Options of {@link compileFlowRecordEncoder}. */
export interface FlowRecordEncoderOptions {
  /**
   * The schema whose column names and aliases records may use. Default: the built-in schema named by
   * the feature spec, if any; `null` accepts the model's feature names only.
   */
  readonly schema?: FlowSchema | null;
  /** Fields nobody knows (not a feature, schema column, 5-tuple or metadata field): error (default) or ignore. */
  readonly unknownFields?: 'error' | 'ignore';
}

/** What an encoded batch read as missing although a value was sent. */
export interface EncodeCounts {
  /** Categorical values absent from the model's vocabulary (encoded as missing, like the builder does). */
  unseenCategories: number;
  /** ±Infinity or beyond-float32 numbers (encoded as missing). */
  infiniteValues: number;
}

/**
 * A model's input encoder for JSON flow records: the online twin of the dataset builder. Numbers and
 * numeric strings are read as the builder reads CSV cells (missing tokens and infinities → NaN),
 * categorical values are coded with the vocabulary stored in the model, and an absent optional
 * feature is NaN. Compiled once per model; encoding allocates nothing but the caller's buffer.
 */
export interface FlowRecordEncoder {
  readonly schemaId: string;
  readonly features: readonly FeatureInfo[];
  readonly nFeatures: number;
  /** Features every record must carry; the others read as missing when absent. */
  readonly required: readonly string[];
  /**
   * Encodes `records[start..end)` into `out` as row-major rows from row 0. Throws a
   * {@link FlowRecordError} naming the record index (in `records`) and field of the first bad value.
   */
  encodeBatch(records: readonly unknown[], start: number, end: number, out: Float32Array): EncodeCounts;
  /** The 5-tuple of a record (unreadable parts are null); call it on records that encoded cleanly. */
  tuple(record: unknown): FlowTuple;
  /**
   * An encoder of rows given as values under fixed `keys` (the columns of a delimited file): a row
   * encodes exactly as the record `{ [keys[k]]: row[k] }` would, errors included, but the keys are
   * resolved once, not per record, and no record object is needed.
   */
  forKeys(keys: readonly string[]): FlowRowEncoder;
}

/** See {@link FlowRecordEncoder.forKeys}. */
export interface FlowRowEncoder {
  readonly keys: readonly string[];
  /** As {@link FlowRecordEncoder.encodeBatch}, for rows of values in `keys` order. */
  encodeBatch(
    rows: readonly (readonly unknown[])[],
    start: number,
    end: number,
    out: Float32Array,
  ): EncodeCounts;
  /** As {@link FlowRecordEncoder.tuple}, for a row of values in `keys` order. */
  tuple(row: readonly unknown[]): FlowTuple;
}

interface FieldSlot {
  /** Model feature index or -1. */
  feature: number;
  /** 5-tuple part or -1. */
  tuple: number;
}

const KEY_CACHE_LIMIT = 4096;
const loose = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Compiles the encoder of a model's feature spec. */
export function compileFlowRecordEncoder(
  spec: Pick<FeatureSpec, 'schema' | 'features'>,
  options: FlowRecordEncoderOptions = {},
): FlowRecordEncoder {
  const schema =
    options.schema === undefined
      ? flowSchemas.find((s) => s.id === spec.schema)
      : (options.schema ?? undefined);
  const ignoreUnknown = options.unknownFields === 'ignore';
  const features = spec.features;
  const nFeatures = features.length;
  const featureIndex = new Map(features.map((f, i) => [f.name, i]));

  // Normalised field name → slot. First declaration wins: the model's own names, then the schema's.
  const known = new Map<string, FieldSlot>();
  const declare = (name: string, feature: number): void => {
    const key = normaliseColumnName(name);
    if (!known.has(key)) known.set(key, { feature, tuple: -1 });
  };
  features.forEach((f, i) => {
    declare(f.name, i);
  });
  if (schema) {
    for (const col of [...schema.features, ...schema.dropped]) {
      const i = featureIndex.get(col.name) ?? -1;
      for (const n of [col.name, ...(col.aliases ?? [])]) declare(n, i);
    }
    declare(schema.labels.binary.column, -1);
    declare(schema.labels.category.column, -1);
  }
  for (const [key, part] of tupleLookup()) {
    const slot = known.get(key);
    if (slot) slot.tuple = part;
    else known.set(key, { feature: -1, tuple: part });
  }
  for (const name of FLOW_METADATA_FIELDS) declare(name, -1);
  const looseNames = new Map<string, string>();
  for (const f of features) if (!looseNames.has(loose(f.name))) looseNames.set(loose(f.name), f.name);

  const optional = new Set(schema?.features.filter((f) => f.optional).map((f) => f.name) ?? []);
  const requiredIdx = Int32Array.from(features.flatMap((f, i) => (optional.has(f.name) ? [] : [i])));
  const required = Array.from(requiredIdx, (i) => features[i].name);
  const vocabularies = features.map((f) =>
    f.kind === 'categorical' ? new Map((f.categories ?? []).map((c, code) => [c, code])) : undefined,
  );
  const schemaId = spec.schema;
  const described = schema ? `schema "${schema.id}"` : `the model's features (schema "${schemaId}")`;

  const keyCache = new Map<string, FieldSlot>();
  const seen = new Int32Array(nFeatures);
  let generation = 0;
  let unseenCategories = 0;
  let infiniteValues = 0;

  const resolve = (key: string): FieldSlot | undefined => {
    let slot = keyCache.get(key);
    if (slot !== undefined) return slot;
    slot = known.get(normaliseColumnName(key));
    if (slot !== undefined && keyCache.size < KEY_CACHE_LIMIT) keyCache.set(key, slot);
    return slot;
  };

  const fail = (
    code: FlowRecordError['code'],
    index: number,
    field: string,
    expected: string,
    value: unknown,
  ) =>
    new FlowRecordError(
      code,
      `record ${index}, field "${field}": expected ${expected}, got ${showValue(value)}`,
      index,
      field,
      expected,
      showValue(value),
    );

  const numeric = (v: unknown, index: number, field: string): number => {
    if (typeof v === 'number') {
      if (Math.abs(v) <= FLOAT32_MAX) return v;
      if (v === v) infiniteValues++;
      return Number.NaN;
    }
    if (typeof v === 'string') {
      // The builder's fast path, then its classifier: " " is missing, not 0.
      const x = v.length === 0 ? Number.NaN : +v;
      if (Math.abs(x) <= FLOAT32_MAX && (x !== 0 || v.charCodeAt(0) > 32 || v.trim().length > 0)) return x;
      const kind = classifyNumericCell(v);
      if (kind === 'missing') return Number.NaN;
      if (kind === 'infinite') {
        infiniteValues++;
        return Number.NaN;
      }
    } else if (v === null) return Number.NaN;
    throw fail('not-a-number', index, field, 'a number (or null when missing)', v);
  };

  const categorical = (f: number, v: unknown, index: number, field: string): number => {
    let s: string;
    if (typeof v === 'string') s = v;
    else if (typeof v === 'number' && Number.isFinite(v)) s = String(v);
    else if (v === null) return Number.NaN;
    else throw fail('not-a-category', index, field, 'a category name (string)', v);
    const vocab = vocabularies[f]!;
    let code = vocab.get(s);
    if (code !== undefined) return code;
    const t = s.trim();
    if (t.length === 0) return Number.NaN;
    code = vocab.get(t);
    if (code !== undefined) return code;
    unseenCategories++;
    return Number.NaN;
  };

  const checkTuple = (part: number, v: unknown, index: number, field: string): void => {
    if (part === TUPLE_SRC_IP || part === TUPLE_DST_IP) {
      if (readAddress(v) === undefined) throw fail('bad-address', index, field, 'an IPv4 or IPv6 address', v);
    } else if (part === TUPLE_SRC_PORT || part === TUPLE_DST_PORT) {
      if (readPort(v) === undefined) throw fail('bad-port', index, field, 'a port number 0..65535', v);
    } else if (readProtocol(v) === undefined) {
      throw fail('bad-protocol', index, field, 'a protocol name or number 0..255', v);
    }
  };

  const unknownField = (index: number, key: string): FlowRecordError => {
    const hint = looseNames.get(loose(key));
    const tuple = FLOW_TUPLE_FIELDS.map((names) => names[0]).join(', ');
    return new FlowRecordError(
      'unknown-field',
      `record ${index}: unknown field "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}; records must use the ` +
        `columns of ${described}, the 5-tuple (${tuple}) or ${FLOW_METADATA_FIELDS.join(', ')}`,
      index,
      key,
      `a column of ${described}`,
      key,
    );
  };

  const missingFields = (index: number): FlowRecordError => {
    const missing = required.filter((_, j) => seen[requiredIdx[j]] !== generation);
    const list = missing.slice(0, 5).map((n) => `"${n}"`);
    if (missing.length > 5) list.push(`and ${missing.length - 5} more`);
    return new FlowRecordError(
      'missing-field',
      `record ${index}: missing ${missing.length} field(s) required by ${described}: ${list.join(', ')}`,
      index,
      missing[0],
      `the columns of ${described}`,
    );
  };

  /** Starts a record: a new generation for the duplicate check, every feature missing until given. */
  const begin = (out: Float32Array, o: number): void => {
    if (++generation === 0x7fffffff) {
      seen.fill(0);
      generation = 1;
    }
    out.fill(Number.NaN, o, o + nFeatures);
  };

  /** One field of a record, `slot` being its key's (undefined: unknown). The one place a value is read. */
  const encodeField = (
    slot: FieldSlot | undefined,
    key: string,
    value: unknown,
    index: number,
    out: Float32Array,
    o: number,
  ): void => {
    if (slot === undefined) {
      if (ignoreUnknown) return;
      throw unknownField(index, key);
    }
    const f = slot.feature;
    if (f >= 0) {
      if (seen[f] === generation) {
        throw new FlowRecordError(
          'duplicate-field',
          `record ${index}, field "${key}": feature "${features[f].name}" is given twice`,
          index,
          key,
          'each feature once',
        );
      }
      seen[f] = generation;
      out[o + f] =
        vocabularies[f] === undefined ? numeric(value, index, key) : categorical(f, value, index, key);
    } else if (slot.tuple >= 0) checkTuple(slot.tuple, value, index, key);
  };

  /** Ends a record: every required feature given. */
  const end = (index: number): void => {
    for (let j = 0; j < requiredIdx.length; j++)
      if (seen[requiredIdx[j]] !== generation) throw missingFields(index);
  };

  const encodeRecord = (rec: unknown, index: number, out: Float32Array, o: number): void => {
    if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) {
      throw new FlowRecordError(
        'not-an-object',
        `record ${index}: expected an object of field → value, got ${showValue(rec)}`,
        index,
        undefined,
        'an object',
        showValue(rec),
      );
    }
    begin(out, o);
    const r = rec as Record<string, unknown>;
    for (const key in r) encodeField(resolve(key), key, r[key], index, out, o);
    end(index);
  };

  const checkRange = (n: number, start: number, stop: number, out: Float32Array): void => {
    if (!(start >= 0 && stop <= n && start <= stop)) {
      throw new RangeError(`encodeBatch: bad range ${start}..${stop} of ${n} records`);
    }
    if (out.length < (stop - start) * nFeatures) {
      throw new RangeError(
        `encodeBatch: buffer holds ${out.length} values, need ${(stop - start) * nFeatures}`,
      );
    }
  };

  /** The 5-tuple from its parts' raw values. */
  const tupleOf = (parts: readonly unknown[]): FlowTuple => ({
    srcIp: readAddress(parts[TUPLE_SRC_IP] ?? null) ?? null,
    dstIp: readAddress(parts[TUPLE_DST_IP] ?? null) ?? null,
    srcPort: readPort(parts[TUPLE_SRC_PORT] ?? null) ?? null,
    dstPort: readPort(parts[TUPLE_DST_PORT] ?? null) ?? null,
    protocol: readProtocol(parts[TUPLE_PROTOCOL] ?? null) ?? null,
  });

  return {
    schemaId,
    features,
    nFeatures,
    required,
    encodeBatch(records, start, stop, out) {
      checkRange(records.length, start, stop, out);
      unseenCategories = 0;
      infiniteValues = 0;
      for (let i = start; i < stop; i++) encodeRecord(records[i], i, out, (i - start) * nFeatures);
      return { unseenCategories, infiniteValues };
    },
    tuple(record) {
      const parts: unknown[] = [undefined, undefined, undefined, undefined, undefined];
      if (typeof record === 'object' && record !== null) {
        const r = record as Record<string, unknown>;
        for (const key in r) {
          const part = resolve(key)?.tuple ?? -1;
          if (part >= 0 && parts[part] === undefined) parts[part] = r[key];
        }
      }
      return tupleOf(parts);
    },
    forKeys(keys) {
      const slots = keys.map((key) => resolve(key));
      // Where each 5-tuple part is read from: its first key, as for a record.
      const tupleAt = [-1, -1, -1, -1, -1];
      slots.forEach((slot, k) => {
        const part = slot?.tuple ?? -1;
        if (part >= 0 && tupleAt[part] < 0) tupleAt[part] = k;
      });
      return {
        keys,
        encodeBatch(rows, start, stop, out) {
          checkRange(rows.length, start, stop, out);
          unseenCategories = 0;
          infiniteValues = 0;
          for (let i = start; i < stop; i++) {
            const row = rows[i];
            const o = (i - start) * nFeatures;
            begin(out, o);
            for (let k = 0; k < slots.length; k++) encodeField(slots[k], keys[k], row[k], i, out, o);
            end(i);
          }
          return { unseenCategories, infiniteValues };
        },
        tuple(row) {
          const at = (part: number) => (tupleAt[part] < 0 ? null : (row[tupleAt[part]] ?? null));
          // Read in place: an array of the parts per row was a tenth of what batch scoring allocated.
          return {
            srcIp: readAddress(at(TUPLE_SRC_IP)) ?? null,
            dstIp: readAddress(at(TUPLE_DST_IP)) ?? null,
            srcPort: readPort(at(TUPLE_SRC_PORT)) ?? null,
            dstPort: readPort(at(TUPLE_DST_PORT)) ?? null,
            protocol: readProtocol(at(TUPLE_PROTOCOL)) ?? null,
          };
        },
      };
    },
  };
}
