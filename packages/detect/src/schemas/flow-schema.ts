import type { FeatureKind } from '@vigil/ml';

/** Identifiers of the built-in flow schemas. */
export type FlowSchemaId = 'nsl-kdd' | 'unsw-nb15' | 'cicids2017' | 'cicids2017-improved' | 'zeek-conn';

/** What a dataset's labels say: attack or not, or which family of attack. */
export type FlowTarget = 'binary' | 'category';

/** Every target, for option validation and CLI help. */
export const FLOW_TARGETS: readonly FlowTarget[] = ['binary', 'category'];

/** Class names of the binary target; benign first so that class 1 is the positive (attack) class. */
export const BINARY_CLASS_NAMES: readonly string[] = ['benign', 'attack'];

/** A column a schema knows by name, plus the other spellings found in the wild. */
export interface FlowColumn {
  readonly name: string;
  readonly aliases?: readonly string[];
}

/** A column that becomes a model input. */
export interface FlowFeatureColumn extends FlowColumn {
  readonly kind: FeatureKind;
  /**
   * Absent from some layouts of the same data set. An absent optional feature is filled with missing
   * values rather than left out, so every file of a schema yields the same feature list.
   */
  readonly optional?: boolean;
}

/** Why a known column is not a feature. */
export type DropReason = 'identifier' | 'leaky' | 'redundant' | 'not-portable';

/** A known column that is read past: identifiers, label-derived or duplicated columns. All are optional. */
export interface DroppedColumn extends FlowColumn {
  readonly reason: DropReason;
}

/** How the raw value of a label column turns into a class of one target. */
export interface LabelMapping {
  readonly column: string;
  readonly classNames: readonly string[];
  /** The class that means "no attack", so scoring knows which probability is benign. */
  readonly benignClass: string;
  /** The raw values this mapping accepts, in a readable form, for error messages. */
  readonly expected: readonly string[];
  /** Class name for a raw label cell, or undefined when the value is unknown. */
  classify(raw: string): string | undefined;
}

/** A CSV layout of labelled flows: which columns are features, which are dropped, how labels map. */
export interface FlowSchema {
  readonly id: FlowSchemaId;
  /** Bumped when the feature list or a mapping changes, so a model can tell it was trained on another. */
  readonly version: number;
  readonly title: string;
  readonly description: string;
  readonly features: readonly FlowFeatureColumn[];
  readonly dropped: readonly DroppedColumn[];
  readonly labels: Readonly<Record<FlowTarget, LabelMapping>>;
  /** Normalised names of the columns a header must have to be this schema: every non-optional feature. */
  readonly signature: readonly string[];
}

/**
 * The form of a column name used for matching: BOM removed, trimmed, inner whitespace collapsed, lower
 * case. CICFlowMeter writes " Flow Duration" and tools re-case headers, neither of which changes meaning.
 */
export function normaliseColumnName(name: string): string {
  return name
    .replace(/^\uFEFF/, '')
    .trim()
    .replace(/\s+/g, ' ')
    .toLowerCase();
}

/** Builds a schema from its parts and derives the detection signature. */
export function defineFlowSchema(spec: Omit<FlowSchema, 'signature'>): FlowSchema {
  const signature = spec.features.filter((f) => !f.optional).map((f) => normaliseColumnName(f.name));
  return Object.freeze({ ...spec, signature });
}

/** Shorthand for a list of numeric feature columns. */
export function numericColumns(names: readonly string[]): FlowFeatureColumn[] {
  return names.map((name) => ({ name, kind: 'numeric' }));
}

/**
 * A label mapping from a lookup table of raw values (compared after trimming and lower-casing) to
 * classes. Unknown values map to undefined so the builder can report or skip them.
 */
export function tableLabelMapping(parts: {
  column: string;
  classNames: readonly string[];
  benignClass: string;
  table: Readonly<Record<string, string>>;
  /** Extra canonicalisation applied after trim + lower case (e.g. dropping a trailing dot). */
  canonical?: (value: string) => string;
}): LabelMapping {
  const { column, classNames, benignClass, table, canonical } = parts;
  const lookup = new Map<string, string>();
  for (const [raw, cls] of Object.entries(table)) {
    if (!classNames.includes(cls)) throw new Error(`label table for ${column}: unknown class "${cls}"`);
    lookup.set(raw.toLowerCase(), cls);
  }
  return {
    column,
    classNames,
    benignClass,
    expected: Object.keys(table),
    classify(raw) {
      let key = raw.trim().toLowerCase();
      if (canonical) key = canonical(key);
      return lookup.get(key);
    },
  };
}
