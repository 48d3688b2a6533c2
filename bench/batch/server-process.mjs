// The server side of `npm run bench:batch`'s end-to-end runs, a child process of the bench (forked
// with the Node flags `npm start` uses, ../node-flags.mjs) so that the uploading and polling client
// does not share the server's event loop or heap, as a real client would not. Builds the app as
// `vigil serve` would, in a temp folder: the embedded PGlite store, or PostgreSQL at
// `databaseUrl`; the embedded job runner, or BullMQ at `redisUrl`; history as asked; rate limit off.
// The parent sends { document, databaseUrl, redisUrl, history } and gets { url, key } back;
// 'close' closes everything and ends the process.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../apps/server/dist/app.js';
import { loadConfig } from '../../apps/server/dist/config/env.js';
import { embeddedDatabaseDir, migrateToLatest, openStore } from '../../apps/server/dist/db/database.js';
import { createBullMqQueue } from '../../apps/server/dist/jobs/bullmq-queue.js';
import { ModelRegistry } from '../../apps/server/dist/modules/models/model-registry.service.js';

let app;
let store;
let jobs;
let dir;

async function start({ document, databaseUrl, redisUrl, history }) {
  dir = await mkdtemp(join(tmpdir(), 'vigil-bench-batch-'));
  store = databaseUrl
    ? await openStore({ databaseUrl })
    : await openStore({ dataDir: embeddedDatabaseDir(dir) });
  jobs = redisUrl
    ? await createBullMqQueue({ redisUrl, prefix: `vigil-bench-${randomBytes(4).toString('hex')}` })
    : undefined;
  await migrateToLatest(store.db);
  await new ModelRegistry(store.db).register(document, 'bench', {
    stage: 'production',
    reason: 'bench:batch',
  });
  const config = loadConfig({
    VIGIL_DATA_DIR: dir,
    VIGIL_RATE_LIMIT: '0',
    VIGIL_MIGRATE_ON_START: 'false',
    LOG_LEVEL: 'silent',
    VIGIL_DEMO_STREAM: 'false',
    ...(history ? { VIGIL_HISTORY: history } : {}),
  });
  app = await buildApp({ config, store, jobs });
  const { key } = await app.auth.apiKeys.create({ name: 'bench-batch', role: 'analyst', createdBy: null });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url, key };
}

async function close() {
  await app?.close();
  if (jobs) await jobs.close();
  await store?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
}

process.on('message', async (msg) => {
  if (msg === 'close') {
    await close();
    process.disconnect();
    return;
  }
  try {
    process.send(await start(msg));
  } catch (err) {
    process.send({ error: err instanceof Error ? err.stack : String(err) });
  }
});
