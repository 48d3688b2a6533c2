// Worker thread of createWorkerTrainingExecutor: runs its part of every GBDT kernel op on the
// shared buffers. It talks to the main thread through a shared Int32Array (no message per op):
// it sleeps on the sequence cell, runs the command, counts itself done and wakes the main thread.
// Attaching a state is the only command with a payload; it arrives on `port` and is read
// synchronously, so the loop never needs the event loop.
import { type MessagePort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { type GbdtSharedState, runGbdtKernel } from '@vigil/ml';
import { Cell, Command, OPS, SPIN_LIMIT } from './training-protocol.js';

const { control, port, part, parts } = workerData as {
  control: SharedArrayBuffer;
  port: MessagePort;
  part: number;
  parts: number;
};
const ctrl = new Int32Array(control);
const states = new Map<number, GbdtSharedState>();

function waitForCommand(seen: number): number {
  let spins = 0;
  for (;;) {
    const seq = Atomics.load(ctrl, Cell.Seq);
    if (seq !== seen) return seq;
    // Spin first: the next op usually follows within microseconds, and waking a sleeping
    // thread costs tens of them.
    if (++spins > SPIN_LIMIT) {
      // Announce the nap before re-checking, so the main thread either sees a sleeper (and
      // notifies) or has already moved Seq (and wait returns at once).
      Atomics.add(ctrl, Cell.Sleepers, 1);
      Atomics.wait(ctrl, Cell.Seq, seen, 1000);
      Atomics.sub(ctrl, Cell.Sleepers, 1);
    }
  }
}

function attach(): void {
  // postMessage happened before the command was published, but delivery is not instantaneous.
  for (let tries = 0; ; tries++) {
    const received = receiveMessageOnPort(port);
    if (received) {
      const { handle, state } = received.message as { handle: number; state: GbdtSharedState };
      states.set(handle, state);
      return;
    }
    if (tries > 1_000_000) throw new Error('training worker: attach message never arrived');
  }
}

let seen = 0;
for (;;) {
  seen = waitForCommand(seen);
  const command = Atomics.load(ctrl, Cell.Command);
  if (command === Command.Exit) break;
  try {
    if (command === Command.Run) {
      const state = states.get(Atomics.load(ctrl, Cell.Handle));
      if (!state) throw new Error(`training worker: unknown handle ${Atomics.load(ctrl, Cell.Handle)}`);
      runGbdtKernel(state, OPS[Atomics.load(ctrl, Cell.Op)], part, parts);
    } else if (command === Command.Attach) {
      attach();
    } else if (command === Command.Detach) {
      states.delete(Atomics.load(ctrl, Cell.Handle));
    }
  } catch (err) {
    Atomics.store(ctrl, Cell.Failed, 1);
    port.postMessage({ error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
  Atomics.add(ctrl, Cell.Done, 1);
  if (Atomics.load(ctrl, Cell.MainAsleep) === 1) Atomics.notify(ctrl, Cell.Done);
}
port.close();
