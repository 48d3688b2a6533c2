import { randomInt } from 'node:crypto';
import { type AttackScenario, createTrafficSimulator } from '@vigil/detect';
import { type FlowSource, type SourceBatch, type StreamMessage, sleep } from './flow-source.js';

/**
 * Paces a source at `rate` flows per second (undefined: as fast as the consumer takes them). A
 * consumer that falls behind gets full batches until it has caught up, not a burst of tiny ones.
 */
export class Pacer {
  private readonly t0 = performance.now();
  private sent = 0;

  constructor(
    private readonly rate: number | undefined,
    private readonly signal: AbortSignal,
  ) {}

  /** How many flows may go now, at most `max`; waits until at least one may. */
  async allowance(max: number): Promise<number> {
    if (this.rate === undefined) return max;
    for (;;) {
      const elapsedMs = performance.now() - this.t0;
      const due = Math.floor((elapsedMs / 1000) * this.rate) - this.sent;
      if (due >= 1 || this.signal.aborted) return Math.max(0, Math.min(due, max));
      await sleep(Math.max(1, ((this.sent + 1) / this.rate) * 1000 - elapsedMs), this.signal);
    }
  }

  took(n: number): void {
    this.sent += n;
  }
}

const committed = async () => {};

export interface SimulatorSourceOptions {
  /** Flows per second; undefined = as fast as they are scored. */
  rate?: number;
  /** Default: a random seed, so each run's flows (and keys) are new. */
  seed?: number;
  batchSize: number;
  /** Stop after this many flows (default: never). */
  limit?: number;
  attackShare?: number;
  scenarios?: readonly AttackScenario[];
}

/**
 * The traffic simulator as a source: canonical flow records at `rate`, timestamped in real time,
 * keyed by their flow id (`simulator:sim-<seed>-<n>`).
 */
export function createSimulatorSource(
  options: SimulatorSourceOptions,
): FlowSource & { readonly seed: number } {
  const seed = options.seed ?? randomInt(0, 2 ** 32 - 1);
  const abort = new AbortController();
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  return {
    name: 'simulator',
    deadLetters: 'table',
    seed,
    async *batches(): AsyncGenerator<SourceBatch> {
      const sim = createTrafficSimulator({
        seed,
        flowsPerSecond: options.rate ?? 1000,
        startTime: Date.now(),
        attackShare: options.attackShare,
        scenarios: options.scenarios,
      });
      const pacer = new Pacer(options.rate, abort.signal);
      let emitted = 0;
      while (!abort.signal.aborted && emitted < limit) {
        const n = await pacer.allowance(Math.min(options.batchSize, limit - emitted));
        if (n === 0) continue;
        const producedAt = Date.now();
        const messages: StreamMessage[] = new Array(n);
        for (let i = 0; i < n; i++) {
          const { record } = sim.next();
          messages[i] = { key: `simulator:${record.flow_id}`, value: record, producedAt };
        }
        pacer.took(n);
        emitted += n;
        yield { messages, commit: committed };
      }
    },
    async stop() {
      abort.abort();
    },
  };
}
