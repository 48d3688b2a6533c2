import { availableParallelism } from 'node:os';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { type GbdtKernelOp, type GbdtSharedState, runGbdtKernel, type TrainingExecutor } from '@vigil/ml';
import { Cell, CONTROL_CELLS, Command, type CommandCode, OPS, SPIN_LIMIT } from './training-protocol.js';

/** Options of createWorkerTrainingExecutor. */
export interface WorkerTrainingExecutorOptions {
  /** The compiled worker script (default: training-worker.js next to this module's compiled form). */
  workerUrl?: URL;
}

interface WorkerSlot {
  worker: Worker;
  port: MessagePort;
  /** Settles when the thread has ended, however it ended. */
  exited: Promise<void>;
}

type AtomicsWithWaitAsync = typeof Atomics & {
  waitAsync(
    a: Int32Array,
    index: number,
    value: number,
    timeout?: number,
  ): { async: boolean; value: unknown };
};

/**
 * A TrainingExecutor that uses `threads` cores: the calling thread runs part 0 of every op and
 * `threads − 1` worker threads run the others on the shared buffers. Each op costs one wake-up
 * and one completion count through a shared control block (no messages), so the per-level
 * synchronisation stays in the microseconds. Results are identical to the serial executor's.
 * Commands are queued, so several trainings may share one executor. Call close() when done.
 */
export function createWorkerTrainingExecutor(
  threads = availableParallelism(),
  options: WorkerTrainingExecutorOptions = {},
): TrainingExecutor {
  if (!Number.isInteger(threads) || threads < 1) {
    throw new RangeError(`training executor: threads must be an integer >= 1, got ${threads}`);
  }
  const control = new Int32Array(new SharedArrayBuffer(CONTROL_CELLS * 4));
  const url = options.workerUrl ?? defaultWorkerUrl();
  const workers: WorkerSlot[] = [];
  const states = new Map<number, GbdtSharedState>();
  let failure: Error | undefined;
  let closed = false;
  let nextHandle = 1;
  let queue: Promise<unknown> = Promise.resolve();

  for (let part = 1; part < threads; part++) {
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(url, {
      workerData: { control: control.buffer, port: port2, part, parts: threads },
      transferList: [port2],
    });
    worker.unref();
    const onDeath = (err?: unknown): void => {
      if (closed) return;
      failure ??= new Error(`training worker ${part} stopped`, { cause: err });
      // Wake a main thread that waits for this worker's completion count.
      Atomics.notify(control, Cell.Done);
    };
    worker.on('error', onDeath);
    const exited = new Promise<void>((resolve) => {
      worker.once('exit', (code) => {
        onDeath(new Error(`exit code ${code}`));
        resolve();
      });
    });
    workers.push({ worker, port: port1, exited });
  }

  /** Publishes a command to every worker, runs `local` meanwhile, then waits for all of them. */
  async function broadcast(
    command: CommandCode,
    handle: number,
    op: number,
    local?: () => void,
  ): Promise<void> {
    if (failure) throw failure;
    Atomics.store(control, Cell.Command, command);
    Atomics.store(control, Cell.Handle, handle);
    Atomics.store(control, Cell.Op, op);
    Atomics.store(control, Cell.Done, 0);
    Atomics.store(control, Cell.Failed, 0);
    Atomics.add(control, Cell.Seq, 1);
    if (Atomics.load(control, Cell.Sleepers) > 0) Atomics.notify(control, Cell.Seq);
    let localError: unknown;
    try {
      local?.();
    } catch (err) {
      // Still wait: the workers are running this command and will count themselves done.
      localError = err;
    }
    await waitForWorkers();
    // Read this command's worker errors now, so none is left to be mistaken for a later one's.
    const errors =
      Atomics.load(control, Cell.Failed) === 1 ? workers.flatMap((w) => drainErrors(w.port)) : [];
    if (localError !== undefined) throw localError;
    if (errors.length > 0) throw new Error(`training worker failed: ${errors.join('\n')}`);
  }

  async function waitForWorkers(): Promise<void> {
    const need = workers.length;
    let spins = 0;
    for (;;) {
      const done = Atomics.load(control, Cell.Done);
      if (done >= need) return;
      if (failure) throw failure;
      if (++spins < SPIN_LIMIT) continue;
      // Sleep without blocking the event loop, so a dying worker's exit event can wake us.
      // Announce it first; the wait itself returns at once if Done moved meanwhile.
      Atomics.store(control, Cell.MainAsleep, 1);
      const w = (Atomics as AtomicsWithWaitAsync).waitAsync(control, Cell.Done, done, 100);
      if (w.async) await w.value;
      Atomics.store(control, Cell.MainAsleep, 0);
    }
  }

  function enqueue<T>(task: () => Promise<T>): Promise<T> {
    const result = queue.then(() => {
      if (closed) throw new Error('training executor: closed');
      return task();
    });
    queue = result.catch(() => undefined);
    return result;
  }

  return {
    threads,
    attach(state) {
      return enqueue(async () => {
        if (threads > 1) assertShared(state);
        const handle = nextHandle++;
        states.set(handle, state);
        // Keep the process alive while a training uses the workers (idle workers do not).
        if (states.size === 1) for (const w of workers) w.worker.ref();
        for (const w of workers) w.port.postMessage({ handle, state });
        await broadcast(Command.Attach, handle, 0);
        return handle;
      });
    },
    run(handle: number, op: GbdtKernelOp) {
      return enqueue(async () => {
        const state = states.get(handle);
        if (!state) throw new Error(`training executor: unknown handle ${handle}`);
        const opIndex = OPS.indexOf(op);
        if (opIndex < 0) throw new Error(`training executor: unknown op ${op}`);
        await broadcast(Command.Run, handle, opIndex, () => runGbdtKernel(state, op, 0, threads));
      });
    },
    detach(handle) {
      return enqueue(async () => {
        states.delete(handle);
        await broadcast(Command.Detach, handle, 0);
        if (states.size === 0) for (const w of workers) w.worker.unref();
      });
    },
    async close() {
      await queue;
      if (closed) return;
      closed = true;
      states.clear();
      // Keep the process alive until the workers have seen the exit command.
      for (const w of workers) w.worker.ref();
      Atomics.store(control, Cell.Command, Command.Exit);
      Atomics.add(control, Cell.Seq, 1);
      Atomics.notify(control, Cell.Seq);
      await Promise.all(workers.map((w) => w.exited));
      for (const w of workers) w.port.close();
    },
  };
}

/** The compiled worker; when this module runs from TypeScript sources (tests), the built one in dist/. */
function defaultWorkerUrl(): URL {
  return import.meta.url.endsWith('.ts')
    ? new URL('../../dist/adapters/training-worker.js', import.meta.url)
    : new URL('./training-worker.js', import.meta.url);
}

/** Error texts a worker posted for the current command. */
function drainErrors(port: MessagePort): string[] {
  const out: string[] = [];
  for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
    out.push(String((m.message as { error?: string }).error));
  }
  return out;
}

/** Worker threads only see writes to shared memory; a copied buffer would silently diverge. */
function assertShared(state: GbdtSharedState): void {
  for (const [key, value] of Object.entries(state)) {
    const arrays = Array.isArray(value) ? value : [value];
    for (const a of arrays) {
      if (ArrayBuffer.isView(a) && !(a.buffer instanceof SharedArrayBuffer)) {
        throw new Error(`training executor: state.${key} is not backed by a SharedArrayBuffer`);
      }
    }
  }
}
