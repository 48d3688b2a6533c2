import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../src/modules/auth/principal.js';
import { authHeaders, buildTestApp } from './support/app.js';
import { openTestStore, type TestStore } from './support/stores.js';

type Caller = Role | 'anonymous';
const CALLERS: readonly Caller[] = ['anonymous', ...ROLES];

/** A concrete URL for a route pattern: every `:param` becomes a value that exists nowhere. */
function concrete(url: string): string {
  return url.replace(/:[A-Za-z]+/g, '999999').replace(/\*$/, 'x');
}

/**
 * Walks every route the app registered × every kind of caller. The table comes from the routes
 * themselves (the auth plugin records each route's declaration), so a new route is covered the
 * moment it exists, and a route without a declaration cannot start (see auth.test.ts).
 */
describe('authorisation matrix: route × role × anonymous', () => {
  let store: TestStore;
  let app: FastifyInstance;
  const headers: Partial<Record<Caller, Record<string, string>>> = { anonymous: {} };

  beforeAll(async () => {
    store = await openTestStore('pglite');
    app = await buildTestApp(store);
    for (const role of ROLES) headers[role] = await authHeaders(app, role);
  });
  afterAll(async () => {
    await app.close();
    await store.dispose();
  });

  it('covers the API', () => {
    const urls = new Set(app.routeAuthTable.map((r) => r.url));
    for (const url of ['/api/v1/auth/login', '/api/v1/users', '/api/v1/api-keys', '/api/v1/audit']) {
      expect(urls).toContain(url);
    }
  });

  it('lets exactly the declared roles through', async () => {
    const failures: string[] = [];
    const rows = app.routeAuthTable.filter((r) => r.method !== 'HEAD');
    for (const route of rows) {
      for (const caller of CALLERS) {
        const res = await app.inject({
          method: route.method as 'GET',
          url: concrete(route.url),
          headers: headers[caller],
          ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { payload: {} }),
        });
        const allowed = route.auth === 'public' || (caller !== 'anonymous' && route.auth.includes(caller));
        const expected = allowed ? 'through' : caller === 'anonymous' ? 401 : 403;
        const got = res.statusCode === 401 || res.statusCode === 403 ? res.statusCode : 'through';
        if (got !== expected)
          failures.push(
            `${route.method} ${route.url} as ${caller}: expected ${expected}, got ${res.statusCode} ${res.body.slice(0, 120)}`,
          );
      }
    }
    expect(failures).toEqual([]);
    expect(rows.length).toBeGreaterThan(8);
  });
});
