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
  // Batches (issue #4).
  /** Largest batch file upload, bytes (default 1 GiB). */
  VIGIL_UPLOAD_LIMIT: z.coerce
    .number()
    .int()
    .min(1024)
    .max(2 ** 40)
    .default(2 ** 30),
  /** Largest content of a batch file once gunzipped, bytes (default 16 GiB): stops gzip bombs. */
  VIGIL_UPLOAD_CONTENT_LIMIT: z.coerce
    .number()
    .int()
    .min(1024)
    .max(2 ** 44)
    .default(2 ** 34),
  /** Run background jobs (batches) inside the API process; false when `vigil worker` processes do. */
  VIGIL_WORKER_IN_PROCESS: bool.default(true),
  // Streaming (issue #6): `vigil stream`, the HTTP ingest endpoint and the embedded demo stream.
  /** `vigil start` runs the traffic simulator through the stream service so a fresh install shows live alerts. */
  VIGIL_DEMO_STREAM: bool.default(true),
  /** Flows per second of the demo stream. */
  VIGIL_DEMO_STREAM_RATE: z.coerce.number().positive().max(1_000_000).default(20),
  /** Score flows POSTed to /api/v1/ingest/flows in this process (off: the endpoint answers 503). */
  STREAM_INGEST: bool.default(true),
  /** Flow schema (model kind) streams score with; unset = the only flow model in production. */
  STREAM_SCHEMA: z.string().min(1).max(64).optional(),
  /** Most flows per scoring micro-batch. */
  STREAM_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(1000),
  /** Longest wait (ms) for an embedded source to fill a micro-batch. */
  STREAM_BATCH_WAIT_MS: z.coerce.number().int().min(0).max(10_000).default(20),
  /** Flows the HTTP ingest queue holds before it answers 429. */
  STREAM_QUEUE_SIZE: z.coerce.number().int().min(1).max(10_000_000).default(10_000),
  /** Which stream verdicts are stored: all, alerts only, or none. */
  STREAM_STORE: z.enum(['all', 'alerts', 'none']).default('all'),
  /** Kafka topics `vigil stream --source kafka` consumes (comma-separated). */
  STREAM_INPUT_TOPICS: z.string().min(1).default('vigil.flows'),
  /** Topic verdicts are written to; `none` writes none. */
  STREAM_OUTPUT_TOPIC: z.string().min(1).default('vigil.verdicts'),
  /** Topic malformed messages go to, with the reason; `none` only counts them. */
  STREAM_DLQ_TOPIC: z.string().min(1).default('vigil.flows.dlq'),
  /** Kafka consumer group of the stream workers. */
  STREAM_GROUP_ID: z.string().min(1).default('vigil-stream'),
  /** A new consumer group starts at the oldest message (default) or only takes new ones. */
  STREAM_FROM_BEGINNING: bool.default(true),
  /** Kafka bootstrap brokers, host:port[,host:port…]. */
  KAFKA_BROKERS: z
    .string()
    .regex(/^[^\s,]+:\d+(,[^\s,]+:\d+)*$/, 'expected host:port[,host:port…]')
    .optional(),
  KAFKA_CLIENT_ID: z.string().min(1).default('vigil'),
  /** How long the group waits for a silent stream worker before handing its partitions to others. */
  KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6000).max(300_000).default(30_000),
  KAFKA_SSL: bool.default(false),
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
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
  /** Largest batch upload, bytes (issue #4). */
  uploadLimit: number;
  /** VIGIL_UPLOAD_CONTENT_LIMIT: most bytes a batch file may hold once decompressed. */
  uploadContentLimit: number;
  /** Whether the API process runs background jobs itself (issue #4). */
  workerInProcess: boolean;
  /** Streaming (issue #6). */
  stream: StreamConfig;
  /** Kafka client settings; undefined when KAFKA_BROKERS is unset. */
  kafka: KafkaConfig | undefined;
}>;

export type StreamConfig = Readonly<{
  demo: boolean;
  demoRate: number;
  ingest: boolean;
  schema: string | undefined;
  batchSize: number;
  batchWaitMs: number;
  queueSize: number;
  store: 'all' | 'alerts' | 'none';
  inputTopics: readonly string[];
  /** undefined: no output topic. */
  outputTopic: string | undefined;
  /** undefined: no dead-letter topic. */
  dlqTopic: string | undefined;
  groupId: string;
  fromBeginning: boolean;
}>;

export type KafkaConfig = Readonly<{
  brokers: readonly string[];
  clientId: string;
  sessionTimeoutMs: number;
  ssl: boolean;
  sasl:
    | { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string }
    | undefined;
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
  const sasl = [e.KAFKA_SASL_MECHANISM, e.KAFKA_SASL_USERNAME, e.KAFKA_SASL_PASSWORD];
  if (sasl.some((v) => v !== undefined) && sasl.some((v) => v === undefined)) {
    throw new ConfigEnvError(
      'invalid environment:\n  KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD must be set together',
    );
  }
  const topic = (t: string) => (t === 'none' ? undefined : t);
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
    uploadLimit: e.VIGIL_UPLOAD_LIMIT,
    uploadContentLimit: e.VIGIL_UPLOAD_CONTENT_LIMIT,
    workerInProcess: e.VIGIL_WORKER_IN_PROCESS,
    stream: Object.freeze({
      demo: e.VIGIL_DEMO_STREAM,
      demoRate: e.VIGIL_DEMO_STREAM_RATE,
      ingest: e.STREAM_INGEST,
      schema: e.STREAM_SCHEMA,
      batchSize: e.STREAM_BATCH_SIZE,
      batchWaitMs: e.STREAM_BATCH_WAIT_MS,
      queueSize: e.STREAM_QUEUE_SIZE,
      store: e.STREAM_STORE,
      inputTopics: Object.freeze(
        e.STREAM_INPUT_TOPICS.split(',')
          .map((t) => t.trim())
          .filter(Boolean),
      ),
      outputTopic: topic(e.STREAM_OUTPUT_TOPIC),
      dlqTopic: topic(e.STREAM_DLQ_TOPIC),
      groupId: e.STREAM_GROUP_ID,
      fromBeginning: e.STREAM_FROM_BEGINNING,
    }),
    kafka: e.KAFKA_BROKERS
      ? Object.freeze({
          brokers: Object.freeze(e.KAFKA_BROKERS.split(',')),
          clientId: e.KAFKA_CLIENT_ID,
          sessionTimeoutMs: e.KAFKA_SESSION_TIMEOUT_MS,
          ssl: e.KAFKA_SSL,
          sasl: e.KAFKA_SASL_MECHANISM
            ? {
                mechanism: e.KAFKA_SASL_MECHANISM,
                username: e.KAFKA_SASL_USERNAME!,
                password: e.KAFKA_SASL_PASSWORD!,
              }
            : undefined,
        })
      : undefined,
  });
}
