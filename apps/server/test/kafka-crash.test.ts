import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTrafficSimulator } from '@vigil/detect';
import type { Kafka } from 'kafkajs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  embeddedDatabaseDir,
  migrateToLatest,
  openStore,
  type Store,
  type StoreOptions,
} from '../src/db/database.js';
import { ModelRegistry } from '../src/modules/models/model-registry.service.js';
import type { VerdictMessage } from '../src/stream/kafka-sink.js';
import {
  createTopics,
  describeKafka,
  groupPosition,
  KAFKA_BROKERS,
  produce,
  readTopic,
  testKafka,
  uniqueName,
} from './kafka-fixtures.js';
import { streamModel } from './stream-fixtures.js';
import { ENGINES } from './support/stores.js';

// `vigil stream` runs as a user runs it: the built CLI in its own process (npm test builds first).
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const FLOWS = 10_000;

interface Worker {
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

function startWorker(env: Record<string, string>): Worker {
  const { DATABASE_URL: _db, VIGIL_DATA_DIR: _dir, ...inherited } = process.env;
  const child = spawn(process.execPath, [CLI, 'stream', '--source', 'kafka', '--no-listen'], {
    env: { ...inherited, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const output: string[] = [];
  child.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output, exited };
}

for (const engine of ENGINES) {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (engine === 'postgres' && !adminUrl && process.env.CI !== 'true') {
    describe.skip('kill -9 of a Kafka stream worker mid-run [postgres] (skipped: set TEST_DATABASE_URL)', () => {
      it('needs PostgreSQL', () => {});
    });
    continue;
  }
  describeKafka(`kill -9 of a Kafka stream worker mid-run [${engine}]`, () => {
    let kafka: Kafka;
    let storeOptions: StoreOptions;
    let workerEnv: Record<string, string>;
    let cleanup: () => Promise<void> = async () => {};

    beforeAll(async () => {
      if (engine === 'postgres' && !adminUrl) throw new Error('CI=true but TEST_DATABASE_URL is not set');
      kafka = await testKafka();
      if (engine === 'pglite') {
        const dir = await mkdtemp(join(tmpdir(), 'vigil-kafka-crash-'));
        storeOptions = { dataDir: embeddedDatabaseDir(dir) };
        workerEnv = { VIGIL_DATA_DIR: dir };
        cleanup = () => rm(dir, { recursive: true, force: true });
      } else {
        const name = `vigil_test_${randomBytes(6).toString('hex')}`;
        const admin = await openStore({ databaseUrl: adminUrl });
        await sql.raw(`create database ${name}`).execute(admin.db);
        const url = new URL(adminUrl!);
        url.pathname = `/${name}`;
        storeOptions = { databaseUrl: url.toString() };
        workerEnv = { DATABASE_URL: url.toString() };
        cleanup = async () => {
          await sql.raw(`drop database if exists ${name} with (force)`).execute(admin.db);
          await admin.close();
        };
      }
      const store = await openStore(storeOptions);
      try {
        await migrateToLatest(store.db);
        await new ModelRegistry(store.db, () => new Date()).register(await streamModel(), 'test', {
          stage: 'production',
          reason: 'kill -9 test',
        });
      } finally {
        await store.close();
      }
    });
    afterAll(async () => cleanup());

    it('restarted after kill -9, leaves every input flow with exactly one stored verdict', async () => {
      const topic = uniqueName('vigil-crash');
      const out = `${topic}.verdicts`;
      const groupId = uniqueName('vigil-crash');
      await createTopics(kafka, [
        { topic, numPartitions: 4 },
        { topic: out, numPartitions: 4 },
      ]);
      const sim = createTrafficSimulator({ seed: 23, attackShare: 0.2 });
      await produce(
        kafka,
        topic,
        Array.from({ length: FLOWS }, () => JSON.stringify(sim.next().record)),
      );
      const env = {
        ...workerEnv,
        KAFKA_BROKERS: KAFKA_BROKERS!,
        STREAM_INPUT_TOPICS: topic,
        STREAM_OUTPUT_TOPIC: out,
        STREAM_GROUP_ID: groupId,
        // Small batches: many store writes and offset commits, so the kill lands between them.
        STREAM_BATCH_SIZE: '100',
        STREAM_INGEST: 'false',
        // The killed worker's partitions move to the restarted one after this (the broker's minimum).
        KAFKA_SESSION_TIMEOUT_MS: '6000',
        LOG_LEVEL: 'warn',
        VIGIL_MODEL_POLL_MS: '0',
      };
      const verdicts = await readTopic(kafka, out);
      const seen = new Set<string>();
      const count = () => {
        for (const m of verdicts.messages.splice(0)) seen.add((JSON.parse(m.value) as VerdictMessage).key);
        return seen.size;
      };
      let total = 0;
      try {
        const first = startWorker(env);
        const killed = await verdicts.until(() => count() >= FLOWS / 10, 90_000);
        first.child.kill('SIGKILL');
        expect(await first.exited).toBeNull();
        expect(killed, first.output.join('')).toBe(true);
        const atKill = count();
        // The kill landed mid-run: flows were left for the second worker.
        expect(atKill).toBeLessThan(FLOWS);

        const second = startWorker(env);
        const finished = await verdicts.until(() => count() >= FLOWS, 120_000);
        second.child.kill('SIGTERM');
        expect(await second.exited, second.output.join('')).toBe(0);
        expect(finished, second.output.join('')).toBe(true);
        total = seen.size;
      } finally {
        await verdicts.close();
      }
      expect(total).toBe(FLOWS);
      for (const p of await groupPosition(kafka, groupId, topic)) expect(p.committed).toBe(p.end);

      const store: Store = await openStore(storeOptions);
      try {
        const { rows } = await sql<{ n: number; keys: number }>`
          select count(*)::int as n, count(distinct event_key)::int as keys
          from predictions where source = 'stream:kafka'`.execute(store.db);
        expect(rows[0]).toEqual({ n: FLOWS, keys: FLOWS });
        const stored = await store.db
          .selectFrom('predictions')
          .select('event_key')
          .where('source', '=', 'stream:kafka')
          .execute();
        expect(new Set(stored.map((r) => r.event_key))).toEqual(seen);
      } finally {
        await store.close();
      }
    });
  });
}
