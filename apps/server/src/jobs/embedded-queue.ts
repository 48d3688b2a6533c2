import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Db } from '../db/database.js';
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
  retryDelayMs,
} from './job-queue.js';
import { type ClaimedJob, JobsRepo } from './jobs.repo.js';

export interface EmbeddedQueueOptions {
  /** How long a claimed job stays with its worker without a heartbeat (default 15 s). */
  leaseMs?: number;
  /** How often a running job's lease is extended and its cancellation checked (default 5 s). */
  heartbeatMs?: number;
  /** How often an idle worker looks for jobs queued by other processes (default 250 ms). */
  pollMs?: number;
  /** First retry delay; doubles per attempt up to a minute (default 1 s). */
  backoffMs?: number;
  /** Default for `enqueue`'s maxAttempts (5). */
  maxAttempts?: number;
  /** Store errors met while polling or heartbeating; the worker keeps going. */
  onError?: (err: unknown) => void;
}

type AnyHandler = (payload: unknown, ctx: JobContext) => Promise<void>;

/**
 * Jobs persisted in the store's `jobs` table (jobs.repo.ts). A worker claims the oldest runnable
 * job with one `UPDATE … (SELECT … FOR UPDATE SKIP LOCKED)` statement and holds it by a lease that
 * a heartbeat extends; a job whose lease ran out (its worker died) is claimed again. Suits PGlite's
 * single connection (in the server process) and many processes sharing a PostgreSQL server.
 */
export class EmbeddedJobQueue implements JobQueue {
  readonly kind = 'embedded' as const;
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly repo: JobsRepo;
  private readonly heartbeatMs: number;
  private readonly pollMs: number;
  private readonly backoffMs: number;
  private readonly maxAttempts: number;
  private readonly onError: (err: unknown) => void;
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private loop: Promise<void> | undefined;
  private closed = false;
  private wakeUp: (() => void) | undefined;
  private wokenEarly = false;

  constructor(db: Db, options: EmbeddedQueueOptions = {}) {
    const leaseMs = options.leaseMs ?? 15_000;
    this.repo = new JobsRepo(db, leaseMs / 1000);
    this.heartbeatMs = options.heartbeatMs ?? 5_000;
    this.pollMs = options.pollMs ?? 250;
    this.backoffMs = options.backoffMs ?? 1_000;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.onError = options.onError ?? ((err) => console.error(`vigil jobs: ${errorMessage(err)}`));
    if (this.heartbeatMs >= leaseMs) throw new Error('heartbeatMs must be shorter than leaseMs');
  }

