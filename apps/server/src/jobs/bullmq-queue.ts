import { randomUUID } from 'node:crypto';
import type { Job, Queue, Worker } from 'bullmq';
import {
  type EnqueueOptions,
  errorMessage,
  JobAbortError,
  type JobContext,
  type JobHandlers,
  type JobInfo,
  type JobName,
  type JobPayloads,
  type JobQueue,
  type JobState,
} from './job-queue.js';

export interface BullMqQueueOptions {
  redisUrl: string;
  /** BullMQ queue name (default `vigil-jobs`); every worker of one deployment shares it. */
  queueName?: string;
  /** Redis key prefix (default `vigil`). */
  prefix?: string;
  /** A job's lock; a worker that stops renewing it (crash) loses the job after this (default 15 s). */
  lockDurationMs?: number;
  /** How often workers look for jobs whose lock expired and requeue them (default 15 s). */
  stalledIntervalMs?: number;
  /** Crashes a job survives before it fails (default 5). */
  maxStalledCount?: number;
  /** How often a running job checks whether it was cancelled (default 5 s). */
  heartbeatMs?: number;
  /** First retry delay; doubles per attempt (default 1 s). */
  backoffMs?: number;
  /** Default for `enqueue`'s maxAttempts (5). */
  maxAttempts?: number;
  /** Worker and connection errors; the worker keeps going. */
  onError?: (err: unknown) => void;
}

type AnyHandler = (payload: unknown, ctx: JobContext) => Promise<void>;

/** What a cancellation leaves in Redis: enough to answer `get` and to `retry` a removed job. */
interface CancelMark {
  name: string;
  payload: unknown;
  attempts: number;
}

const CANCELLED = 'cancelled';
const KEEP_SECONDS = 30 * 24 * 3600;

/**
 * BullMQ adapter; bullmq loads only when this is called. Job ids are mapped to BullMQ's (which may
 * not contain `:` or be integers) by `j.` + URI encoding, so callers use any id.
 */
export async function createBullMqQueue(options: BullMqQueueOptions): Promise<JobQueue> {
  await probeRedis(options.redisUrl);
  const bullmq = await import('bullmq');
  return new BullMqJobQueue(bullmq, options);
}

