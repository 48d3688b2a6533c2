import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { openConfiguredStore } from './cli/with-store.js';
import type { AppConfig } from './config/env.js';
import { migrateToLatest, type Store } from './db/database.js';
import { AuditService } from './modules/audit/audit.service.js';
import { UsersService } from './modules/auth/users.service.js';

export interface RunningServer {
  app: FastifyInstance;
  store: Store;
  url: string;
  close(): Promise<void>;
}

/**
 * Creates the first admin from VIGIL_ADMIN_USER / VIGIL_ADMIN_PASSWORD when the store has no user
 * yet; later starts leave users alone, so changing the env never resets a password.
 */
export async function ensureFirstAdmin(store: Store, config: AppConfig): Promise<string | undefined> {
  if (!config.admin) return undefined;
  const users = new UsersService(store.db, () => new Date());
  if ((await users.count()) > 0) return undefined;
  const user = await users.create({ ...config.admin, role: 'admin' });
  await new AuditService(store.db, () => new Date()).record({
    actor: 'system',
    action: 'user.create',
    target: `user:${user.username}`,
    outcome: 'success',
    details: { role: 'admin', source: 'VIGIL_ADMIN_USER' },
  });
  return user.username;
}

/**
 * Opens the store, migrates (unless VIGIL_MIGRATE_ON_START=false), builds the app and listens.
 * `close()` drains in-flight requests, then closes the store (PGlite flushes to disk).
 */
export async function startServer(
  config: AppConfig,
  options: { beforeListen?: (store: Store) => Promise<void> } = {},
): Promise<RunningServer> {
  const store = await openConfiguredStore(config);
  try {
    if (config.migrateOnStart) await migrateToLatest(store.db);
    await ensureFirstAdmin(store, config);
    await options.beforeListen?.(store);
    const app = await buildApp({
      config,
      store,
      logger: { level: config.logLevel },
      defaultMetrics: true,
    });
    const url = await app.listen({ host: config.host, port: config.port });
    return {
      app,
      store,
      url,
      close: async () => {
        await app.close();
        await store.close();
      },
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}

/** Closes the server once on SIGINT/SIGTERM; a second signal exits at once. */
export function closeOnSignals(server: RunningServer): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) process.exit(1);
    closing = true;
    server.app.log.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        server.app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}
