import { userInfo } from 'node:os';
import { createInterface } from 'node:readline/promises';
import { type Command, InvalidArgumentError } from 'commander';
import { migrateToLatest } from '../db/database.js';
import type { Role } from '../db/schema.js';
import { AuditService } from '../modules/audit/audit.service.js';
import { ApiKeysService } from '../modules/auth/api-keys.service.js';
import { UsersService } from '../modules/auth/users.service.js';
import { openConfiguredStore, withStore } from './with-store.js';

const clock = () => new Date();
/** The audit actor for commands run at the console. */
export const cliActor = () => `cli:${userInfo().username}`;

function parseRole(value: string): Role {
  if (value !== 'admin' && value !== 'analyst' && value !== 'viewer') {
    throw new InvalidArgumentError(`expected admin, analyst or viewer, got "${value}"`);
  }
  return value;
}

function parseId(value: string): number {
  if (!/^\d{1,9}$/.test(value)) throw new InvalidArgumentError(`expected a numeric id, got "${value}"`);
  return Number(value);
}

/** The password from VIGIL_PASSWORD, from stdin when piped, or asked for at a terminal. */
async function readPassword(): Promise<string> {
  const fromEnv = process.env.VIGIL_PASSWORD;
  if (fromEnv) return fromEnv;
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: process.stdin.isTTY });
  try {
    if (!process.stdin.isTTY) {
      for await (const line of rl) return line;
      throw new Error('no password on stdin (pipe it in, or set VIGIL_PASSWORD)');
    }
    return await rl.question('password (12+ characters): ');
  } finally {
    rl.close();
  }
}

/** `vigil migrate`, `vigil users …`, `vigil api-keys …`, `vigil audit …`. */
export function registerAdminCommands(program: Command): void {
  program
    .command('migrate')
    .description(
      'apply pending store migrations (the server also does this on start unless VIGIL_MIGRATE_ON_START=false)',
    )
    .action(async () => {
      const store = await openConfiguredStore();
      try {
        const applied = await migrateToLatest(store.db);
        console.log(applied.length ? `applied: ${applied.join(', ')}` : 'store is up to date');
      } finally {
        await store.close();
      }
    });

  const users = program.command('users').description('manage dashboard users');
  users
    .command('create <username>')
    .description('create a user; the password comes from VIGIL_PASSWORD, stdin, or a prompt')
    .option('--role <role>', 'admin, analyst or viewer', parseRole, 'analyst')
    .option('--admin', 'shorthand for --role admin')
    .action(async (username: string, opts: { role: Role; admin?: boolean }) => {
      const role = opts.admin ? 'admin' : opts.role;
      const password = await readPassword();
      await withStore(async (store) => {
        const user = await new UsersService(store.db, clock).create({ username, password, role });
        await new AuditService(store.db, clock).record({
          actor: cliActor(),
          action: 'user.create',
          target: `user:${user.username}`,
          outcome: 'success',
          details: { role },
        });
        console.log(`created ${role} ${user.username} (id ${user.id})`);
      });
    });
  users
    .command('list')
    .description('list users')
    .action(() =>
      withStore(async (store) => {
        for (const u of await new UsersService(store.db, clock).list()) {
          console.log(`${u.id}\t${u.username}\t${u.role}${u.disabled ? '\tdisabled' : ''}`);
        }
      }),
    );

  const keys = program.command('api-keys').description('manage API keys');
  keys
    .command('create <name>')
    .description('create an API key and print it (the only time it is shown)')
    .option('--role <role>', 'admin, analyst or viewer', parseRole, 'analyst')
    .action((name: string, opts: { role: Role }) =>
      withStore(async (store) => {
        const { key, apiKey } = await new ApiKeysService(store.db, clock).create({
          name,
          role: opts.role,
          createdBy: null,
        });
        await new AuditService(store.db, clock).record({
          actor: cliActor(),
          action: 'api-key.create',
          target: `api-key:${apiKey.name} (${apiKey.id})`,
          outcome: 'success',
          details: { role: apiKey.role, prefix: apiKey.prefix },
        });
        console.error(`API key ${apiKey.id} (${apiKey.role}); store it now, it is not shown again:`);
        console.log(key);
      }),
    );
  keys
    .command('list')
    .description('list API keys (never their secrets)')
    .action(() =>
      withStore(async (store) => {
        for (const k of await new ApiKeysService(store.db, clock).list()) {
          const state = k.revokedAt ? `revoked ${k.revokedAt}` : `last used ${k.lastUsedAt ?? 'never'}`;
          console.log(`${k.id}\t${k.prefix}\t${k.name}\t${k.role}\t${state}`);
        }
      }),
    );
  keys
    .command('revoke <id>')
    .description('revoke an API key')
    .action((id: string) =>
      withStore(async (store) => {
        const key = await new ApiKeysService(store.db, clock).revoke(parseId(id));
        await new AuditService(store.db, clock).record({
          actor: cliActor(),
          action: 'api-key.revoke',
          target: `api-key:${key.name} (${key.id})`,
          outcome: 'success',
        });
        console.log(`revoked ${key.prefix} (${key.name})`);
      }),
    );

  const audit = program.command('audit').description('read and verify the audit log');
  audit
    .command('verify')
    .description('recompute the hash chain; exits 1 and names the first bad entry if it was changed')
    .action(() =>
      withStore(async (store) => {
        const result = await new AuditService(store.db, clock).verify();
        if (result.ok) {
          console.log(`audit log intact: ${result.entries} entries, last hash ${result.lastHash}`);
        } else {
          console.error(`audit log BROKEN at entry ${result.brokenAt}: ${result.reason}`);
          process.exitCode = 1;
        }
      }),
    );
  audit
    .command('list')
    .description('newest audit entries')
    .option('--limit <n>', 'how many', (v) => Number(v), 50)
    .action((opts: { limit: number }) =>
      withStore(async (store) => {
        const { items } = await new AuditService(store.db, clock).list({ limit: opts.limit });
        for (const e of items) {
          console.log(`${e.seq}\t${e.at}\t${e.actor}\t${e.action}\t${e.target ?? ''}\t${e.outcome}`);
        }
      }),
    );
}