/** Fails now with Redis's reason, rather than retrying the connection forever in the background. */
async function probeRedis(redisUrl: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  let reason: unknown;
  redis.on('error', (err) => {
    reason ??= err;
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new Error(`cannot connect to REDIS_URL: ${errorMessage(reason ?? err)}`);
  } finally {
    redis.disconnect();
  }
}

class BullMqJobQueue implements JobQueue {
  readonly kind = 'bullmq' as const;
  private readonly queue: Queue;
  private worker: Worker | undefined;
  private readonly running = new Map<string, AbortController>();
  private readonly connection: { url: string };
  private readonly onError: (err: unknown) => void;
  private closed = false;

  constructor(
    private readonly bullmq: typeof import('bullmq'),
    private readonly options: BullMqQueueOptions,
  ) {
    this.connection = { url: options.redisUrl };
    this.onError = options.onError ?? ((err) => console.error(`vigil jobs (bullmq): ${errorMessage(err)}`));
    this.queue = new bullmq.Queue(this.queueName, { connection: this.connection, prefix: this.prefix });
    this.queue.on('error', this.onError);
  }

  private get queueName(): string {
    return this.options.queueName ?? 'vigil-jobs';
  }
  private get prefix(): string {
    return this.options.prefix ?? 'vigil';
  }

  async enqueue<N extends JobName>(
    name: N,
    payload: JobPayloads[N],
    options: EnqueueOptions = {},
  ): Promise<string> {
    const attempts = options.maxAttempts ?? this.options.maxAttempts ?? 5;
    if (!Number.isInteger(attempts) || attempts < 1) throw new Error('maxAttempts must be an integer ≥ 1');
    const id = options.jobId ?? randomUUID();
    // A job cancelled while waiting was removed from BullMQ; its mark keeps the id taken.
    if (await this.cancelMark(id)) return id;
    await this.queue.add(name, payload ?? null, {
      jobId: toBullId(id),
      attempts,
      backoff: { type: 'exponential', delay: this.options.backoffMs ?? 1_000 },
      removeOnComplete: { age: KEEP_SECONDS },
      removeOnFail: { age: KEEP_SECONDS },
    });
    return id;
  }

  async get(jobId: string): Promise<JobInfo | undefined> {
    const [job, mark] = await Promise.all([this.queue.getJob(toBullId(jobId)), this.cancelMark(jobId)]);
    if (!job)
      return mark && { id: jobId, name: mark.name, state: 'cancelled', attempts: mark.attempts, error: null };
    const state = mapState(await job.getState());
    if (!state) return undefined;
    return {
      id: jobId,
      name: job.name,
      state: mark && state !== 'done' ? 'cancelled' : state,
      attempts: job.attemptsStarted,
      error: mark || !job.failedReason ? null : job.failedReason,
    };
  }

  async cancel(jobId: string): Promise<boolean> {
    const job = await this.queue.getJob(toBullId(jobId));
    if (!job || (await this.cancelMark(jobId))) return false;
    const state = mapState(await job.getState());
    if (state !== 'queued' && state !== 'running') return false;
    const mark: CancelMark = { name: job.name, payload: job.data, attempts: job.attemptsStarted };
    const client = await this.queue.client;
    await client.set(this.markKey(jobId), JSON.stringify(mark), { EX: KEEP_SECONDS });
    if (state === 'queued') {
      // Fails when a worker took the job meanwhile: then its processor sees the mark.
      await job.remove().catch(() => {});
    }
    this.running.get(jobId)?.abort(new JobAbortError('cancelled', jobId));
    return true;
  }

  async retry(jobId: string): Promise<boolean> {
    const mark = await this.cancelMark(jobId);
    const job = await this.queue.getJob(toBullId(jobId));
    if (mark) {
      const client = await this.queue.client;
      await client.del(this.markKey(jobId));
      // Cancelled while waiting: removed, so queue it anew. While running: it just goes on.
      if (!job) await this.enqueue(mark.name as JobName, mark.payload as never, { jobId });
    }
    if (job && (await job.getState()) === 'failed') {
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      return true;
    }
    return mark !== undefined;
  }

  async work(handlers: JobHandlers, options: { concurrency?: number } = {}): Promise<void> {
    const concurrency = options.concurrency ?? 1;
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new Error('concurrency must be an integer ≥ 1');
    if (this.closed) throw new Error('the job queue is closed');
    if (this.worker) throw new Error('this job queue is already working');
    const table = handlers as unknown as Record<string, AnyHandler | undefined>;
    this.worker = new this.bullmq.Worker(this.queueName, (job, token) => this.process(table, job, token), {
      connection: this.connection,
      prefix: this.prefix,
      concurrency,
      lockDuration: this.options.lockDurationMs ?? 15_000,
      stalledInterval: this.options.stalledIntervalMs ?? 15_000,
      maxStalledCount: this.options.maxStalledCount ?? 5,
    });
    this.worker.on('error', this.onError);
    await this.worker.waitUntilReady();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const [id, controller] of this.running) controller.abort(new JobAbortError('shutdown', id));
    await this.worker?.close();
    await this.queue.close();
  }

  private async process(
    handlers: Record<string, AnyHandler | undefined>,
    job: Job,
    token: string | undefined,
  ): Promise<void> {
    const { UnrecoverableError, WaitingError } = this.bullmq;
    const jobId = fromBullId(job.id!);
    const handler = handlers[job.name];
    if (!handler) throw new UnrecoverableError(`this worker has no handler for job "${job.name}"`);
    if (await this.cancelMark(jobId)) throw new UnrecoverableError(CANCELLED);
    const controller = new AbortController();
    this.running.set(jobId, controller);
    if (this.closed) controller.abort(new JobAbortError('shutdown', jobId));
    const stopHeartbeat = this.heartbeat(jobId, controller);
    let failure: { err: unknown } | undefined;
    try {
      await handler(job.data, { jobId, attempt: job.attemptsStarted, signal: controller.signal });
    } catch (err) {
      failure = { err };
    } finally {
      stopHeartbeat();
      this.running.delete(jobId);
    }
    const reason: unknown = controller.signal.aborted ? controller.signal.reason : undefined;
    if (reason instanceof JobAbortError && reason.reason === 'shutdown') {
      // Back to waiting for the next worker, without using up an attempt.
      await job.moveToWait(token);
      throw new WaitingError();
    }
    if (reason || (await this.cancelMark(jobId))) throw new UnrecoverableError(CANCELLED);
    if (failure) throw failure.err instanceof Error ? failure.err : new Error(String(failure.err));
  }

  /** Polls the job's cancel mark while its handler runs (BullMQ renews the lock on its own). */
  private heartbeat(jobId: string, controller: AbortController): () => void {
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    const beat = async () => {
      try {
        if ((await this.cancelMark(jobId)) && !stopped) {
          controller.abort(new JobAbortError('cancelled', jobId));
        }
      } catch (err) {
        this.onError(err);
      }
      if (!stopped && !controller.signal.aborted) timer = setTimeout(beat, this.options.heartbeatMs ?? 5_000);
    };
    timer = setTimeout(beat, this.options.heartbeatMs ?? 5_000);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }

  private markKey(jobId: string): string {
    return `${this.prefix}:${this.queueName}:vigil-cancelled:${toBullId(jobId)}`;
  }

  private async cancelMark(jobId: string): Promise<CancelMark | undefined> {
    const client = await this.queue.client;
    const raw = await client.get(this.markKey(jobId));
    return raw ? (JSON.parse(raw) as CancelMark) : undefined;
  }
}

function toBullId(id: string): string {
  return `j.${encodeURIComponent(id)}`;
}

function fromBullId(bullId: string): string {
  return bullId.startsWith('j.') ? decodeURIComponent(bullId.slice(2)) : bullId;
}

function mapState(state: string): JobState | undefined {
  switch (state) {
    case 'active':
      return 'running';
    case 'completed':
      return 'done';
    case 'failed':
      return 'failed';
    case 'unknown':
      return undefined;
    default: // waiting, wait, delayed, prioritized, waiting-children
      return 'queued';
  }
}