  async enqueue<N extends JobName>(
    name: N,
    payload: JobPayloads[N],
    options: EnqueueOptions = {},
  ): Promise<string> {
    const maxAttempts = options.maxAttempts ?? this.maxAttempts;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
      throw new Error('maxAttempts must be an integer ≥ 1');
    }
    const id = options.jobId ?? randomUUID();
    await this.repo.insert(id, name, payload, maxAttempts);
    this.wake();
    return id;
  }

  get(jobId: string): Promise<JobInfo | undefined> {
    return this.repo.get(jobId);
  }

  async cancel(jobId: string): Promise<boolean> {
    if (!(await this.repo.cancel(jobId))) return false;
    // Running here: abort now; running in another process: its next heartbeat finds the row cancelled.
    this.running.get(jobId)?.controller.abort(new JobAbortError('cancelled', jobId));
    return true;
  }

  async retry(jobId: string): Promise<boolean> {
    const requeued = await this.repo.retry(jobId);
    this.wake();
    return requeued;
  }

  async work(handlers: JobHandlers, options: { concurrency?: number } = {}): Promise<void> {
    const concurrency = options.concurrency ?? 1;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new Error('concurrency must be an integer ≥ 1');
    }
    if (this.closed) throw new Error('the job queue is closed');
    if (this.loop) throw new Error('this job queue is already working');
    const table = handlers as unknown as Record<string, AnyHandler | undefined>;
    const names = Object.keys(table).filter((name) => table[name]);
    this.loop = names.length > 0 ? this.runLoop(table, names, concurrency) : Promise.resolve();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wake();
    await this.loop;
    for (const [id, job] of this.running) job.controller.abort(new JobAbortError('shutdown', id));
    await Promise.all([...this.running.values()].map((job) => job.done));
  }

  private async runLoop(
    handlers: Record<string, AnyHandler | undefined>,
    names: string[],
    concurrency: number,
  ): Promise<void> {
    while (!this.closed) {
      let claimed: ClaimedJob | undefined;
      if (this.running.size < concurrency) {
        try {
          // A job of ours whose lease ran out (its handler blocked the event loop) stays ours:
          // with the same owner the two runs could not be told apart.
          claimed = await this.repo.claim(this.owner, names, [...this.running.keys()]);
        } catch (err) {
          this.onError(err);
        }
      }
      if (claimed && this.closed) await this.repo.release(claimed.id, this.owner).catch(this.onError);
      else if (claimed) this.start(claimed, handlers[claimed.name]!);
      else await this.sleep();
    }
  }

  private start(job: ClaimedJob, handler: AnyHandler): void {
    const controller = new AbortController();
    const done = this.execute(job, handler, controller)
      .catch(this.onError)
      .finally(() => {
        this.running.delete(job.id);
        this.wake();
      });
    this.running.set(job.id, { controller, done });
  }

  private async execute(job: ClaimedJob, handler: AnyHandler, controller: AbortController): Promise<void> {
    if (job.attempt > job.max_attempts) {
      // Only a job reclaimed after its lease ran out gets here: its workers kept dying on it.
      const error = `gave up after ${job.max_attempts} attempts: the worker running it stopped without finishing`;
      await this.repo.markFailed(job.id, this.owner, error);
      return;
    }
    const stopHeartbeat = this.heartbeat(job.id, controller);
    let failure: { err: unknown } | undefined;
    try {
      await handler(job.payload, { jobId: job.id, attempt: job.attempt, signal: controller.signal });
    } catch (err) {
      failure = { err };
    } finally {
      stopHeartbeat();
    }
    if (controller.signal.aborted) {
      const reason = controller.signal.reason;
      // Cancelled: the row already says so. Lease lost: another worker owns the job now.
      if (reason instanceof JobAbortError && reason.reason === 'shutdown') {
        await this.repo.release(job.id, this.owner);
      }
    } else if (!failure) {
      await this.repo.markDone(job.id, this.owner);
    } else if (job.attempt < job.max_attempts) {
      const delaySeconds = retryDelayMs(this.backoffMs, job.attempt) / 1000;
      await this.repo.requeueAfterError(job.id, this.owner, errorMessage(failure.err), delaySeconds);
    } else {
      await this.repo.markFailed(job.id, this.owner, errorMessage(failure.err));
    }
  }

  /** Extends the lease while the handler runs; aborts it when the job was cancelled or taken over. */
  private heartbeat(jobId: string, controller: AbortController): () => void {
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    const beat = async () => {
      try {
        const held = await this.repo.extendLease(jobId, this.owner);
        if (!held && !stopped && !controller.signal.aborted) {
          const state = (await this.repo.get(jobId))?.state;
          controller.abort(new JobAbortError(state === 'cancelled' ? 'cancelled' : 'lease-lost', jobId));
        }
      } catch (err) {
        this.onError(err);
      }
      if (!stopped && !controller.signal.aborted) timer = setTimeout(beat, this.heartbeatMs);
    };
    timer = setTimeout(beat, this.heartbeatMs);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }

  private sleep(): Promise<void> {
    if (this.wokenEarly) {
      this.wokenEarly = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.wake(), this.pollMs);
      this.wakeUp = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
    });
  }

  /** Ends the worker loop's sleep now (a job was enqueued or finished here, or close()). */
  private wake(): void {
    if (this.wakeUp) this.wakeUp();
    else this.wokenEarly = true;
  }
}
