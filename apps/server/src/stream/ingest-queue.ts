import { type FlowSource, type SourceBatch, type StreamMessage, sleep } from './flow-source.js';

interface Chunk {
  messages: StreamMessage[];
  resolve(): void;
  reject(err: Error): void;
}

/** Why {@link IngestQueue.offer} refused a chunk. */
export type IngestRefusal = 'full' | 'closed';

/**
 * The HTTP ingest endpoint's source: a bounded in-process queue of flows. `offer` refuses a chunk
 * that does not fit (the route answers 429, so memory never grows past `capacity` flows) and returns
 * a promise that settles when the chunk's verdicts are written. Batches gather queued chunks up to
 * `batchSize` flows, waiting at most `batchWaitMs` for more once one is there.
 */
export class IngestQueue implements FlowSource {
  readonly name = 'http';
  readonly deadLetters = 'table' as const;
  private readonly chunks: Chunk[] = [];
  private queued = 0;
  private wake: (() => void) | undefined;
  private readonly abort = new AbortController();

  constructor(
    readonly capacity: number,
    private readonly batchSize: number,
    private readonly batchWaitMs: number,
  ) {}

  /** Flows waiting to be scored. */
  get depth(): number {
    return this.queued;
  }

  get closed(): boolean {
    return this.abort.signal.aborted;
  }

  /** Queues `messages` whole, or refuses them; the promise settles once they are written. */
  offer(messages: StreamMessage[]): { written: Promise<void> } | IngestRefusal {
    if (this.closed) return 'closed';
    if (this.queued + messages.length > this.capacity) return 'full';
    let resolve!: () => void;
    let reject!: (err: Error) => void;
    const written = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Callers that do not wait must not see an unhandled rejection at shutdown.
    written.catch(() => {});
    this.chunks.push({ messages, resolve, reject });
    this.queued += messages.length;
    this.wake?.();
    return { written };
  }

  async *batches(): AsyncGenerator<SourceBatch> {
    while (!this.closed) {
      if (this.chunks.length === 0) {
        await new Promise<void>((r) => (this.wake = r));
        continue;
      }
      if (this.queued < this.batchSize && this.batchWaitMs > 0)
        await sleep(this.batchWaitMs, this.abort.signal);
      const taken: Chunk[] = [];
      let n = 0;
      while (this.chunks.length > 0 && (n === 0 || n + this.chunks[0].messages.length <= this.batchSize)) {
        const chunk = this.chunks.shift()!;
        taken.push(chunk);
        n += chunk.messages.length;
      }
      const messages = taken.length === 1 ? taken[0].messages : taken.flatMap((c) => c.messages);
      yield {
        messages,
        commit: async () => {
          this.queued -= n;
          for (const c of taken) c.resolve();
        },
        abandon: (err) => {
          this.queued -= n;
          for (const c of taken) c.reject(err);
        },
      };
    }
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.wake?.();
    for (const c of this.chunks.splice(0)) c.reject(new Error('the stream service is stopping'));
    this.queued = 0;
  }
}
