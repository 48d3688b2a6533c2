import {
  flowSchemas,
  getFlowSchema,
  isFlowSchemaId,
  SYNTHETIC_FLOW_FEATURES,
  URL_FEATURES,
  URL_SCHEMA_VERSION,
} from '@vigil/detect';
import type { FeatureKind, FeatureSpec } from '@vigil/ml';
import { AppError } from '../../errors/app-error.js';

/** Kind of URL models: the lexical features of @vigil/detect's `url` schema. */
export const URL_KIND = 'url';
/** Schema id `vigil demo` stamps on models trained on `generateSyntheticFlows` output. */
export const SYNTHETIC_KIND = 'synthetic-flows';

interface ExpectedFeature {
  readonly name: string;
  readonly kind: FeatureKind;
}

/**
 * The features, in order, a model of `kind` must take; `null` for kinds without a fixed list,
 * `undefined` for unknown kinds. Flow schemas come from @vigil/detect: the dataset builder
 * turns every schema feature, in schema order, into one model input, which is what `vigil train`
 * writes into the feature spec.
 */
export function expectedFeatures(kind: string): readonly ExpectedFeature[] | null | undefined {
  if (kind === URL_KIND) return URL_FEATURES;
  if (kind === SYNTHETIC_KIND) return SYNTHETIC_FLOW_FEATURES;
  if (isFlowSchemaId(kind)) return getFlowSchema(kind).features;
  return undefined;
}

/** Every kind a model may be registered for, for error messages. */
export function knownKinds(): string[] {
  return [...flowSchemas.map((s) => s.id), SYNTHETIC_KIND, URL_KIND];
}

/**
 * Checks that a model's inputs are the features its schema produces, in the same order and of the
 * same kind, and returns the model kind (the schema id). Throws SCHEMA_MISMATCH naming the first
 * feature that differs, so a model trained on another layout never scores misaligned vectors.
 */
export function checkFeatureSpec(spec: FeatureSpec): string {
  const kind = spec.schema;
  const expected = expectedFeatures(kind);
  if (expected === undefined) {
    throw new AppError(
      'SCHEMA_MISMATCH',
      `featureSpec.schema "${kind}" is not a known model kind; known: ${knownKinds().join(', ')}`,
      { path: 'featureSpec.schema', expected: knownKinds(), got: kind },
    );
  }
  if (expected === null) return kind;
  // URL features are computed by this server's code: another version may define them differently.
  if (kind === URL_KIND && spec.schemaVersion !== URL_SCHEMA_VERSION) {
    throw new AppError(
      'SCHEMA_MISMATCH',
      `the model was trained on URL features version ${spec.schemaVersion}, this server computes version ${URL_SCHEMA_VERSION}; retrain it with vigil train --schema url`,
      { path: 'featureSpec.schemaVersion', expected: URL_SCHEMA_VERSION, got: spec.schemaVersion },
    );
  }
  const got = spec.features;
  const n = Math.max(expected.length, got.length);
  for (let i = 0; i < n; i++) {
    const want = expected[i];
    const have = got[i];
    const path = `featureSpec.features[${i}]`;
    if (!want) {
      throw new AppError(
        'SCHEMA_MISMATCH',
        `feature ${i} "${have.name}" is not in schema "${kind}", which has ${expected.length} features`,
        { path, expected: null, got: have.name },
      );
    }
    if (!have) {
      throw new AppError(
        'SCHEMA_MISMATCH',
        `the model has ${got.length} features but schema "${kind}" has ${expected.length}: feature ${i} "${want.name}" is missing`,
        { path, expected: want.name, got: null },
      );
    }
    if (have.name !== want.name) {
      throw new AppError(
        'SCHEMA_MISMATCH',
        `feature ${i} is "${have.name}" but schema "${kind}" expects "${want.name}" there`,
        { path: `${path}.name`, expected: want.name, got: have.name },
      );
    }
    if (have.kind !== want.kind) {
      throw new AppError(
        'SCHEMA_MISMATCH',
        `feature ${i} "${have.name}" is ${have.kind} but schema "${kind}" has it ${want.kind}`,
        { path: `${path}.kind`, expected: want.kind, got: have.kind },
      );
    }
  }
  return kind;
}
