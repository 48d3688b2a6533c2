import type { User } from '@vigil/contracts';
import type { Db } from '../../db/database.js';
import type { Role } from '../../db/schema.js';
import { AppError } from '../../errors/app-error.js';
import {
  dummyPasswordHash,
  hashPassword,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  verifyPassword,
} from './password.js';

/** A user as the API shows it. */
export type UserDto = User;

export const USERNAME_PATTERN = /^[A-Za-z0-9._@-]{1,64}$/;

type UserRow = { id: number; username: string; role: Role; created_at: Date; disabled_at: Date | null };

function toDto(row: UserRow): UserDto {
  return {
    id: row.id,
    username: row.username,
    role: row.role,
    createdAt: row.created_at.toISOString(),
    disabled: row.disabled_at !== null,
  };
}

function checkPassword(password: string): void {
  if (password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH) {
    throw new AppError(
      'VALIDATION_FAILED',
      `password must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`,
      { path: 'password' },
    );
  }
}

const COLUMNS = ['id', 'username', 'role', 'created_at', 'disabled_at'] as const;

/** Users who sign in to the dashboard: argon2id password hashes, a role, disable instead of delete. */
export class UsersService {
  constructor(
    private readonly db: Db,
    private readonly clock: () => Date,
  ) {}

  async create(input: { username: string; password: string; role: Role }): Promise<UserDto> {
    if (!USERNAME_PATTERN.test(input.username)) {
      throw new AppError('VALIDATION_FAILED', 'username: 1-64 letters, digits, or . _ @ -', {
        path: 'username',
      });
    }
    checkPassword(input.password);
    const password_hash = await hashPassword(input.password);
    const row = await this.db
      .insertInto('users')
      .values({ username: input.username, password_hash, role: input.role })
      .onConflict((oc) => oc.column('username').doNothing())
      .returning(COLUMNS)
      .executeTakeFirst();
    if (!row) throw new AppError('CONFLICT', `user ${input.username} already exists`, { path: 'username' });
    return toDto(row);
  }

  async list(): Promise<UserDto[]> {
    const rows = await this.db.selectFrom('users').select(COLUMNS).orderBy('id').execute();
    return rows.map(toDto);
  }

  async get(id: number): Promise<UserDto> {
    const row = await this.db.selectFrom('users').select(COLUMNS).where('id', '=', id).executeTakeFirst();
    if (!row) throw new AppError('NOT_FOUND', `user ${id} not found`);
    return toDto(row);
  }

  async count(): Promise<number> {
    const { n } = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(n);
  }

  /** Changes role, enabled state or password. Disabling also ends the user's sessions. */
  async update(id: number, change: { role?: Role; disabled?: boolean; password?: string }): Promise<UserDto> {
    if (change.password !== undefined) checkPassword(change.password);
    const values: { role?: Role; disabled_at?: Date | null; password_hash?: string } = {};
    if (change.role) values.role = change.role;
    if (change.disabled !== undefined) values.disabled_at = change.disabled ? this.clock() : null;
    if (change.password !== undefined) values.password_hash = await hashPassword(change.password);
    if (Object.keys(values).length === 0) return this.get(id);
    const row = await this.db.transaction().execute(async (tx) => {
      const updated = await tx
        .updateTable('users')
        .set(values)
        .where('id', '=', id)
        .returning(COLUMNS)
        .executeTakeFirst();
      if (updated && (change.disabled || change.password !== undefined || change.role)) {
        await tx.deleteFrom('sessions').where('user_id', '=', id).execute();
      }
      return updated;
    });
    if (!row) throw new AppError('NOT_FOUND', `user ${id} not found`);
    return toDto(row);
  }

  /**
   * The user for a username and password, or undefined. Unknown users cost one argon2 verification
   * too, so response time does not reveal which usernames exist.
   */
  async verifyCredentials(username: string, password: string): Promise<UserDto | undefined> {
    const row = await this.db
      .selectFrom('users')
      .select([...COLUMNS, 'password_hash'])
      .where('username', '=', username)
      .executeTakeFirst();
    if (!row) {
      await verifyPassword(await dummyPasswordHash(), password);
      return undefined;
    }
    const ok = await verifyPassword(row.password_hash, password);
    if (!ok || row.disabled_at !== null) return undefined;
    return toDto(row);
  }
}
