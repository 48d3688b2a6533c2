import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { migrateToLatest, openStore, type Store } from '../src/db/database.js';
import { createJobQueue } from '../src/jobs/create-job-queue.js';
import type { JobQueue } from '../src/jobs/job-queue.js';
import { BatchesService } from '../src/modules/batches/batches.service.js';
import { createAppMetrics } from '../src/modules/metrics/metrics.js';
import { createActiveModels } from '../src/modules/models/active-models.service.js';
import { ModelRegistry } from '../src/modules/models/model-registry.service.js';
import { storedResults, syntheticBatchModel, syntheticCsv } from './batches-fixtures.js';
import { deleteRedisKeys, describeEachQueue, waitFor } from './support/job-queues.js';

// The worker runs as a separate process on the built dist, as `vigil worker` would.
const WORKER = fileURLToPath(new URL('./fixtures/batch-crash-worker.mjs', import.meta.url));
const ROWS = 40_000;

interface Worker {
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

function startWorker(env: Record<string, string>): Worker {
  const { DATABASE_URL: _db, REDIS_URL: _redis, ...inherited } = process.env;
  const child = spawn(process.execPath, [WORKER], {
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout!.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output, exited };
}

describeEachQueue(
  'kill -9 of a worker mid-batch',
  (target) => {
    const adminUrl = process.env.TEST_DATABASE_URL!;
    const redisUrl = target === 'bullmq' ? process.env.TEST_REDIS_URL! : undefined;
    let dbName: string;
    let prefix: string;
    let admin: Store;
    let store: Store;
    let databaseUrl: string;
    let producer: JobQueue;
    let dir: string;
    const workers: Worker[] = [];

    beforeEach(async () => {
      dbName = `vigil_test_${randomBytes(6).toString('hex')}`;
      prefix = `vigil-test-${randomBytes(6).toString('hex')}`;
      workers.length = 0;
      dir = await mkdtemp(join(tmpdir(), 'vigil-batch-crash-'));
      admin = await openStore({ databaseUrl: adminUrl });
      await sql.raw(`create database ${dbName}`).execute(admin.db);
      const url = new URL(adminUrl);
      url.pathname = `/${dbName}`;
      databaseUrl = url.toString();
      store = await openStore({ databaseUrl });
      await migrateToLatest(store.db);
      producer = await createJobQueue({ config: { redisUrl }, db: store.db, bullmq: { prefix } });
    });

    afterEach(async () => {
      for (const w of workers) w.child.kill('SIGKILL');
      await Promise.all(workers.map((w) => w.exited));
      await producer.close();
      await store.close();
      await sql.raw(`drop database if exists ${dbName} with (force)`).execute(admin.db);
      await admin.close();
      if (redisUrl) await deleteRedisKeys(redisUrl, `${prefix}:*`);
      await rm(dir, { recursive: true, force: true });
    });

    it(`finishes a ${ROWS}-row batch with exactly one result per row after SIGKILL`, async () => {
      await new ModelRegistry(store.db).register(await syntheticBatchModel('crash-model'), 'test', {
        stage: 'production',
        reason: 'crash test',
      });
      const models = createActiveModels(store.db, createAppMetrics(), { pollMs: 0 });
      await models.refresh('synthetic-flows');
      const path = join(dir, 'flows.upload');
      await writeFile(path, syntheticCsv(ROWS, 12));
      const service = new BatchesService({
        db: store.db,
        jobs: producer,
        activeModels: models,
        clock: () => new Date(),
      });
      const { batch } = await service.create({ path, bytes: 0, filename: 'flows.csv', fields: {} }, 'test');
      const id = Number(batch.id);
      const progress = async () =>
        (
          await sql<{ state: string; rows_done: number; run_start_rows: number; history_state: string }>`
            select state, rows_done::int, run_start_rows::int, history_state from batches where id = ${id}`.execute(
            store.db,
          )
        ).rows[0];

      const env = {
        DATABASE_URL: databaseUrl,
        QUEUE_PREFIX: prefix,
        CHUNK_ROWS: '500',
        ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
      };
      const killAfter = randomInt(1, 5) * 5000;
      const first = startWorker(env);
      workers.push(first);
      await waitFor(
        () => `the first worker to pass row ${killAfter}; it printed:\n${first.output.join('')}`,
        async () => (await progress()).rows_done >= killAfter,
        60_000,
      );
      await new Promise((resolve) => setTimeout(resolve, randomInt(0, 150)));
      first.child.kill('SIGKILL');
      await first.exited;
      const midway = await progress();
      expect(midway.state).toBe('running');
      expect(midway.rows_done).toBeLessThan(ROWS);

      const second = startWorker(env);
      workers.push(second);
      await waitFor(
        () => `the batch to finish; the second worker printed:\n${second.output.join('')}`,
        async () => {
          const p = await progress();
          return p.state === 'done' && p.history_state === 'written';
        },
        120_000,
      );
      const end = await progress();
      expect(end.rows_done).toBe(ROWS);
      expect(end.run_start_rows).toBeGreaterThanOrEqual(midway.rows_done);
      expect(await storedResults(store.db, id)).toEqual({ n: ROWS, rows: ROWS, lo: 1, hi: ROWS });

      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    });
  },
  { targets: ['embedded-postgres', 'bullmq'], alsoNeeds: ['TEST_DATABASE_URL'] },
);
