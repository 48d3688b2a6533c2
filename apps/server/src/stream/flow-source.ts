/**
 * The one interface of stream sources (simulator, file replay, HTTP ingest, Kafka). A source yields
 * batches of messages; the stream service scores a batch, writes it durably, then calls `commit()`,
 * so a source that can redeliver (Kafka) only moves its committed position past messages whose
 * verdicts are stored: at-least-once, made exactly-once in the store by the messages' keys.
 */
export interface StreamMessage {
  /**
   * Idempotency key, unique within the source and stable across redeliveries (Kafka:
   * `kafka:<topic>:<partition>:<offset>`; simulator and file: the flow's position or id).
   */
  key: string;
  /** A parsed JSON value (one flow record or an array of them), or its text / bytes to parse. */
  value: unknown;
  /** When the message was produced (ms since the epoch), for the end-to-end latency; if known. */
  producedAt?: number;
}

export interface SourceBatch {
  readonly messages: readonly StreamMessage[];
  /** Called once the batch's verdicts and dead letters are written: commit offsets, ack callers. */
  commit(): Promise<void>;
  /** Called instead of commit when the service stops before the batch was written (no commit). */
  abandon?(reason: Error): void;
  /** Keeps the source's session alive while a slow write is retried (Kafka heartbeats). */
  heartbeat?(): Promise<void>;
  /** Messages behind this batch in each of its partitions, when the source knows (consumer lag). */
  readonly lag?: readonly { readonly topic: string; readonly partition: number; readonly messages: number }[];
}

export interface FlowSource {
  /** Short name: the store's `source` column is `stream:<name>`. */
  readonly name: string;
  /** Where malformed messages go: the dead-letter table (embedded sources) or a topic (Kafka). */
  readonly deadLetters: 'table' | 'topic';
  /**
   * Batches until the source is exhausted or stopped. One consumer; the next batch is asked for
   * only after the previous one was committed (or abandoned), which bounds memory.
   */
  batches(): AsyncIterable<SourceBatch>;
  /** Asks the source to end: the iterator finishes after the batch in hand. Idempotent. */
  stop(): Promise<void>;
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
