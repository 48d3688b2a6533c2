import { readFile } from 'node:fs/promises';
import {
  type ClassificationReport,
  compileEnsemble,
  type Dataset,
  ensembleFromDocument,
  evaluateClassifier,
  type ModelDocument,
  parseModelDocument,
  toRowMajor,
} from '@vigil/ml';

/** Reads and validates a model document from disk; errors name the file. */
export async function readModelDocument(path: string): Promise<ModelDocument> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read model ${path}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
  try {
    return parseModelDocument(text);
  } catch (err) {
    throw new Error(`${path} is not a valid Vigil model: ${(err as Error).message}`);
  }
}

/**
 * Checks that a dataset carries exactly the model's features, in order, before any prediction:
 * a model silently fed shifted columns would produce confident nonsense.
 */
export function assertFeaturesMatch(doc: ModelDocument, ds: Dataset): void {
  const expected = doc.featureSpec.features.map((f) => f.name);
  const got = ds.features.map((f) => f.name);
  const missing = expected.filter((n) => !got.includes(n));
  const extra = got.filter((n) => !expected.includes(n));
  if (missing.length > 0 || extra.length > 0 || expected.some((n, i) => got[i] !== n)) {
    const parts = [
      missing.length > 0 ? `missing ${missing.map((n) => `"${n}"`).join(', ')}` : '',
      extra.length > 0 ? `unexpected ${extra.map((n) => `"${n}"`).join(', ')}` : '',
      missing.length === 0 && extra.length === 0 ? 'same columns in a different order' : '',
    ].filter(Boolean);
    throw new Error(
      `the data does not match the model's feature spec (${doc.featureSpec.schema}): ${parts.join('; ')}`,
    );
  }
}

/** Scores a labelled dataset with a model document and returns the full classification report. */
export function evaluateDocument(doc: ModelDocument, ds: Dataset, threshold?: number): ClassificationReport {
  assertFeaturesMatch(doc, ds);
  if (!ds.labels) throw new Error('evaluation needs labelled data');
  const model = compileEnsemble(ensembleFromDocument(doc));
  const probabilities = model.predictBatch(toRowMajor(ds), ds.nRows);
  const params = doc.training.params as { threshold?: number };
  return evaluateClassifier({
    labels: ds.labels,
    probabilities,
    classNames: [...doc.featureSpec.target.classNames],
    threshold: threshold ?? params.threshold ?? 0.5,
  });
}
