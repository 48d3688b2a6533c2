import { generateSyntheticFlows } from '@vigil/detect';
import type { ModelDocument } from '@vigil/ml';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { ModelRegistry } from '../src/modules/models/model-registry.service.js';
import { SYNTHETIC_SCHEMA } from '../src/training/demo-model.js';
import { trainModel } from '../src/training/training.service.js';
import { defaultTrainingConfig } from '../src/training/training-config.js';
import { testConfig } from './support/app.js';
import { openTestStore, type TestStore } from './support/stores.js';
import { trainTestUrlModel } from './url-fixtures.js';

/** A model as `vigil train` makes one (full test report: ROC/PR curves, confusion, importance). */
async function flowModel(seed: number): Promise<ModelDocument> {
  const dataset = generateSyntheticFlows({ rows: 3000, seed });
  const defaults = defaultTrainingConfig();
  const config = { ...defaults, seed, gbdt: { ...defaults.gbdt, nEstimators: 30, earlyStoppingRounds: 10 } };
  return (await trainModel({ dataset, schema: SYNTHETIC_SCHEMA, target: 'binary', config })).document;
}

/** Synthetic flows as API records, with addresses from a small pool (so filters find several). */
export function flowRecords(n: number, seed: number): Record<string, unknown>[] {
  const ds = generateSyntheticFlows({ rows: n, seed });
  return Array.from({ length: n }, (_, r) => ({
    src_ip: `10.0.0.${(r % 6) + 1}`,
    dst_ip: `192.168.1.${(r % 3) + 10}`,
    src_port: 40000 + r,
    ...Object.fromEntries(
      ds.features.map((f, j) => {
        const v = ds.columns[j][r];
        return [f.name, v !== v ? null : f.categories ? f.categories[v] : v];
      }),
    ),
  }));
}

export interface DashboardServer {
  url: string;
  app: FastifyInstance;
  admin: { username: string; password: string };
  /** `Authorization` header of an analyst API key, for scoring behind the browser's back. */
  analyst: { authorization: string };
  /** The production flow model, and a second version in staging to promote. */
  production: string;
  staging: string;
  close(): Promise<void>;
}

/**
 * A real server on 127.0.0.1 (random port) with an embedded store, as `vigil start` would have
 * it: a flow model in production (another in staging), a URL model, an admin, and history.
 * `scanAllowPrivate` opens those CIDRs to deep scans (VIGIL_SCAN_ALLOW_PRIVATE), e.g. a local test site.
 */
export async function startDashboardServer(
  options: { scanAllowPrivate?: string } = {},
): Promise<DashboardServer> {
  const store: TestStore = await openTestStore('pglite');
  let app: FastifyInstance | undefined;
  // The deep-scan guard reads its allow list when the app builds its job handlers.
  const savedAllow = process.env.VIGIL_SCAN_ALLOW_PRIVATE;
  const restoreEnv = () => {
    if (savedAllow === undefined) delete process.env.VIGIL_SCAN_ALLOW_PRIVATE;
    else process.env.VIGIL_SCAN_ALLOW_PRIVATE = savedAllow;
  };
  if (options.scanAllowPrivate !== undefined) process.env.VIGIL_SCAN_ALLOW_PRIVATE = options.scanAllowPrivate;
  try {
    // Registered before the app starts, so it loads the production models as `vigil start` does.
    const registry = new ModelRegistry(store.db, () => new Date());
    const [v1, v2, url] = await Promise.all([flowModel(11), flowModel(12), trainTestUrlModel()]);
    const first = await registry.register(v1, 'system', { stage: 'production', reason: 'e2e: first model' });
    const second = await registry.register(v2, 'system', { stage: 'staging', reason: 'e2e: candidate' });
    await registry.register(url, 'system', { stage: 'production', reason: 'e2e: URL model' });
    app = await buildApp({ config: testConfig({ history: 'all' }), store });
    await app.ready();
    const admin = { username: 'admin', password: 'correct horse battery staple' };
    await app.auth.users.create({ ...admin, role: 'admin' });
    const { key } = await app.auth.apiKeys.create({ name: 'e2e-analyst', role: 'analyst', createdBy: null });
    const analyst = { authorization: `Bearer ${key}` };
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('server has no TCP address');
    return {
      url: `http://127.0.0.1:${address.port}`,
      app: app,
      admin,
      analyst,
      production: first.model.id,
      staging: second.model.id,
      close: async () => {
        await app?.close();
        await store.dispose();
        restoreEnv();
      },
    };
  } catch (err) {
    await app?.close();
    await store.dispose();
    restoreEnv();
    throw err;
  }
}

/** Scores `records` through the API (as a sensor would), so they land in history and the live feed. */
export async function scoreFlows(
  server: DashboardServer,
  records: Record<string, unknown>[],
): Promise<number> {
  const res = await fetch(`${server.url}/api/v1/predict/flows`, {
    method: 'POST',
    headers: { ...server.analyst, 'content-type': 'application/json' },
    body: JSON.stringify({ schema: SYNTHETIC_SCHEMA.id, records }),
  });
  if (!res.ok) throw new Error(`scoring failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { summary: { attacks: number } };
  return body.summary.attacks;
}
