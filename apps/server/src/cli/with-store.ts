import { type AppConfig, loadConfig } from '../config/env.js';
import { embeddedDatabaseDir, migrateToLatest, openStore, type Store } from '../db/database.js';

/** Opens the store the server would use (same env), for a CLI command. */
export async function openConfiguredStore(config: AppConfig = loadConfig(process.env)): Promise<Store> {
  return openStore(
    config.databaseUrl
      ? { databaseUrl: config.databaseUrl }
      : { dataDir: config.dataDir === 'memory://' ? 'memory://' : embeddedDatabaseDir(config.dataDir) },
  );
}

/**
 * Runs a CLI command against the configured store: opens it, applies pending migrations unless
 * VIGIL_MIGRATE_ON_START=false (then an unmigrated store fails with the migration's name), runs
 * `fn`, and always closes it so PGlite flushes its data directory.
 */
export async function withStore<T>(fn: (store: Store, config: AppConfig) => Promise<T>): Promise<T> {
  const config = loadConfig(process.env);
  const store = await openConfiguredStore(config);
  try {
    if (config.migrateOnStart) await migrateToLatest(store.db);
    return await fn(store, config);
  } finally {
    await store.close();
  }
}
