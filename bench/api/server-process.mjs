// The server side of `npm run bench:api`, a child process of the bench (forked with the Node flags
// `npm start` uses, SERVER_NODE_FLAGS in ../node-flags.mjs) so that the load generator does not share the
// server's event loop or heap. Builds the app
// as `vigil serve` would, on the embedded PGlite store in a temp folder, with history off and the
// rate limit off, promotes the `vigil demo` model, adds the hello-world reference routes and
// listens on 127.0.0.1:0. Reports { url, key, model } to the parent; closes on 'close'.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSyntheticFlows } from '@vigil/detect';
import { buildApp } from '../../apps/server/dist/app.js';
import { loadConfig } from '../../apps/server/dist/config/env.js';
import { embeddedDatabaseDir, migrateToLatest, openStore } from '../../apps/server/dist/db/database.js';
import { ModelRegistry } from '../../apps/server/dist/modules/models/model-registry.service.js';
import { trainDemoModel } from '../../apps/server/dist/training/demo-model.js';

/** The model `vigil demo` and the first `vigil start` train (demo-model.ts). */
async function demoModel(rows) {
  const dataset = generateSyntheticFlows({ rows: rows, seed: 42 });
  return (await trainDemoModel(dataset, { seed: 42 })).document;
}

/** The API key the load generator sends, created through the auth module's service. */
async function createApiKey(app) {
  const { key } = await app.auth.apiKeys.create({ name: 'bench-api', role: 'analyst', createdBy: null });
  return key;
}

const dir = await mkdtemp(join(tmpdir(), 'vigil-bench-api-'));
const store = await openStore({ dataDir: embeddedDatabaseDir(dir) });
let app;
try {
  await migrateToLatest(store.db);
  const document = await demoModel(Number(process.env.BENCH_TRAIN_ROWS));
  await new ModelRegistry(store.db).register(document, 'bench', { stage: 'production', reason: 'bench:api' });
  const config = loadConfig({
    VIGIL_DATA_DIR: dir,
    VIGIL_HISTORY: 'none',
    VIGIL_RATE_LIMIT: '0',
    VIGIL_MIGRATE_ON_START: 'false',
    LOG_LEVEL: 'silent',
    PORT: '0',
  });
  app = await buildApp({ config, store });
  app.get('/bench/hello', { config: { auth: 'public' } }, async () => ({ hello: 'world' }));
  app.get('/bench/hello-auth', { config: { auth: ['admin', 'analyst'] } }, async () => ({ hello: 'world' }));
  const key = await createApiKey(app);
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  process.send({ url, key, model: { id: document.id, trees: document.ensemble.trees.length } });
} catch (err) {
  process.send({ error: err instanceof Error ? err.stack : String(err) });
}

process.on('message', async (msg) => {
  if (msg !== 'close') return;
  await app?.close();
  await store.close();
  await rm(dir, { recursive: true, force: true });
  process.disconnect();
});
