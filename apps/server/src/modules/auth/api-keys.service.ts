import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/database.js';
import type { Role } from '../../db/schema.js';
import { AppError } from '../../errors/app-error.js';
import { constantTimeEqual, randomToken, sha256 } from './tokens.js';

export interface ApiKeyDto {
  id: number;
  name: string;
  /** The public part, shown in lists so a key can be recognised: `vgl_ab12cd34`. */
  prefix: string;
  role: Role;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface ApiKeyPrincipal {
  id: number;
  name: string;
  role: Role;
}

// `vgl_` + 8 hex (lookup prefix) + `_` + 43 base64url (256-bit secret).
const KEY_FORMAT = /^vgl_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$/;
// last_used_at is written at most once a minute per key, so scoring traffic does not write per call.
const TOUCH_EVERY_MS = 60 * 1000;

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
    const [, prefix, secret] = match;
    const row = await this.db
      .selectFrom('api_keys')
      .select(['id', 'name', 'role', 'key_hash', 'revoked_at'])
      .where('prefix', '=', prefix)
      .executeTakeFirst();
    if (!row || row.revoked_at !== null || !constantTimeEqual(row.key_hash, sha256(secret))) return undefined;
    const now = this.clock();
    const last = this.lastTouched.get(row.id) ?? 0;
    if (now.getTime() - last >= TOUCH_EVERY_MS) {
      this.lastTouched.set(row.id, now.getTime());
      await this.db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', row.id).execute();
    }
    return { id: row.id, name: row.name, role: row.role };
  }
}
