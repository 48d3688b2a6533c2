import type { GbdtKernelOp } from '@vigil/ml';

/** Cells of the shared control block between the training executor and its workers. */
export const Cell = {
  /** Bumped once per command; workers sleep on it. */
  Seq: 0,
  Command: 1,
  Handle: 2,
  Op: 3,
  /** Workers that finished the current command; the main thread sleeps on it. */
  Done: 4,
  /** Set by a worker whose command threw (the error text follows on its port). */
  Failed: 5,
  /** Workers asleep on Seq: the main thread only calls notify (which takes a lock) when > 0. */
  Sleepers: 6,
  /** 1 while the main thread sleeps on Done, so workers only notify when someone listens. */
  MainAsleep: 7,
} as const;

/** Size of the control block in Int32 cells. */
export const CONTROL_CELLS = 8;

/** What a worker is asked to do. */
export const Command = {
  Run: 1,
  Attach: 2,
  Detach: 3,
  Exit: 4,
} as const;

/** A Command value. */
export type CommandCode = (typeof Command)[keyof typeof Command];

/** Kernel ops by their index in the Op cell. */
export const OPS: readonly GbdtKernelOp[] = [
  'bin',
  'gradients',
  'histograms',
  'splits',
  'partition',
  'merge',
];

/** Busy-wait iterations before sleeping: ops follow each other within microseconds. */
export const SPIN_LIMIT = 200_000;
