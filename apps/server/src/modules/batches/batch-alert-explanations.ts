import type { Db } from '../../db/database.js';
import type { ActiveModel, ActiveModels } from '../models/active-models.js';
import { loadActiveModel } from '../models/active-models.service.js';
import { selectModelWithDocument } from '../models/models.repo.js';
import { flowScorerFor } from '../scoring/flow-scorer.js';
import type { PendingAlerts } from './batch-pending-alerts.js';

/**
 * A flow batch's alerts are explained when they are read, not while the batch is scored: for
 * history, once the batch is done (batch-history.ts), or for a results export before that. The
 * explanation (top features by path contributions, as /predict/flows gives them) was a quarter of a
 * scoring thread's time per row, for the one in three rows that are alerts; a batch is done that
 * much sooner, its history about a second per million rows later, and every alert is explained
 * once, as before. The scoring threads keep each alert's input record, which is all it takes: the
 * batch's model (by id: a later promotion does not change it) encodes the record again and explains
 * it, with the same result it gave while scoring.
 */

/**
 * Models by store and id, compiled: a model's id never changes what it is, and a history copy reads
 * the same model chunk after chunk. (Per store: two stores in one process, as in tests, may each
 * have a model of the same id.)
 */
const modelsByStore = new WeakMap<Db, Map<string, Promise<ActiveModel | null>>>();
const MODELS_KEPT = 4;

async function modelById(db: Db, id: string, loaded?: ActiveModels): Promise<ActiveModel | null> {
  // Usually the model in production, compiled already: loading and compiling it again here (~0.2 s
  // on the main thread, as the batch is done) kept a client's next request waiting.
  const active = loaded?.list().find((m) => m.id === id);
  if (active) return active;
  let models = modelsByStore.get(db);
  if (!models) {
    models = new Map();
    modelsByStore.set(db, models);
  }
  let model = models.get(id);
  if (!model) {
    model = selectModelWithDocument(db, id).then((row) => {
      if (row) return loadActiveModel(row);
      models?.delete(id);
      return null;
    });
    // A failed load is not kept: the next read tries again.
    model.catch(() => models?.delete(id));
    models.set(id, model);
    if (models.size > MODELS_KEPT) models.delete(models.keys().next().value as string);
  }
  return model;
}

/**
 * Adds their top features to the alerts of `pending` (in place) when they were written without
 * (PendingAlerts.explained false), by the model `modelId` that scored them. Should that model be
 * gone from the registry, they stay unexplained, as alerts whose file was lost do.
 */
export async function explainPendingAlerts(
  db: Db,
  pending: PendingAlerts,
  modelId: string,
  /** The production models of this process, looked at first. */
  loaded?: ActiveModels,
): Promise<PendingAlerts> {
  if (pending.explained || pending.alerts.length === 0) return pending;
  const model = await modelById(db, modelId, loaded);
  if (!model) return pending;
  const scorer = flowScorerFor(model);
  const { keys, alerts } = pending;
  const rowEncoder = keys === null ? null : scorer.encoder.forKeys(keys);
  for (let start = 0; start < alerts.length; start += EXPLAIN_SLICE) {
    // This runs on the server's main thread: requests get a turn between slices.
    if (start > 0) await new Promise((resolve) => setImmediate(resolve));
    const records = alerts.slice(start, start + EXPLAIN_SLICE).map((a) => a[11] as unknown);
    const { predictions } =
      rowEncoder === null
        ? scorer.score(records, 'all')
        : scorer.scoreRows(records as unknown[][], rowEncoder, 'all');
    for (let i = 0; i < predictions.length; i++) alerts[start + i][10] = predictions[i].topFeatures;
  }
  pending.explained = true;
  return pending;
}

/**
 * Alerts explained between turns of the event loop: ~3 ms once the code is warm, but the first
 * slices after a batch is done run cold, and a chunk's 6,000 alerts in one go held a client's
 * request ~200 ms.
 */
const EXPLAIN_SLICE = 1000;
