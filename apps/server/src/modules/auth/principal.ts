import type { Role } from '../../db/schema.js';

export type { Role } from '../../db/schema.js';
export const ROLES: readonly Role[] = ['admin', 'analyst', 'viewer'];

/** Who is calling: a signed-in user, an API key, or nobody. */
export type Principal =
  | { kind: 'user'; id: number; name: string; role: Role }
  | { kind: 'api-key'; id: number; name: string; role: Role }
  | { kind: 'anonymous' };

/**
 * What a route declares in its `config.auth`: `public` (anyone, e.g. /healthz) or the roles that may
 * call it. The auth plugin refuses to start a server with an /api route that declares neither.
 */
export type RouteAuth = 'public' | readonly Role[];

/** Audit-log name of a principal: `user:alice`, `api-key:ingest (7)`, `anonymous`. */
export function principalName(p: Principal): string {
  if (p.kind === 'anonymous') return 'anonymous';
  return p.kind === 'user' ? `user:${p.name}` : `api-key:${p.name} (${p.id})`;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
}
