import { compileEnsemble, ensembleFromDocument, parseModelDocument } from '@vigil/ml';
import type { Db } from '../../db/database.js';
import type { AppMetrics } from '../metrics/metrics.js';
import type { ActiveModel, ActiveModels } from './active-models.js';
import { checkFeatureSpec } from './feature-spec.js';
import {
  type ModelRowWithDocument,
  selectProduction,
  selectProductionIds,
  transitionProbe,
} from './models.repo.js';

/** How often the store is asked whether a stage changed elsewhere (another instance, the CLI). */
export const DEFAULT_MODEL_POLL_MS = 2000;

export interface ActiveModelsOptions {
  /** Poll interval in ms; 0 turns polling off (then only `refresh` and `checkForChanges` reload). */
  pollMs?: number;
  /** Called when a production model cannot be loaded or a poll fails; the previous model stays. */
  onError?: (err: unknown, context: string) => void;
}

/** The ActiveModels of one process, with the lifecycle calls the app uses. */
export interface ActiveModelsService extends ActiveModels {
  /** Loads every production model (called once at start-up) and starts polling. */
  start(): Promise<void>;
  /** Asks the store whether any stage changed since the last look and reloads the kinds that did. */
  checkForChanges(): Promise<void>;
  /** Stops polling and waits for a reload in progress. */
  stop(): Promise<void>;
}

/** A registered model's row made ready for scoring: its document checked and its trees compiled. */
export function loadActiveModel(row: ModelRowWithDocument): ActiveModel {
  const document = parseModelDocument(row.document);
  // The store may hold a model registered by an older build: check its inputs again at load time.
  checkFeatureSpec(document.featureSpec);
  const compiled = compileEnsemble(ensembleFromDocument(document));
  return Object.freeze({ id: row.id, kind: row.kind, version: row.version, document, compiled });
}

/**
 * Keeps the production model of each kind compiled in memory. `get` is a map lookup; a reload
 * builds the new ActiveModel first and then replaces the map entry, so a request that already holds
 * the old object finishes with it. Reloads run one at a time, in the order they were asked for.
 */
export function createActiveModels(
  db: Db,
  metrics: AppMetrics,
  options: ActiveModelsOptions = {},
): ActiveModelsService {
  const pollMs = options.pollMs ?? DEFAULT_MODEL_POLL_MS;
  const onError = options.onError ?? (() => {});
  const models = new Map<string, ActiveModel>();
  let queue: Promise<void> = Promise.resolve();
  let lastProbe: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let polling: Promise<void> | undefined;
  let stopped = false;

  const labels = (m: ActiveModel) => ({ kind: m.kind, model_id: m.id, version: String(m.version) });

  function swap(kind: string, next: ActiveModel | undefined): void {
    const previous = models.get(kind);
    if (previous === next) return;
    if (previous) metrics.modelInUse.remove(labels(previous));
    if (next) {
      models.set(kind, next);
      metrics.modelInUse.set(labels(next), 1);
    } else {
      models.delete(kind);
    }
  }

  async function reload(kind: string): Promise<void> {
    const [row] = await selectProduction(db, kind);
    const current = models.get(kind);
    if (!row) return swap(kind, undefined);
    if (current?.id === row.id) return;
    try {
      swap(kind, loadActiveModel(row));
    } catch (err) {
      onError(err, `cannot load production model ${row.id} (${kind}); keeping the previous one`);
    }
  }

  /** Runs `task` after every reload asked for before it. */
  function serialised(task: () => Promise<void>): Promise<void> {
    const run = queue.then(task);
    queue = run.catch(() => {});
    return run;
  }

  async function changedKinds(): Promise<string[]> {
    const production = await selectProductionIds(db);
    const wanted = new Map(production.map((p) => [p.kind, p.id]));
    const kinds = new Set<string>();
    for (const [kind, id] of wanted) if (models.get(kind)?.id !== id) kinds.add(kind);
    for (const kind of models.keys()) if (!wanted.has(kind)) kinds.add(kind);
    return [...kinds];
  }

  const service: ActiveModelsService = {
    get: (kind) => models.get(kind),
    list: () => [...models.values()],
    refresh: (kind) => serialised(() => reload(kind)),

    checkForChanges: () =>
      serialised(async () => {
        // The probe is read before the models, so a change made in between is seen next time.
        const probe = await transitionProbe(db);
        if (probe === lastProbe) return;
        for (const kind of await changedKinds()) await reload(kind);
        lastProbe = probe;
      }),

    async start() {
      await service.checkForChanges();
      if (pollMs > 0 && !stopped && !timer) {
        timer = setInterval(() => {
          if (polling) return;
          polling = service
            .checkForChanges()
            .catch((err) => onError(err, 'polling the model registry failed'))
            .finally(() => {
              polling = undefined;
            });
        }, pollMs);
        timer.unref();
      }
    },

    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      await polling;
      await queue;
    },
  };
  return service;
}
