import cookie from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../../errors/app-error.js';
import type { AuditRecorder } from '../audit/audit.types.js';
import { ApiKeysService } from './api-keys.service.js';
import { principalName, type RouteAuth } from './principal.js';
import { SessionsService, type SessionUser } from './sessions.service.js';
import { UsersService } from './users.service.js';

export const SESSION_COOKIE = 'vigil_session';
export const CSRF_HEADER = 'x-csrf-token';

/** One row of the route × roles table the authorisation test walks. */
export interface RouteAuthEntry {
  method: string;
  url: string;
  auth: RouteAuth;
}

export interface AuthServices {
  users: UsersService;
  sessions: SessionsService;
  apiKeys: ApiKeysService;
}

declare module 'fastify' {
  interface FastifyInstance {
    auth: AuthServices;
    /** Every route and the roles it allows, collected as routes register. */
    routeAuthTable: RouteAuthEntry[];
  }
  interface FastifyRequest {
    /** Set when the caller signed in with the session cookie (not with an API key). */
    session: SessionUser | null;
    /** Set when the caller presented a credential that is not valid. */
    credentialError: string | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
// Routes added by plugins we do not own (the docs page) and that are public by nature.
const PUBLIC_PREFIXES = ['/api/v1/docs'];

function needsDeclaration(url: string): boolean {
  if (PUBLIC_PREFIXES.some((p) => url === p || url.startsWith(`${p}/`))) return false;
  return url.startsWith('/api/') || url === '/metrics';
}

async function resolvePrincipal(app: { auth: AuthServices }, request: FastifyRequest): Promise<void> {
  request.principal = { kind: 'anonymous' };
  request.session = null;
  request.credentialError = null;
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const key = match ? await app.auth.apiKeys.authenticate(match[1]) : undefined;
    if (key) request.principal = { kind: 'api-key', id: key.id, name: key.name, role: key.role };
    else
      request.credentialError = match
        ? 'the API key is not valid or was revoked'
        : 'expected Authorization: Bearer <API key>';
    return;
  }
  const token = request.cookies[SESSION_COOKIE];
  if (token) {
    const session = await app.auth.sessions.resolve(token);
    if (session) {
      request.session = session;
      request.principal = { kind: 'user', id: session.userId, name: session.username, role: session.role };
    } else {
      request.credentialError = 'the session has expired; sign in again';
    }
  }
}

/**
 * Authentication and authorisation. Every /api route (and /metrics) must declare `config.auth`;
 * a route that does not stops the server at start-up, so no route is open by omission. The
 * caller is resolved on every request (API key first, then session cookie); the role check runs
 * before the body is validated, so an unauthorised caller learns nothing about the route's input.
 * Session callers must echo their CSRF token on state-changing requests.
 */
export const authPlugin = fp(
  async (app) => {
    await app.register(cookie);
    app.decorate('auth', {
      users: new UsersService(app.store.db, app.clock),
      sessions: new SessionsService(app.store.db, app.clock),
      apiKeys: new ApiKeysService(app.store.db, app.clock),
    });
    app.decorate('routeAuthTable', [] as RouteAuthEntry[]);
    app.decorateRequest('principal', null as never);
    app.decorateRequest('session', null);
    app.decorateRequest('credentialError', null);

    app.addHook('onRequest', async (request) => resolvePrincipal(app, request));

    app.addHook('onRoute', (route) => {
      const auth = route.config?.auth;
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      if (auth === undefined) {
        if (needsDeclaration(route.url)) {
          throw new Error(
            `route ${methods.join(',')} ${route.url} declares no config.auth ('public' or roles)`,
          );
        }
        return;
      }
      for (const method of methods) app.routeAuthTable.push({ method, url: route.url, auth });
      if (auth === 'public') return;
      const check = async (request: FastifyRequest, _reply: FastifyReply) => authorize(app, request, auth);
      route.onRequest = route.onRequest ? [...[route.onRequest].flat(), check] : [check];
    });
  },
  { name: 'vigil-auth' },
);

async function authorize(
  app: { audit: AuditRecorder },
  request: FastifyRequest,
  allowed: readonly string[],
): Promise<void> {
  const p = request.principal;
  if (p.kind === 'anonymous') {
    if (request.credentialError) throw new AppError('UNAUTHENTICATED', request.credentialError);
    throw new AppError('UNAUTHENTICATED', 'sign in, or send an API key as Authorization: Bearer <key>');
  }
  if (!allowed.includes(p.role)) {
    await app.audit.record({
      actor: principalName(p),
      action: 'access.denied',
      target: `${request.method} ${request.routeOptions.url ?? request.url}`,
      outcome: 'denied',
      ip: request.ip,
      details: { role: p.role, allowed },
    });
    throw new AppError('FORBIDDEN', `role ${p.role} may not do this; it needs one of: ${allowed.join(', ')}`);
  }
  if (request.session && !SAFE_METHODS.has(request.method)) {
    const sent = request.headers[CSRF_HEADER];
    if (typeof sent !== 'string' || sent !== request.session.csrfToken) {
      throw new AppError(
        'CSRF_REJECTED',
        `missing or wrong ${CSRF_HEADER} header (take it from the login response or GET /api/v1/auth/me)`,
      );
    }
  }
}
