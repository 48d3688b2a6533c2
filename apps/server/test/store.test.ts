import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrateToLatest } from '../src/db/database.js';
import { buildTestApp } from './support/app.js';
import { describeEachEngine, openTestStore, type TestStore } from './support/stores.js';

describeEachEngine('store', (engine) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore(engine);
  });
  afterAll(async () => {
    await store?.dispose();
  });

  it('migrates once; a second run applies nothing', async () => {
    expect(await migrateToLatest(store.db)).toEqual([]);
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = 'public' order by table_name`.execute(
      store.db,
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining([
        'api_keys',
        'audit_log',
        'model_transitions',
        'models',
        'predictions',
        'sessions',
        'users',
      ]),
    );
  });

  it('refuses to update or delete audit rows', async () => {
    await store.db
      .insertInto('audit_log')
      .values({
        at: new Date(),
        actor: 'system',
        action: 'test',
        outcome: 'success',
        details: JSON.stringify({}),
        prev_hash: '0',
        hash: 'h1',
      })
      .execute();
    await expect(store.db.updateTable('audit_log').set({ actor: 'mallory' }).execute()).rejects.toThrow(
      /append-only/,
    );
    await expect(store.db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/);
  });

  it('serialises transactions on one connection and rolls back on error', async () => {
    await expect(
      store.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('users')
          .values({ username: 'tx', password_hash: 'x', role: 'viewer' })
          .execute();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const concurrent = await Promise.all(
      [1, 2, 3].map((i) =>
        store.db.transaction().execute(async (trx) =>
          trx
            .insertInto('users')
            .values({ username: `u${i}`, password_hash: 'x', role: 'viewer' })
            .returning('id')
            .executeTakeFirstOrThrow(),
        ),
      ),
    );
    expect(concurrent).toHaveLength(3);
    const names = await store.db.selectFrom('users').select('username').orderBy('username').execute();
    expect(names.map((n) => n.username)).toEqual(['u1', 'u2', 'u3']);
  });

  it('answers /healthz and /readyz', async () => {
    const app = await buildTestApp(store);
    expect((await app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ url: '/readyz' })).json()).toEqual({
      status: 'ok',
      checks: { store: engine },
    });
    const missing = await app.inject({ url: '/nope' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('NOT_FOUND');
    await app.close();
  });
});
