import type { Db } from '../../db/database.js';
import type { Role } from '../../db/schema.js';
import { randomToken, sha256 } from './tokens.js';

/** How long a session lives without use, and at most. */
export const SESSION_IDLE_MS = 8 * 60 * 60 * 1000;
export const SESSION_MAX_MS = 7 * 24 * 60 * 60 * 1000;
// last_seen_at is written at most this often, so browsing does not write on every request.
const TOUCH_EVERY_MS = 60 * 1000;

export interface SessionUser {
  sessionId: string;
  userId: number;
  username: string;
  role: Role;
  csrfToken: string;
}

/**
 * Dashboard sessions. The cookie carries a random token; the table keeps only its SHA-256, so
 * reading the table does not let anyone sign in. Each session has its own CSRF token, which the
 * dashboard sends back in `x-csrf-token` on every state-changing request.
 */
export class SessionsService {
  constructor(
    private readonly db: Db,
    private readonly clock: () => Date,
  ) {}

  async create(userId: number): Promise<{ token: string; csrfToken: string; expiresAt: Date }> {
    const token = randomToken();
    const csrfToken = randomToken();
    const now = this.clock();
    const expiresAt = new Date(now.getTime() + SESSION_MAX_MS);
    await this.db
      .insertInto('sessions')
      .values({
        id: sha256(token),
        user_id: userId,
        csrf_token: csrfToken,
        created_at: now,
        expires_at: expiresAt,
        last_seen_at: now,
      })
      .execute();
    return { token, csrfToken, expiresAt };
  }

  /** The signed-in user for a cookie token, or undefined if unknown, expired, idle or disabled. */
  async resolve(token: string): Promise<SessionUser | undefined> {
    const id = sha256(token);
    const now = this.clock();
    const row = await this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select([
        'sessions.id',
        'sessions.csrf_token',
        'sessions.expires_at',
        'sessions.last_seen_at',
        'users.id as user_id',
        'users.username',
        'users.role',
        'users.disabled_at',
      ])
      .where('sessions.id', '=', id)
      .executeTakeFirst();
    if (!row || row.disabled_at !== null) return undefined;
    const idleFor = now.getTime() - row.last_seen_at.getTime();
    if (row.expires_at.getTime() <= now.getTime() || idleFor > SESSION_IDLE_MS) {
      await this.db.deleteFrom('sessions').where('id', '=', id).execute();
      return undefined;
    }
    if (idleFor > TOUCH_EVERY_MS) {
      await this.db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
    }
    return {
      sessionId: id,
      userId: row.user_id,
      username: row.username,
      role: row.role,
      csrfToken: row.csrf_token,
    };
  }

  async destroy(sessionId: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id', '=', sessionId).execute();
  }
}
