import { generateSyntheticFlows } from '@vigil/detect';
import { createModelDocument, fingerprintDataset, type ModelDocument, trainGbdt } from '@vigil/ml';

/** Schema id (model kind) of models trained on synthetic flows, as `vigil demo` stamps it. */
export const SYNTHETIC = 'synthetic-flows';

/** A small real model of synthetic flows, shaped as `vigil demo` writes it (a few trees, fast to train). */
export async function syntheticModel(id: string, seed: number): Promise<ModelDocument> {
  const dataset = generateSyntheticFlows({ rows: 400, seed });
  const { ensemble } = await trainGbdt(dataset, { nEstimators: 3, maxDepth: 3, seed });
  return createModelDocument({
    id,
    createdAt: '2026-01-01T00:00:00.000Z',
    ensemble,
    featureSpec: {
      schema: SYNTHETIC,
      schemaVersion: 1,
      features: [...dataset.features],
      preprocessing: {},
      target: { kind: 'binary', classNames: ['benign', 'attack'], positiveClass: 'attack' },
    },
    training: { params: { seed }, dataFingerprint: fingerprintDataset(dataset), rows: dataset.nRows },
    metrics: { test: { accuracy: 0.9, rocAuc: 0.95, fpr: 0.02, binary: { f1: 0.88 } } },
  });
}
