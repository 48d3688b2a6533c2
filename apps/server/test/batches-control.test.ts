import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { JobAbortError } from '../src/jobs/job-queue.js';
import { explainPendingAlerts } from '../src/modules/batches/batch-alert-explanations.js';
import { decodeChunk } from '../src/modules/batches/batch-chunks.js';
import { chunkHistoryJson } from '../src/modules/batches/batch-history.js';
import { decodePendingAlerts, pendingAlertsDir } from '../src/modules/batches/batch-pending-alerts.js';
import { processBatch } from '../src/modules/batches/batch-processor.js';
import { selectChunks } from '../src/modules/batches/batch-results.repo.js';
import {
  multipart,
  promote,
  storedResults,
  syntheticBatchModel,
  syntheticCsv,
  waitForBatch,
} from './batches-fixtures.js';
import { authHeaders, buildTestApp } from './support/app.js';
import { describeEachEngine, openTestStore, type TestStore } from './support/stores.js';

describeEachEngine('batches: progress events, cancel, retry, checkpoints', (engine) => {
  let store: TestStore;
  /** An app that runs no jobs, on a store of its own, so tests drive the batch handler themselves. */
  let idle: FastifyInstance;
  /** An app working its queue, on another store. */
  let workerStore: TestStore;
  let app: FastifyInstance;
  let analyst: Record<string, string>;
  let workerAnalyst: Record<string, string>;
  let dataDir: string;

  const upload = async (target: FastifyInstance, rows: number, seed = 1) => {
    const body = multipart({ name: `rows-${rows}` }, { content: syntheticCsv(rows, seed) });
    const res = await target.inject({
      method: 'POST',
      url: '/api/v1/batches',
      headers: { ...(target === app ? workerAnalyst : analyst), ...body.headers },
      payload: body.payload,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().batch.id as number;
  };
  const get = async (id: number) =>
    (await idle.inject({ method: 'GET', url: `/api/v1/batches/${id}`, headers: analyst })).json();
  const post = (id: number, action: 'cancel' | 'retry') =>
    idle.inject({ method: 'POST', url: `/api/v1/batches/${id}/${action}`, headers: analyst });
  const stored = (id: number, db = store.db) => storedResults(db, id);
  const uploadPath = async (id: number) =>
    (await sql<{ file_path: string }>`select file_path from batches where id = ${id}`.execute(store.db))
      .rows[0].file_path;
  /** The batch's attack rows, from its packed results. */
  const storedAttacks = async (id: number) => {
    const rows: number[] = [];
    for (const c of await selectChunks(store.db, id, 0, 1000))
      for (const r of decodeChunk(c)) if (r.verdict === 'attack') rows.push(r.row);
    return rows;
  };

  /**
   * Runs the batch handler as a worker would, with a signal aborted (for `reason`) when the clock
   * is read for the `abortAt`-th time: read 1 starts the run, read k+1 scores chunk k, so the run
   * stops before committing chunk abortAt - 1.
   */
  const run = async (id: number, abortAt?: number, reason: 'cancelled' | 'shutdown' = 'cancelled') => {
    const controller = new AbortController();
    let reads = 0;
    const clock = () => {
      if (++reads === abortAt) controller.abort(new JobAbortError(reason, `job-${id}`));
      return new Date();
    };
    await processBatch({ db: store.db, models: idle.activeModels, clock, chunkRows: 1000 }, id, {
      jobId: `job-${id}`,
      attempt: 1,
      signal: controller.signal,
    });
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'vigil-batch-control-'));
    const model = await syntheticBatchModel('control-synthetic');
    store = await openTestStore(engine);
    idle = await buildTestApp(store, { dataDir, workerInProcess: false });
    workerStore = await openTestStore(engine);
    app = await buildTestApp(workerStore, { dataDir });
    // The same key works on both stores' apps.
    analyst = await authHeaders(idle, 'analyst');
    await promote(idle, await authHeaders(idle, 'admin'), model);
    const { key } = await app.auth.apiKeys.create({
      name: 'worker-analyst',
      role: 'analyst',
      createdBy: null,
    });
    workerAnalyst = { authorization: `Bearer ${key}` };
    await promote(app, await authHeaders(app, 'admin'), model);
  });
  afterAll(async () => {
    await app?.close();
    await idle?.close();
    await store?.dispose();
    await workerStore?.dispose();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('streams progress as server-sent events until a final event', async () => {
    const id = await upload(app, 12_000, 2);
    const res = await app.inject({
      method: 'GET',
      url: `/api/v1/batches/${id}/events`,
      headers: workerAnalyst,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    const events = res.body
      .split('\n\n')
      .filter((e) => e.startsWith('event: '))
      .map((e) => {
        const [head, data] = e.split('\n');
        return { event: head.slice(7), data: JSON.parse(data.slice(6)) };
      });
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events.slice(0, -1).every((e) => e.event === 'progress')).toBe(true);
    const last = events[events.length - 1];
    expect(last.event).toBe('end');
    expect(last.data).toMatchObject({ id, state: 'done', rowsDone: 12_000, rowsTotal: 12_000 });
    const rowsSeen = events.map((e) => e.data.rowsDone);
    expect(rowsSeen).toEqual([...rowsSeen].sort((a, b) => a - b));
    const anonymous = await app.inject({ method: 'GET', url: `/api/v1/batches/${id}/events` });
    expect(anonymous.statusCode).toBe(401);
  });

  it('cancels at a checkpoint and a retry continues from it, with one result per row', async () => {
    const id = await upload(idle, 5000, 3);
    expect((await get(id)).state).toBe('queued');
    await run(id, 4);
    expect(await stored(id)).toEqual({ n: 2000, rows: 2000, lo: 1, hi: 2000 });
    const cancelled = await post(id, 'cancel');
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toMatchObject({ state: 'cancelled', rowsDone: 2000, rowsTotal: 5000 });
    expect((await post(id, 'cancel')).statusCode).toBe(409);

    const retried = await post(id, 'retry');
    expect(retried.json()).toMatchObject({ state: 'queued', rowsDone: 2000 });
    await run(id);
    expect(await get(id)).toMatchObject({ state: 'done', rowsDone: 5000, rowsBad: 0 });
    expect(await stored(id)).toEqual({ n: 5000, rows: 5000, lo: 1, hi: 5000 });
    const resumedAt = await sql<{
      run_start_rows: number;
    }>`select run_start_rows from batches where id = ${id}`.execute(store.db);
    expect(Number(resumedAt.rows[0].run_start_rows)).toBe(2000);
    expect((await post(id, 'retry')).statusCode).toBe(409);

    const audit = await sql<{ action: string }>`
      select action from audit_log where target = ${`batch:${id}`} order by seq`.execute(store.db);
    expect(audit.rows.map((r) => r.action)).toEqual(['batch.create', 'batch.cancel', 'batch.retry']);
  });

  it('a cancelled batch stops at its next chunk even when its worker missed the signal', async () => {
    const id = await upload(idle, 3000, 4);
    // Cancel while "running" elsewhere: the handler finds the state at its next commit.
    await sql`update batches set state = 'running' where id = ${id}`.execute(store.db);
    expect((await post(id, 'cancel')).json().state).toBe('cancelled');
    await run(id);
    expect((await get(id)).state).toBe('cancelled');
    expect((await stored(id)).n).toBe(0);
  });

  it('pauses at a checkpoint on shutdown and resumes; a replayed chunk adds nothing', async () => {
    const id = await upload(idle, 3500, 5);
    await run(id, 4, 'shutdown');
    expect(await get(id)).toMatchObject({ state: 'paused', rowsDone: 2000 });
    expect((await stored(id)).n).toBe(2000);
    // Results and checkpoint commit together, so a crash cannot separate them; a run that finds
    // the checkpoint behind the stored chunks resumes after the chunks, storing no row twice.
    await sql`update batches set rows_done = 500 where id = ${id}`.execute(store.db);
    await run(id);
    expect(await get(id)).toMatchObject({ state: 'done', rowsDone: 3500 });
    expect(await stored(id)).toEqual({ n: 3500, rows: 3500, lo: 1, hi: 3500 });
  });

  it("writes a done batch's alerts to history after it, resuming after a stop without doubling one", async () => {
    const id = await upload(idle, 3000, 8);
    // Clock reads: 1 starts the run, 2–4 commit the three chunks, 5 marks it done, 6 and on are the
    // history copies, one a chunk: the stop lands after the second chunk's alerts are in history.
    await run(id, 7, 'shutdown');
    const midway = await get(id);
    expect(midway).toMatchObject({ state: 'done', rowsDone: 3000 });
    expect(midway.history.state).toBe('pending');
    await stored(id); // every attack row has one alert, in history or waiting in its chunk
    const attackRows = (await storedAttacks(id)).length;
    expect(midway.history.rows).toBeGreaterThan(0);
    expect(midway.history.rows).toBeLessThan(attackRows);

    // The results already carry every alert's explanation, from history or from the chunk.
    const results = await idle.inject({
      method: 'GET',
      url: `/api/v1/batches/${id}/results?format=ndjson`,
      headers: analyst,
    });
    const lines = results.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3000);
    const alerts = lines.filter((l) => l.verdict === 'attack');
    expect(alerts).toHaveLength(attackRows);
    expect(alerts.every((a) => a.topFeatures.length > 0 && a.record.syn_count !== undefined)).toBe(true);
    expect(alerts.filter((a) => a.id !== null)).toHaveLength(midway.history.rows);

    // The job runs again (as after a crash or shutdown) and finishes the history only.
    await run(id);
    const end = await get(id);
    expect(end.history).toEqual({ state: 'written', rows: attackRows });
    await stored(id);
    const history = await idle.inject({
      method: 'GET',
      url: `/api/v1/predictions?batchId=${id}&limit=1`,
      headers: analyst,
    });
    expect(history.json().items[0]).toMatchObject({ source: `batch:${id}`, verdict: 'attack' });
    // Read back from history, every alert is what the chunk held: record (keys and values), features.
    const after = await idle.inject({
      method: 'GET',
      url: `/api/v1/batches/${id}/results?format=ndjson`,
      headers: analyst,
    });
    const withoutId = (l: Record<string, unknown>) => ({ ...l, id: null });
    expect(
      after.body
        .trim()
        .split('\n')
        .map((l) => withoutId(JSON.parse(l))),
    ).toEqual(lines.map(withoutId));
    const counted = await sql<{ n: number }>`
      select count(*)::int as n from predictions where batch_id = ${id}`.execute(store.db);
    expect(counted.rows[0].n).toBe(attackRows);
    // The files of alerts waiting for history went with the last copy.
    expect(existsSync(pendingAlertsDir(await uploadPath(id)))).toBe(false);
  });

  it("writes a chunk's alerts to history from its results when their file is gone", async () => {
    const id = await upload(idle, 3000, 9);
    // Stop before the history copies (clock reads: 1 starts, 2–4 commit, 5 marks done).
    await run(id, 6, 'shutdown');
    expect((await get(id)).history.state).toBe('pending');
    const attackRows = await storedAttacks(id);
    const dir = pendingAlertsDir(await uploadPath(id));
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['1.bin', '1001.bin', '2001.bin']);
    rmSync(join(dir, '1001.bin'));
    // A chunk spilled as JSON, explained, as batches begun before the binary format did, is read as well.
    const { keys, alerts } = await explainPendingAlerts(
      store.db,
      decodePendingAlerts(readFileSync(join(dir, '2001.bin'))),
      'control-synthetic',
    );
    const json = Buffer.from(chunkHistoryJson(alerts, keys));
    rmSync(join(dir, '2001.bin'));
    writeFileSync(join(dir, '2001.json'), json);
    await sql`update batch_result_chunks set history_bytes = ${json.length}
      where batch_id = ${id} and first_row = 2001`.execute(store.db);
    await run(id);
    expect((await get(id)).history).toEqual({ state: 'written', rows: attackRows.length });
    const rows = await sql<{ batch_row: number; top_features: unknown[]; record: unknown }>`
      select batch_row, top_features, record from predictions where batch_id = ${id}`.execute(store.db);
    const lost = rows.rows.filter((r) => r.batch_row > 1000 && r.batch_row <= 2000);
    expect(lost.length).toBeGreaterThan(0);
    expect(lost.every((r) => r.top_features.length === 0)).toBe(true);
    const kept = rows.rows.filter((r) => r.batch_row <= 1000 || r.batch_row > 2000);
    expect(kept.filter((r) => r.batch_row > 2000)).toHaveLength(alerts.length);
    expect(kept.every((r) => r.top_features.length > 0 && Object.keys(r.record as object).length > 0)).toBe(
      true,
    );
    expect(existsSync(dir)).toBe(false);
  });

  it('fails a batch with a clear message when its model is gone, and lists batches newest first', async () => {
    const id = await upload(idle, 100, 6);
    await sql`update models set stage = 'archived' where id = 'control-synthetic'`.execute(store.db);
    try {
      await idle.activeModels.refresh('synthetic-flows');
      await run(id);
      expect(await get(id)).toMatchObject({
        state: 'failed',
        error: expect.stringMatching(/no production model for "synthetic-flows"/),
      });
    } finally {
      await sql`update models set stage = 'production' where id = 'control-synthetic'`.execute(store.db);
      await idle.activeModels.refresh('synthetic-flows');
    }
    const retried = await post(id, 'retry');
    expect(retried.json().state).toBe('queued');
    await run(id);
    expect(await get(id)).toMatchObject({ state: 'done', rowsDone: 100, error: null });

    const list = (
      await idle.inject({ method: 'GET', url: '/api/v1/batches?limit=2', headers: analyst })
    ).json();
    expect(list.items).toHaveLength(2);
    expect(list.items[0].id).toBeGreaterThan(list.items[1].id);
    const next = (
      await idle.inject({
        method: 'GET',
        url: `/api/v1/batches?limit=2&before=${list.items[1].id}`,
        headers: analyst,
      })
    ).json();
    expect(next.items[0].id).toBeLessThan(list.items[1].id);
    expect(
      (await idle.inject({ method: 'GET', url: '/api/v1/batches/999999', headers: analyst })).statusCode,
    ).toBe(404);
  });

  it('runs a batch through the queue worker to the end', async () => {
    const id = await upload(app, 2500, 7);
    expect(await waitForBatch(app, workerAnalyst, id)).toMatchObject({ state: 'done', rowsDone: 2500 });
    expect((await stored(id, workerStore.db)).rows).toBe(2500);
  });
});
