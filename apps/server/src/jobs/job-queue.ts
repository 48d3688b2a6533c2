/**
 * Background jobs behind one small interface with two implementations: the embedded runner (jobs
 * persisted in the store, claimed with SKIP LOCKED) and BullMQ on Redis (REDIS_URL). A job runs at
 * least once: after a crash it runs again, so handlers checkpoint their progress and write results
 * idempotently (keyed by job and item).
 */

/**
 * Job names and their payloads. Modules add theirs by declaration merging:
 *   declare module '../../jobs/job-queue.js' { interface JobPayloads { 'batch.process': { batchId: string } } }
 * Payloads travel as JSON: plain objects, strings, numbers, booleans, arrays, null.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by the modules that own jobs.
export interface JobPayloads {}

export type JobName = keyof JobPayloads & string;

export interface JobContext {
  readonly jobId: string;
  /** 1 on the first run; higher after a crash or a retry. */
  readonly attempt: number;
  /**
   * Aborted when the job is cancelled, the worker shuts down or the worker lost the job's lease:
   * stop at the next checkpoint (`signal.throwIfAborted()`). The reason is a `JobAbortError`.
   * Once the signal is aborted the handler's outcome is ignored: a cancelled job stays cancelled,
   * a job interrupted by shutdown goes back to the queue (without using up an attempt).
   */
  readonly signal: AbortSignal;
}

export type JobHandler<N extends JobName> = (payload: JobPayloads[N], ctx: JobContext) => Promise<void>;

/** The typed map a worker runs: job name → handler. */
export type JobHandlers = { [N in JobName]?: JobHandler<N> };

export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface JobInfo {
  id: string;
  name: string;
  state: JobState;
  /** Runs started so far (a crash or a retry starts another). */
  attempts: number;
  /** The last handler error's message (also while a retry waits), else null. */
  error: string | null;
}

export interface EnqueueOptions {
  /** Makes enqueueing idempotent: a job id is queued once, later enqueues return it unchanged. */
  jobId?: string;
  /** Runs before the job fails for good (default 5); errors in between retry with backoff. */
  maxAttempts?: number;
}

export interface JobQueue {
  /** Which implementation this is, for logs and /readyz. */
  readonly kind: 'embedded' | 'bullmq';
  /** Queues a job and returns its id (`jobId`, or a fresh UUID). */
  enqueue<N extends JobName>(name: N, payload: JobPayloads[N], options?: EnqueueOptions): Promise<string>;
  get(jobId: string): Promise<JobInfo | undefined>;
  /**
   * Cancels a queued job, or a running one: its signal aborts (at once in this process, at the
   * next heartbeat elsewhere). False when the job is unknown or already finished.
   */
  cancel(jobId: string): Promise<boolean>;
  /** Queues a failed or cancelled job again with its attempts reset; false for any other state. */
  retry(jobId: string): Promise<boolean>;
  /**
   * Starts working in the background (resolves once started): claims jobs whose names have a
   * handler and runs them, `concurrency` (default 1) at a time. Once per queue.
   */
  work(handlers: JobHandlers, options?: { concurrency?: number }): Promise<void>;
  /** Stops claiming, aborts running handlers' signals, waits for them, releases connections. */
  close(): Promise<void>;
}

/** Why a job's signal was aborted; handlers may tell a cancellation from a shutdown. */
export class JobAbortError extends Error {
  override readonly name = 'JobAbortError';
  constructor(
    readonly reason: 'cancelled' | 'shutdown' | 'lease-lost',
    jobId: string,
  ) {
    super(
      reason === 'cancelled'
        ? `job ${jobId} was cancelled`
        : reason === 'shutdown'
          ? `job ${jobId} was interrupted: the worker is shutting down`
          : `job ${jobId} was interrupted: the worker lost its lease`,
    );
  }
}

/** Exponential backoff before retry `attempt + 1`, capped at a minute. */
export function retryDelayMs(baseMs: number, attempt: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempt - 1), 60_000);
}

/** A message for the job's `error` column, whatever was thrown. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message || err.name : String(err);
}
