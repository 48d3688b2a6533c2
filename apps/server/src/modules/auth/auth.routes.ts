import { loginBodySchema, meSchema } from '@vigil/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors/app-error.js';
import { SESSION_COOKIE } from './auth.plugin.js';
import { principalName, ROLES } from './principal.js';
import { SESSION_MAX_MS } from './sessions.service.js';

/** Sign in and out of the dashboard, and who am I. */
export const authRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/api/v1/auth/login',
    {
      // Guessing passwords is limited per address much harder than normal traffic.
      config: {
        auth: 'public',
        rateLimit: { max: 10, timeWindow: 60_000, keyGenerator: (r) => `login:${r.ip}` },
      },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with username and password; sets the httpOnly session cookie',
        body: loginBodySchema,
        response: { 200: meSchema },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      const user = await app.auth.users.verifyCredentials(username, password);
      await app.audit.record({
        actor: `user:${username}`,
        action: 'auth.login',
        outcome: user ? 'success' : 'failure',
        ip: request.ip,
      });
      if (!user)
        throw new AppError('INVALID_CREDENTIALS', 'wrong username or password, or the account is disabled');
      const session = await app.auth.sessions.create(user.id);
      reply.setCookie(SESSION_COOKIE, session.token, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: app.config.secureCookies,
        maxAge: Math.floor(SESSION_MAX_MS / 1000),
      });
      return {
        kind: 'user' as const,
        id: user.id,
        name: user.username,
        role: user.role,
        csrfToken: session.csrfToken,
      };
    },
  );

  app.post(
    '/api/v1/auth/logout',
    {
      config: { auth: ROLES },
      schema: { tags: ['auth'], summary: 'End the current session', response: { 204: z.null() } },
    },
    async (request, reply) => {
      if (request.session) await app.auth.sessions.destroy(request.session.sessionId);
      await app.audit.record({
        actor: principalName(request.principal),
        action: 'auth.logout',
        outcome: 'success',
        ip: request.ip,
      });
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/auth/me',
    {
      config: { auth: ROLES },
      schema: {
        tags: ['auth'],
        summary: 'The caller: user or API key, and role',
        response: { 200: meSchema },
      },
    },
    async (request) => {
      const p = request.principal;
      if (p.kind === 'anonymous') throw new AppError('UNAUTHENTICATED', 'not signed in');
      return {
        kind: p.kind,
        id: p.id,
        name: p.name,
        role: p.role,
        csrfToken: request.session?.csrfToken ?? null,
      };
    },
  );
};
