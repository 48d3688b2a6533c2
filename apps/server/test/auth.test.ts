import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { API_KEY_CACHE_MS } from '../src/modules/auth/api-keys.service.js';
import { authHeaders, buildTestApp, signIn, testConfig } from './support/app.js';
import { describeEachEngine, openTestStore, type TestStore } from './support/stores.js';

describeEachEngine('auth, sessions, API keys and audit', (engine) => {
  let store: TestStore;
  let app: FastifyInstance;

  beforeAll(async () => {
    store = await openTestStore(engine);
    app = await buildTestApp(store);
  });
  afterAll(async () => {
    await app.close();
    await store.dispose();
  });

  it('refuses anonymous callers with 401 and a hint', async () => {
    const res = await app.inject({ url: '/api/v1/auth/me' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('UNAUTHENTICATED');
    expect(res.json().error.message).toMatch(/API key/);
  });

  it('signs in with a password: httpOnly SameSite cookie, CSRF token, /me', async () => {
    await app.auth.users.create({ username: 'alice', password: 'alice-password-1', role: 'analyst' });
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'alice', password: 'alice-password-1' },
    });
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'vigil_session');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Strict');
    expect(res.json()).toMatchObject({ kind: 'user', name: 'alice', role: 'analyst' });
    const me = await app.inject({ url: '/api/v1/auth/me', cookies: { vigil_session: cookie!.value } });
    expect(me.statusCode).toBe(200);
    expect(me.json().csrfToken).toBe(res.json().csrfToken);
    const stored = await store.db
      .selectFrom('users')
      .select('password_hash')
      .where('username', '=', 'alice')
      .executeTakeFirstOrThrow();
    expect(stored.password_hash).toMatch(/^\$argon2id\$/);
  });

  it('refuses a wrong password and an unknown user alike, and audits both', async () => {
    for (const username of ['alice', 'nobody']) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username, password: 'wrong-password-x' },
      });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('INVALID_CREDENTIALS');
    }
    const failures = await store.db
      .selectFrom('audit_log')
      .select('actor')
      .where('action', '=', 'auth.login')
      .where('outcome', '=', 'failure')
      .execute();
    expect(failures.map((f) => f.actor)).toEqual(expect.arrayContaining(['user:alice', 'user:nobody']));
  });

  it('rejects a session write without the CSRF token, accepts it with', async () => {
    const admin = await signIn(app, 'admin', 'csrf-admin');
    const body = { username: 'bob', password: 'bob-password-12', role: 'viewer' };
    const without = await app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { cookie: admin.cookie },
      payload: body,
    });
    expect(without.statusCode).toBe(403);
    expect(without.json().error.code).toBe('CSRF_REJECTED');
    const wrong = await app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { cookie: admin.cookie, 'x-csrf-token': 'nope' },
      payload: body,
    });
    expect(wrong.json().error.code).toBe('CSRF_REJECTED');
    const ok = await app.inject({ method: 'POST', url: '/api/v1/users', headers: admin, payload: body });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ username: 'bob', role: 'viewer', disabled: false });
  });

  it('logs out: the cookie stops working', async () => {
    const viewer = await signIn(app, 'viewer', 'leaving-viewer');
    expect((await app.inject({ url: '/api/v1/auth/me', headers: viewer })).statusCode).toBe(200);
    expect(
      (await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: viewer })).statusCode,
    ).toBe(204);
    const after = await app.inject({ url: '/api/v1/auth/me', headers: viewer });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.message).toMatch(/sign in again/);
  });

  it('disabling a user ends their sessions and refuses their password', async () => {
    const admin = await authHeaders(app, 'admin');
    const carol = await signIn(app, 'analyst', 'carol');
    const { id } = (await app.inject({ url: '/api/v1/auth/me', headers: carol })).json();
    const res = await app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${id}`,
      headers: admin,
      payload: { disabled: true },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().disabled).toBe(true);
    expect((await app.inject({ url: '/api/v1/auth/me', headers: carol })).statusCode).toBe(401);
    const login = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'carol', password: 'correct horse battery' },
    });
    expect(login.statusCode).toBe(401);
  });

  it('API keys: shown once, stored hashed, role-scoped, last used, revocable', async () => {
    const admin = await authHeaders(app, 'admin');
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: admin,
      payload: { name: 'flink', role: 'viewer' },
    });
    expect(created.statusCode).toBe(201);
    const { key, apiKey } = created.json();
    expect(key).toMatch(/^vgl_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
    const row = await store.db
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', apiKey.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(key.slice('vgl_12345678_'.length));

    const headers = { authorization: `Bearer ${key}` };
    const me = await app.inject({ url: '/api/v1/auth/me', headers });
    expect(me.json()).toMatchObject({ kind: 'api-key', name: 'flink', role: 'viewer', csrfToken: null });
    const listed = (await app.inject({ url: '/api/v1/api-keys', headers: admin })).json().items;
    const mine = listed.find((k: { id: number }) => k.id === apiKey.id);
    expect(mine.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(listed)).not.toContain(key);

    const forbidden = await app.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers,
      payload: { name: 'x', role: 'admin' },
    });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error.message).toMatch(/viewer/);

    expect(
      (await app.inject({ method: 'DELETE', url: `/api/v1/api-keys/${apiKey.id}`, headers: admin })).json()
        .revokedAt,
    ).not.toBeNull();
    const revoked = await app.inject({ url: '/api/v1/auth/me', headers });
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json().error.message).toMatch(/revoked/);
  });

  it('remembers verified keys briefly: a revocation elsewhere lands within the cache time', async () => {
    let now = Date.parse('2026-05-01T00:00:00Z');
    const a = await buildTestApp(store, {}, () => new Date(now));
    try {
      const headers = await authHeaders(a, 'viewer', 'cached');
      expect((await a.inject({ url: '/api/v1/auth/me', headers })).statusCode).toBe(200);
      const id = (await a.inject({ url: '/api/v1/auth/me', headers })).json().id;
      // Revoked through another server instance (another process, same store).
      await app.auth.apiKeys.revoke(id);
      expect((await a.inject({ url: '/api/v1/auth/me', headers })).statusCode).toBe(200);
      now += API_KEY_CACHE_MS + 1;
      expect((await a.inject({ url: '/api/v1/auth/me', headers })).statusCode).toBe(401);
    } finally {
      await a.close();
    }
  });

  it('a forged key with a real prefix is refused', async () => {
    const { authorization } = await authHeaders(app, 'admin');
    const forged = `${authorization.slice(0, 'Bearer vgl_12345678_'.length)}${'A'.repeat(43)}`;
    expect(
      (await app.inject({ url: '/api/v1/auth/me', headers: { authorization: forged } })).statusCode,
    ).toBe(401);
  });

  it('keeps a hash-chained audit log that verifies, and detects a changed entry', async () => {
    const admin = await authHeaders(app, 'admin');
    const list = await app.inject({ url: '/api/v1/audit?limit=5', headers: admin });
    expect(list.statusCode).toBe(200);
    expect(list.json().items.length).toBe(5);
    const denied = await app.inject({ url: '/api/v1/audit?action=access.denied', headers: admin });
    expect(denied.json().items[0]).toMatchObject({ outcome: 'denied', target: 'POST /api/v1/api-keys' });

    const good = await app.inject({ url: '/api/v1/audit/verify', headers: admin });
    expect(good.json()).toMatchObject({ ok: true });
    expect(good.json().entries).toBeGreaterThan(5);

    // Tampering needs the trigger off: exactly what an attacker with table access would do.
    const victim = await store.db
      .selectFrom('audit_log')
      .select('seq')
      .where('action', '=', 'user.create')
      .executeTakeFirstOrThrow();
    await sql`alter table audit_log disable trigger audit_log_no_change`.execute(store.db);
    await sql`update audit_log set actor = 'user:mallory' where seq = ${victim.seq}`.execute(store.db);
    await sql`alter table audit_log enable trigger audit_log_no_change`.execute(store.db);
    const bad = (await app.inject({ url: '/api/v1/audit/verify', headers: admin })).json();
    expect(bad).toMatchObject({ ok: false, brokenAt: Number(victim.seq) });
    expect(bad.reason).toMatch(/changed/);
  });
});

describe('route declarations', () => {
  it('a server with an /api route that declares no roles refuses to start', async () => {
    const store = await openTestStore('pglite');
    const app = await buildApp({ config: testConfig(), store });
    expect(() => app.get('/api/v1/forgotten', async () => 'open')).toThrow(/declares no config.auth/);
    await app.close();
    await store.dispose();
  });
});
