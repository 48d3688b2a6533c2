import { afterEach, beforeEach, expect, it } from 'vitest';
import { JobAbortError, type JobContext, type JobQueue } from '../src/jobs/job-queue.js';
import {
  describeEachQueue,
  openQueueBackend,
  type QueueBackend,
  waitFor,
  waitForState,
} from './support/job-queues.js';

declare module '../src/jobs/job-queue.js' {
  interface JobPayloads {
    'test.echo': { value: number };
    'test.flaky': { failTimes: number };
    'test.block': { key: string };
  }
}

/** A promise and the function that resolves it. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Resolves once the job's signal aborts. */
function aborted(ctx: JobContext): Promise<void> {
  return new Promise((resolve) => {
    if (ctx.signal.aborted) resolve();
    ctx.signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

describeEachQueue('job queue contract', (target) => {
  let backend: QueueBackend;
  beforeEach(async () => {
    backend = await openQueueBackend(target);
  });
  afterEach(async () => {
    await backend.dispose();
  });

  it('runs an enqueued job once and reports it done', async () => {
    const q = await backend.queue();
    const seen: { value: number; attempt: number; jobId: string }[] = [];
    await q.work({
      'test.echo': async ({ value }, ctx) => {
        seen.push({ value, attempt: ctx.attempt, jobId: ctx.jobId });
      },
    });
    const id = await q.enqueue('test.echo', { value: 42 });
    await waitForState(q, id, 'done');
    expect(seen).toEqual([{ value: 42, attempt: 1, jobId: id }]);
    expect(await q.get(id)).toEqual({ id, name: 'test.echo', state: 'done', attempts: 1, error: null });
    expect(await q.get('no-such-job')).toBeUndefined();
  });

  it('runs jobs enqueued by another instance (another process)', async () => {
    const producer = await backend.queue();
    const worker = await backend.queue();
    const seen: number[] = [];
    await worker.work({
      'test.echo': async ({ value }) => {
        seen.push(value);
      },
    });
    const id = await producer.enqueue('test.echo', { value: 7 });
    await waitForState(producer, id, 'done');
    expect(seen).toEqual([7]);
  });

  it('queues a job id once, however often it is enqueued', async () => {
    const q = await backend.queue();
    // Ids with ':' and all digits are fine for callers (BullMQ refuses both as its own ids).
    for (const jobId of ['batch:1', '123']) {
      expect(await q.enqueue('test.echo', { value: 1 }, { jobId })).toBe(jobId);
      expect(await q.enqueue('test.echo', { value: 2 }, { jobId })).toBe(jobId);
    }
    const seen: number[] = [];
    await q.work({
      'test.echo': async ({ value }) => {
        seen.push(value);
      },
    });
    await waitForState(q, 'batch:1', 'done');
    await waitForState(q, '123', 'done');
    expect(await q.enqueue('test.echo', { value: 3 }, { jobId: 'batch:1' })).toBe('batch:1');
    // A later job runs after any duplicate would have: only the first payloads ever ran.
    await waitForState(q, await q.enqueue('test.echo', { value: 4 }), 'done');
    expect(seen).toEqual([1, 1, 4]);
    expect(await q.get('batch:1')).toMatchObject({ state: 'done', attempts: 1 });
  });

  it('retries a failing job with backoff, then fails it with the last error; retry() requeues it', async () => {
    const q = await backend.queue();
    const attempts: Record<string, number[]> = {};
    let broken = true;
    await q.work({
      'test.flaky': async ({ failTimes }, ctx) => {
        attempts[ctx.jobId] = [...(attempts[ctx.jobId] ?? []), ctx.attempt];
        if (broken && ctx.attempt <= failTimes) throw new Error(`boom ${ctx.attempt}`);
      },
    });
    const failing = await q.enqueue('test.flaky', { failTimes: 99 }, { maxAttempts: 3 });
    const recovering = await q.enqueue('test.flaky', { failTimes: 1 }, { maxAttempts: 3 });
    expect(await waitForState(q, failing, 'failed')).toEqual({
      id: failing,
      name: 'test.flaky',
      state: 'failed',
      attempts: 3,
      error: 'boom 3',
    });
    expect(await waitForState(q, recovering, 'done')).toMatchObject({ attempts: 2 });
    expect(attempts[failing]).toEqual([1, 2, 3]);
    expect(attempts[recovering]).toEqual([1, 2]);

    expect(await q.retry(recovering)).toBe(false);
    broken = false;
    expect(await q.retry(failing)).toBe(true);
    expect(await waitForState(q, failing, 'done')).toMatchObject({ attempts: 1, error: null });
  });

  it('cancels a queued job: it never runs, enqueueing its id again keeps it cancelled, retry() runs it', async () => {
    const q = await backend.queue();
    const id = await q.enqueue('test.echo', { value: 1 });
    expect(await q.cancel(id)).toBe(true);
    expect(await q.get(id)).toMatchObject({ id, name: 'test.echo', state: 'cancelled' });
    expect(await q.cancel(id)).toBe(false);
    expect(await q.cancel('no-such-job')).toBe(false);
    await q.enqueue('test.echo', { value: 1 }, { jobId: id });

    const seen: number[] = [];
    await q.work({
      'test.echo': async ({ value }) => {
        seen.push(value);
      },
    });
    await waitForState(q, await q.enqueue('test.echo', { value: 2 }), 'done');
    expect(seen).toEqual([2]);
    expect((await q.get(id))?.state).toBe('cancelled');

    expect(await q.retry(id)).toBe(true);
    await waitForState(q, id, 'done');
    expect(seen).toEqual([2, 1]);
  });

  for (const from of ['the same instance', 'another instance'] as const) {
    it(`cancels a running job from ${from}: its signal aborts and it is not retried`, async () => {
      const worker = await backend.queue();
      const canceller = from === 'the same instance' ? worker : await backend.queue();
      const started = deferred();
      const reasons: unknown[] = [];
      let runs = 0;
      await worker.work({
        'test.block': async ({ key }, ctx) => {
          if (key !== 'blocker') return;
          runs++;
          started.resolve();
          await aborted(ctx);
          reasons.push(ctx.signal.reason);
          ctx.signal.throwIfAborted();
        },
      });
      const id = await canceller.enqueue('test.block', { key: 'blocker' });
      await started.promise;
      expect((await canceller.get(id))?.state).toBe('running');
      expect(await canceller.cancel(id)).toBe(true);
      expect((await canceller.get(id))?.state).toBe('cancelled');
      await waitFor('the handler to see the abort', () => reasons.length === 1);
      expect(reasons[0]).toBeInstanceOf(JobAbortError);
      expect((reasons[0] as JobAbortError).reason).toBe('cancelled');

      await waitForState(worker, await worker.enqueue('test.block', { key: 'after' }), 'done');
      expect(runs).toBe(1);
      expect(await worker.get(id)).toMatchObject({ state: 'cancelled', error: null });
    });
  }

  it('runs at most `concurrency` jobs at once', async () => {
    const q = await backend.queue();
    const waiting: (() => void)[] = [];
    let inFlight = 0;
    let peak = 0;
    await q.work(
      {
        'test.block': async () => {
          inFlight++;
          peak = Math.max(peak, inFlight);
          await new Promise<void>((resolve) => waiting.push(resolve));
          inFlight--;
        },
      },
      { concurrency: 3 },
    );
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push(await q.enqueue('test.block', { key: String(i) }));
    await waitFor('three handlers to start', () => waiting.length === 3);
    const states = await Promise.all(ids.map(async (id) => (await q.get(id))?.state));
    expect(states.filter((s) => s === 'running')).toHaveLength(3);
    expect(states.filter((s) => s === 'queued')).toHaveLength(4);

    const allDone = async () =>
      (await Promise.all(ids.map((id) => q.get(id)))).every((j) => j?.state === 'done');
    await waitFor('every job to finish', async () => {
      for (const release of waiting.splice(0)) release();
      return allDone();
    });
    expect(peak).toBe(3);
  });

  it('on close() interrupts running handlers and requeues their jobs for the next worker', async () => {
    const first = await backend.queue();
    const started = deferred();
    const runs: string[] = [];
    const handlers = (who: string) => ({
      'test.block': async (_: { key: string }, ctx: JobContext) => {
        runs.push(who);
        if (who === 'first') {
          started.resolve();
          await aborted(ctx);
          ctx.signal.throwIfAborted();
        }
      },
    });
    await first.work(handlers('first'));
    const id = await first.enqueue('test.block', { key: 'k' });
    await started.promise;
    await first.close();
    const second: JobQueue = await backend.queue();
    expect((await second.get(id))?.state).toBe('queued');
    await second.work(handlers('second'));
    expect(await waitForState(second, id, 'done')).toMatchObject({ error: null });
    expect(runs).toEqual(['first', 'second']);
  });

  it.runIf(target !== 'bullmq')(
    'takes over a job whose worker died, and fails it once its runs are used up',
    async () => {
      const db = backend.db!;
      // Two jobs left `running` by a worker that died: its lease ran out.
      const stale = {
        name: 'test.echo',
        state: 'running' as const,
        lease_owner: 'dead-worker',
        max_attempts: 3,
      };
      await db
        .insertInto('jobs')
        .values([
          {
            ...stale,
            id: 'orphan',
            payload: JSON.stringify({ value: 1 }),
            attempt: 1,
            lease_until: new Date(0),
          },
          {
            ...stale,
            id: 'hopeless',
            payload: JSON.stringify({ value: 2 }),
            attempt: 3,
            lease_until: new Date(0),
          },
        ])
        .execute();
      const q = await backend.queue();
      const seen: { value: number; attempt: number }[] = [];
      await q.work({
        'test.echo': async ({ value }, ctx) => {
          seen.push({ value, attempt: ctx.attempt });
        },
      });
      expect(await waitForState(q, 'orphan', 'done')).toMatchObject({ attempts: 2, error: null });
      expect(await waitForState(q, 'hopeless', 'failed')).toMatchObject({
        attempts: 4,
        error: 'gave up after 3 attempts: the worker running it stopped without finishing',
      });
      expect(seen).toEqual([{ value: 1, attempt: 2 }]);
    },
  );
});
