import { randomBytes } from 'node:crypto';
import { describe, it } from 'vitest';
import { type Db, migrateToLatest, openStore, type Store } from '../../src/db/database.js';

/**
 * Store engines for integration tests. PGlite always runs (in memory). PostgreSQL runs when
 * TEST_DATABASE_URL points at a server (e.g. postgres://vigil:vigil@127.0.0.1:5432/postgres);
 * each store gets its own throw-away database. Without it the PostgreSQL tests skip locally and
 * fail under CI=true, where .ci/run starts a server.
 */
export type Engine = 'pglite' | 'postgres';
export const ENGINES: readonly Engine[] = ['pglite', 'postgres'];

const adminUrl = process.env.TEST_DATABASE_URL;

export interface TestStore extends Store {
  /** Closes the store and drops its throw-away database. */
  dispose(): Promise<void>;
}

export async function openTestStore(engine: Engine): Promise<TestStore> {
  if (engine === 'pglite') {
    const store = await openStore({ dataDir: 'memory://' });
    await migrateToLatest(store.db);
    return { ...store, dispose: () => store.close() };
  }
  if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set');
  const name = `vigil_test_${randomBytes(6).toString('hex')}`;
  const admin = await openStore({ databaseUrl: adminUrl });
  const { sql } = await import('kysely');
  await sql.raw(`create database ${name}`).execute(admin.db);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const store = await openStore({ databaseUrl: url.toString() });
  await migrateToLatest(store.db);
  return {
    ...store,
    dispose: async () => {
      await store.close();
      await sql.raw(`drop database if exists ${name} with (force)`).execute(admin.db);
      await admin.close();
    },
  };
}

/**
 * `describe` once per engine. A missing PostgreSQL skips (locally, with the reason in the title)
 * or fails (CI=true), never silently passes.
 */
export function describeEachEngine(name: string, body: (engine: Engine) => void): void {
  for (const engine of ENGINES) {
    if (engine === 'postgres' && !adminUrl) {
      if (process.env.CI === 'true') {
        describe(`${name} [postgres]`, () => {
          it('needs PostgreSQL', () => {
            throw new Error('CI=true but TEST_DATABASE_URL is not set: .ci/run must start PostgreSQL');
          });
        });
      } else {
        describe.skip(`${name} [postgres] (skipped: set TEST_DATABASE_URL to run against PostgreSQL)`, () => {
          it('needs PostgreSQL', () => {});
        });
      }
      continue;
    }
    describe(`${name} [${engine}]`, () => body(engine));
  }
}

export type { Db };
