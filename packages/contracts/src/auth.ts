import { z } from 'zod';
import { roleSchema } from './common.js';

/** Password rules checked wherever a password is set (API, CLI, env). */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 1024;

/** GET /auth/me and POST /auth/login: the caller. */
export const meSchema = z.object({
  kind: z.enum(['user', 'api-key']),
  id: z.number(),
  name: z.string(),
  role: roleSchema,
  /** Present for session callers: send it back as x-csrf-token on POST/PATCH/DELETE. */
  csrfToken: z.string().nullable(),
});
export type Me = z.infer<typeof meSchema>;

/** POST /auth/login body. */
export const loginBodySchema = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(1024),
});
export type LoginBody = z.infer<typeof loginBodySchema>;

/** A dashboard user (GET/POST /users, PATCH /users/:id). */
export const userSchema = z.object({
  id: z.number(),
  username: z.string(),
  role: roleSchema,
  createdAt: z.string(),
  disabled: z.boolean(),
});
export type User = z.infer<typeof userSchema>;

/** An API key, never its secret (GET /api-keys, DELETE /api-keys/:id). */
export const apiKeySchema = z.object({
  id: z.number(),
  name: z.string(),
  /** The public part, shown in lists so a key can be recognised: `vgl_ab12cd34`. */
  prefix: z.string(),
  role: roleSchema,
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ApiKey = z.infer<typeof apiKeySchema>;

/** POST /api-keys: the key is in this response only. */
export const createdApiKeySchema = z.object({ key: z.string(), apiKey: apiKeySchema });
export type CreatedApiKey = z.infer<typeof createdApiKeySchema>;

const passwordSchema = z.string().min(PASSWORD_MIN_LENGTH).max(PASSWORD_MAX_LENGTH);

/** POST /users body. */
export const createUserBodySchema = z.strictObject({
  username: z.string().min(1).max(64),
  password: passwordSchema,
  role: roleSchema,
});
export type CreateUserBody = z.infer<typeof createUserBodySchema>;

/** PATCH /users/:id body. */
export const updateUserBodySchema = z.strictObject({
  role: roleSchema.optional(),
  disabled: z.boolean().optional(),
  password: passwordSchema.optional(),
});
export type UpdateUserBody = z.infer<typeof updateUserBodySchema>;

/** POST /api-keys body. */
export const createApiKeyBodySchema = z.strictObject({ name: z.string().min(1).max(100), role: roleSchema });
export type CreateApiKeyBody = z.infer<typeof createApiKeyBodySchema>;
