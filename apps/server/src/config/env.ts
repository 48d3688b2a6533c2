import { resolve } from 'node:path';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/**
 * Every environment variable Vigil reads, parsed once at start-up. A bad value stops the process
 * with the variable's name; nothing else in the server reads `process.env`.
 */
const envSchema = z.object({
  VIGIL_DATA_DIR: z.string().min(1).default('.vigil'),
  /** postgres://… selects a PostgreSQL server; unset means embedded PGlite in VIGIL_DATA_DIR/db. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// or postgresql:// URL')
    .optional(),
  /** redis://… shares rate limits between instances; unset means in-process limits. */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'expected a redis:// or rediss:// URL')
    .optional(),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Migrate the store on start (default) or leave it to `vigil migrate`. */
  VIGIL_MIGRATE_ON_START: bool.default(true),
  /** Which predictions are stored in history. */
  VIGIL_HISTORY: z.enum(['all', 'alerts', 'none']).default('all'),
  /** Largest accepted request body, bytes. */
  VIGIL_BODY_LIMIT: z.coerce
    .number()
    .int()
    .min(1024)
    .max(512 * 1024 * 1024)
    .default(32 * 1024 * 1024),
  /** Requests per minute per API key, session or client address; 0 turns rate limiting off. */
  VIGIL_RATE_LIMIT: z.coerce.number().int().min(0).default(600),
  /** First admin, created on start when no user exists yet. Both or neither. */
  VIGIL_ADMIN_USER: z.string().min(1).max(64).optional(),
  VIGIL_ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').max(1024).optional(),
  /** Mark session cookies Secure (behind HTTPS). */
  VIGIL_SECURE_COOKIES: bool.default(false),
  /** How often (ms) the API checks the store for model promotions made elsewhere; 0 = never. */
  VIGIL_MODEL_POLL_MS: z.coerce.number().int().min(0).max(3_600_000).default(2000),
});

export type AppConfig = Readonly<{
  dataDir: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  host: string;
  port: number;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  migrateOnStart: boolean;
  history: 'all' | 'alerts' | 'none';
  bodyLimit: number;
  rateLimitPerMinute: number;
  admin: { username: string; password: string } | undefined;
  secureCookies: boolean;
  modelPollMs: number;
}>;

/** Raised for a bad environment; the message names every offending variable. */
export class ConfigEnvError extends Error {
  override readonly name = 'ConfigEnvError';
}

export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  // Empty strings count as unset, as in most shells' `VAR= cmd`.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigEnvError(`invalid environment:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if ((e.VIGIL_ADMIN_USER === undefined) !== (e.VIGIL_ADMIN_PASSWORD === undefined)) {
    throw new ConfigEnvError(
      'invalid environment:\n  VIGIL_ADMIN_USER and VIGIL_ADMIN_PASSWORD must be set together',
    );
  }
  return Object.freeze({
    // `memory://` keeps everything in memory (tests, throw-away demos); any other value is a folder.
    dataDir: e.VIGIL_DATA_DIR.startsWith('memory://') ? 'memory://' : resolve(e.VIGIL_DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    migrateOnStart: e.VIGIL_MIGRATE_ON_START,
    history: e.VIGIL_HISTORY,
    bodyLimit: e.VIGIL_BODY_LIMIT,
    rateLimitPerMinute: e.VIGIL_RATE_LIMIT,
    admin: e.VIGIL_ADMIN_USER
      ? { username: e.VIGIL_ADMIN_USER, password: e.VIGIL_ADMIN_PASSWORD! }
      : undefined,
    secureCookies: e.VIGIL_SECURE_COOKIES,
    modelPollMs: e.VIGIL_MODEL_POLL_MS,
  });
}
