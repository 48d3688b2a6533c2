import {
  apiKeySchema,
  createApiKeyBodySchema,
  createdApiKeySchema,
  createUserBodySchema,
  updateUserBodySchema,
  userSchema,
} from '@vigil/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors/app-error.js';
import { principalName, type Role } from './principal.js';

const ADMINS: readonly Role[] = ['admin'];
const idParams = z.strictObject({
  id: z
    .string()
    .regex(/^\d{1,9}$/, 'expected a numeric id')
    .transform(Number),
});

/** User and API key administration (admin only). */
export const usersRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/v1/users',
    {
      config: { auth: ADMINS },
      schema: {
        tags: ['admin'],
        summary: 'List users',
        response: { 200: z.object({ items: z.array(userSchema) }) },
      },
    },
    async () => ({ items: await app.auth.users.list() }),
  );

  app.post(
    '/api/v1/users',
    {
      config: { auth: ADMINS },
      schema: {
        tags: ['admin'],
        summary: 'Create a user',
        body: createUserBodySchema,
        response: { 201: userSchema },
      },
    },
    async (request, reply) => {
      const user = await app.auth.users.create(request.body);
      await app.audit.record({
        actor: principalName(request.principal),
        action: 'user.create',
        target: `user:${user.username}`,
        outcome: 'success',
        ip: request.ip,
        details: { role: user.role },
      });
      return reply.code(201).send(user);
    },
  );

  app.patch(
    '/api/v1/users/:id',
    {
      config: { auth: ADMINS },
      schema: {
        tags: ['admin'],
        summary: 'Change a user’s role, password or enabled state (ends their sessions)',
        params: idParams,
        body: updateUserBodySchema,
        response: { 200: userSchema },
      },
    },
    async (request) => {
      const { id } = request.params;
      const p = request.principal;
      // An admin cannot lock themselves out; another admin has to do it.
      if (
        p.kind === 'user' &&
        p.id === id &&
        (request.body.disabled || (request.body.role && request.body.role !== 'admin'))
      ) {
        throw new AppError('CONFLICT', 'you cannot disable yourself or remove your own admin role');
      }
      const user = await app.auth.users.update(id, request.body);
      await app.audit.record({
        actor: principalName(p),
        action: 'user.update',
        target: `user:${user.username}`,
        outcome: 'success',
        ip: request.ip,
        details: {
          role: request.body.role,
          disabled: request.body.disabled,
          passwordChanged: request.body.password !== undefined,
        },
      });
      return user;
    },
  );

  app.get(
    '/api/v1/api-keys',
    {
      config: { auth: ADMINS },
      schema: {
        tags: ['admin'],
        summary: 'List API keys (never their secrets)',
        response: { 200: z.object({ items: z.array(apiKeySchema) }) },
      },
    },
    async () => ({ items: await app.auth.apiKeys.list() }),
  );

  app.post(
    '/api/v1/api-keys',
    {
      config: { auth: ADMINS },
      schema: {
        tags: ['admin'],
        summary: 'Create an API key; the key is in this response only',
        body: createApiKeyBodySchema,
        response: { 201: createdApiKeySchema },
      },
    },
    async (request, reply) => {
      const p = request.principal;
      const created = await app.auth.apiKeys.create({
        ...request.body,
        createdBy: p.kind === 'user' ? p.id : null,
      });
      await app.audit.record({
        actor: principalName(p),
        action: 'api-key.create',
        target: `api-key:${created.apiKey.name} (${created.apiKey.id})`,
        outcome: 'success',
        ip: request.ip,
        details: { role: created.apiKey.role, prefix: created.apiKey.prefix },
      });
      return reply.code(201).send(created);
    },
  );

  app.delete(
    '/api/v1/api-keys/:id',
    {
      config: { auth: ADMINS },
      schema: {
        tags: ['admin'],
        summary: 'Revoke an API key',
        params: idParams,
        response: { 200: apiKeySchema },
      },
    },
    async (request) => {
      const key = await app.auth.apiKeys.revoke(request.params.id);
      await app.audit.record({
        actor: principalName(request.principal),
        action: 'api-key.revoke',
        target: `api-key:${key.name} (${key.id})`,
        outcome: 'success',
        ip: request.ip,
      });
      return key;
    },
  );
};
