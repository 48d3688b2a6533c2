import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  Kysely,
  type Migration,
  type MigrationProvider,
  type MigrationResultSet,
  Migrator,
  PostgresDialect,
} from 'kysely';
import * as initial from './migrations/0001-initial.js';
import * as jobs from './migrations/0002-jobs.js';
import * as batches from './migrations/0003-batches.js';
import * as stream from './migrations/0004-stream.js';
import * as url from './migrations/0005-url.js';
import * as batchChunks from './migrations/0006-batch-chunks.js';
import * as scans from './migrations/0007-scans.js';
import * as batchHistory from './migrations/0008-batch-history.js';
import * as batchChunkBytes from './migrations/0009-batch-chunk-bytes.js';
import { PGliteDialect } from './pglite-dialect.js';
import type { Database } from './schema.js';
import { lockEmbeddedStore } from './store-lock.js';

export type Db = Kysely<Database>;

/** A connected store: which engine it is, the Kysely handle, and how to close it. */
export interface Store {
  readonly engine: 'pglite' | 'postgres';
  readonly db: Db;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** postgres://… for a PostgreSQL server; otherwise embedded PGlite. */
  databaseUrl?: string;
  /** PGlite data directory; `memory://` (the default when absent) keeps it in memory. */
  dataDir?: string;
  /**
   * Called when an idle pooled PostgreSQL connection dies (server restart, admin termination).
   * The pool replaces it; without a listener node-postgres would crash the process.
   */
  onConnectionError?: (err: Error) => void;
}

/**
 * Opens the store. Both engines speak the same SQL through Kysely's PostgreSQL compiler; heavy
 * drivers load only when their engine is chosen.
 */
export async function openStore(options: StoreOptions): Promise<Store> {
  if (options.databaseUrl) {
    const pg = (await import('pg')).default;
    // int8 (counts, bigserial ids) as numbers, as PGlite returns them; ids stay far below 2^53.
    pg.types.setTypeParser(20, (v: string) => Number(v));
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
    pool.on('error', options.onConnectionError ?? (() => {}));
    // Fail now with the server's reason rather than at the first request.
    const client = await pool.connect().catch(async (err: Error) => {
      await pool.end();
      throw new Error(`cannot connect to DATABASE_URL: ${err.message}`);
    });
    client.release();
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { engine: 'postgres', db, close: () => db.destroy() };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const dir = options.dataDir ?? 'memory://';
  if (dir.startsWith('memory://')) {
    const db = new Kysely<Database>({ dialect: new PGliteDialect(await PGlite.create(dir)) });
    return { engine: 'pglite', db, close: () => db.destroy() };
  }
  await mkdir(dir, { recursive: true });
  const unlock = await lockEmbeddedStore(dir);
  try {
    const db = new Kysely<Database>({ dialect: new PGliteDialect(await PGlite.create(dir)) });
    return {
      engine: 'pglite',
      db,
      close: async () => {
        await db.destroy();
        await unlock();
      },
    };
  } catch (err) {
    await unlock();
    throw err;
  }
}

/** The PGlite folder inside Vigil's data directory. */
export function embeddedDatabaseDir(dataDir: string): string {
  return join(dataDir, 'db');
}

const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-jobs': jobs,
  '0003-batches': batches,
  '0004-stream': stream,
  '0005-url': url,
  '0006-batch-chunks': batchChunks,
  '0007-scans': scans,
  '0008-batch-history': batchHistory,
  '0009-batch-chunk-bytes': batchChunkBytes,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Applies pending migrations; returns the names applied. Throws with the failing migration's name. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  return migrateWith((migrator) => migrator.migrateToLatest(), db);
}

/**
 * Migrates up or down to the named migration (tests of a migration's data conversion run it
 * against rows written in the previous schema). Returns the names applied or undone.
 */
export async function migrateTo(db: Db, name: string): Promise<string[]> {
  if (!(name in migrations)) throw new Error(`no migration named ${name}`);
  return migrateWith((migrator) => migrator.migrateTo(name), db);
}

async function migrateWith(
  run: (migrator: Migrator) => Promise<MigrationResultSet>,
  db: Db,
): Promise<string[]> {
  const { error, results } = await run(new Migrator({ db, provider }));
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${reason}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
