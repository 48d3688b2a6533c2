import { afterAll, beforeAll, expect, it } from 'vitest';
import { explainPendingAlerts } from '../src/modules/batches/batch-alert-explanations.js';
import { readChunkAlerts } from '../src/modules/batches/batch-history.js';
import { decodePendingAlerts, PendingAlertsWriter } from '../src/modules/batches/batch-pending-alerts.js';
import { flowBatchScorer } from '../src/modules/batches/batch-scorer.js';
import { loadActiveModel } from '../src/modules/models/active-models.service.js';
import { ModelRegistry } from '../src/modules/models/model-registry.service.js';
import { selectModelWithDocument } from '../src/modules/models/models.repo.js';
import { flowScorerFor } from '../src/modules/scoring/flow-scorer.js';
import { SYNTHETIC_HEADER, syntheticBatchModel, syntheticRows } from './batches-fixtures.js';
import { describeEachEngine, openTestStore, type TestStore } from './support/stores.js';

describeEachEngine('alerts explained when read', (engine) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore(engine);
  });
  afterAll(async () => {
    await store.dispose();
  });

  /** A freshly trained synthetic-flows model, registered (not in production) and loaded by id. */
  async function registered(id: string) {
    await new ModelRegistry(store.db).register(await syntheticBatchModel(id), 'test', { reason: 'test' });
    const row = await selectModelWithDocument(store.db, id);
    if (!row) throw new Error(`${id} is not registered`);
    return loadActiveModel(row);
  }

  it('get the top features that scoring with explanations gave them, from their records', async () => {
    const model = await registered('explain-later');
    const keys = SYNTHETIC_HEADER;
    const rows = syntheticRows(2000, 5);
    // What scoring with explanations gives (as /predict/flows does), per row.
    const flow = flowScorerFor(model);
    const eager = flow.scoreRows(rows, flow.encoder.forKeys(keys), 'alerts').predictions;
    // What a batch writes: alerts without top features.
    const batch = flowBatchScorer(model, keys);
    expect(batch.explainsAlerts).toBe(false);
    const writer = new PendingAlertsWriter(keys, batch.explainsAlerts);
    const predicted = batch.score(rows);
    const alertRows: number[] = [];
    predicted.forEach((p, i) => {
      if (typeof p === 'string' || p.verdict !== 'attack') return;
      expect(p.topFeatures).toEqual([]);
      writer.add(i + 1, p, batch.tuple(rows[i]), batch.stored(rows[i], p));
      alertRows.push(i);
    });
    expect(alertRows.length).toBeGreaterThan(100);
    const bytes = writer.finish();
    if (!bytes) throw new Error('no alerts');
    expect(decodePendingAlerts(bytes).explained).toBe(false);

    const read = await readChunkAlerts(store.db, bytes, model.id);
    expect(read.map((a) => a[10])).toEqual(alertRows.map((i) => eager[i].topFeatures));
    expect(read.every((a) => (a[10] as unknown[]).length > 0)).toBe(true);
    expect(read[0][11]).toEqual(Object.fromEntries(keys.map((k, j) => [k, rows[alertRows[0]][j]])));

    // A model this process has loaded (the production one) is used as it is, without the store.
    const loaded = {
      get: () => undefined,
      refresh: async () => {},
      list: () => [{ ...model, id: 'loaded-only' }],
    };
    const viaLoaded = await explainPendingAlerts(store.db, decodePendingAlerts(bytes), 'loaded-only', loaded);
    expect(viaLoaded.alerts.map((a) => a[10])).toEqual(alertRows.map((i) => eager[i].topFeatures));

    // The model gone from the registry: the alerts stay as they were written.
    const orphan = await explainPendingAlerts(store.db, decodePendingAlerts(bytes), 'no-such-model');
    expect(orphan.explained).toBe(false);
    expect(orphan.alerts.every((a) => (a[10] as unknown[]).length === 0)).toBe(true);
  });

  it('explain records of any shape (JSON lines) as the model reads them', async () => {
    const records = syntheticRows(500, 9).map((r) =>
      Object.fromEntries(SYNTHETIC_HEADER.map((k, j) => [k, r[j]])),
    );
    const model = await registered('explain-later-json');
    const flow = flowScorerFor(model);
    const eager = flow.score(records, 'alerts').predictions;
    const batch = flowBatchScorer(model);
    const writer = new PendingAlertsWriter(null, false);
    const want: unknown[] = [];
    batch.score(records).forEach((p, i) => {
      if (typeof p === 'string' || p.verdict !== 'attack') return;
      writer.add(i + 1, p, batch.tuple(records[i]), batch.stored(records[i], p));
      want.push(eager[i].topFeatures);
    });
    const bytes = writer.finish();
    if (!bytes) throw new Error('no alerts');
    expect((await readChunkAlerts(store.db, bytes, model.id)).map((a) => a[10])).toEqual(want);
    expect(want.length).toBeGreaterThan(10);
  });
});
