import { type GbdtKernelOp, type GbdtSharedState, runGbdtKernel } from './kernel.js';

/**
 * Runs the GBDT kernels, possibly on several threads. The trainer attaches the buffers of a run
 * once, then asks for one op per tree level; an implementation calls
 * `runGbdtKernel(state, op, part, threads)` once for every part 0..threads-1, in whatever threads
 * it owns, and resolves when all parts are done. Results are identical for any thread count.
 * Attached states must be backed by SharedArrayBuffers when `threads > 1` (the trainer does so).
 */
export interface TrainingExecutor {
  /** Number of parts every op is split into. */
  readonly threads: number;
  /** Makes a run's buffers available to every thread; returns the handle for run/detach. */
  attach(state: GbdtSharedState): Promise<number>;
  /** Runs all parts of `op` on the attached state; the task table is read, not copied. */
  run(handle: number, op: GbdtKernelOp): Promise<void>;
  /** Forgets an attached state (its buffers can then be collected). */
  detach(handle: number): Promise<void>;
  /** Stops the executor's threads; it cannot be used afterwards. */
  close(): Promise<void>;
}

/** The default executor: every op runs in the calling thread, as one part. */
export function createSerialExecutor(): TrainingExecutor {
  const states = new Map<number, GbdtSharedState>();
  let next = 1;
  return {
    threads: 1,
    async attach(state) {
      const handle = next++;
      states.set(handle, state);
      return handle;
    },
    async run(handle, op) {
      const state = states.get(handle);
      if (!state) throw new Error(`training executor: unknown handle ${handle}`);
      runGbdtKernel(state, op, 0, 1);
    },
    async detach(handle) {
      states.delete(handle);
    },
    async close() {
      states.clear();
    },
  };
}
