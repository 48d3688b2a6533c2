import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { FlowSource, SourceBatch, StreamMessage } from './flow-source.js';
import type { KafkaLog } from './kafka-client.js';
import { OffsetCommitter } from './kafka-commits.js';

export interface KafkaSourceOptions {
  kafka: Kafka;
  topics: readonly string[];
  groupId: string;
  /** A new group starts at the oldest message (true) or at new ones only. */
  fromBeginning: boolean;
  log?: KafkaLog;
  /** Largest fetch per partition, bytes (bounds memory; default 2 MiB). */
  maxBytesPerPartition?: number;
  /** Most messages per scoring batch (default 1000): parts of partitions' fetches are merged up to it. */
  batchSize?: number;
  /** Consumer group session timeout, ms (kafkajs default 30 s). */
  sessionTimeoutMs?: number;
}

/** Partitions whose fetched batches are handed over at once (and merged into one scoring batch). */
const CONCURRENT_PARTITIONS = 16;

/** One partition's share of a scoring batch, waiting in kafkajs's eachBatch until it is settled. */
interface Part {
  topic: string;
  partition: number;
  messages: StreamMessage[];
  last: string;
  lag: number;
  payload: EachBatchPayload;
  /** Settles the eachBatch call; `committed` false ends it (the rest is fetched again later). */
  settle(committed: boolean): void;
}

const END = Symbol('end');

/**
 * A kafkajs consumer group as a flow source. Partitions are consumed concurrently; the parts of
 * their fetches waiting at one moment are merged into one scoring batch (up to `batchSize`
 * messages), so a whole fetch costs one verdict produce. Each partition's eachBatch call waits
 * until the stream service has written the batch and called `commit()`, which hands offset + 1 of
 * every part's last message to the background {@link OffsetCommitter}: offsets never move past
 * unwritten verdicts, and kafkajs fetches no more of a partition meanwhile (backpressure, bounded
 * memory). A batch of a
 * partition revoked by a rebalance is still written (its messages are redelivered elsewhere and
 * skipped there by key); only its commit fails, and its eachBatch call ends there.
 */
export function createKafkaSource(options: KafkaSourceOptions): FlowSource {
  const { kafka, topics, groupId, fromBeginning, log } = options;
  const batchSize = options.batchSize ?? 1000;
  let consumer: Consumer | undefined;
  let starting: Promise<void> | undefined;
  let ended = false;
  let failure: Error | undefined;
  const queue: (Part | typeof END)[] = [];
  let wake: (() => void) | undefined;

  const put = (item: Part | typeof END) => {
    queue.push(item);
    wake?.();
  };
  const end = (err?: Error) => {
    if (ended) return;
    ended = true;
    failure ??= err;
    put(END);
  };
  /** Settles the parts not yet taken as not committed (they are fetched again later); keeps END. */
  const release = () => {
    const parts = queue.filter((item): item is Part => item !== END);
    if (parts.length === 0) return;
    const hadEnd = queue.includes(END);
    queue.length = 0;
    if (hadEnd) queue.push(END);
    for (const p of parts) p.settle(false);
  };

  async function eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, heartbeat, isRunning, isStale } = payload;
    const { topic, partition } = batch;
    const all = batch.messages;
    const highWatermark = BigInt(batch.highWatermark);
    for (let from = 0; from < all.length; from += batchSize) {
      if (ended || !isRunning() || isStale()) return;
      if (from > 0) {
        // Between parts: keep the session alive; a rebalance under way ends this batch here.
        try {
          await heartbeat();
        } catch {
          return;
        }
      }
      const slice = all.slice(from, from + batchSize);
      const last = slice[slice.length - 1].offset;
      const committed = await new Promise<boolean>((settle) => {
        put({
          topic,
          partition,
          messages: slice.map((m) => ({
            key: `kafka:${topic}:${partition}:${m.offset}`,
            value: m.value,
            producedAt: Number(m.timestamp),
          })),
          last,
          lag: Math.max(0, Number(highWatermark - BigInt(last) - 1n)),
          payload,
          settle,
        });
      });
      if (!committed) return;
    }
  }

  const committer = new OffsetCommitter(log);
  /** Parts handed to the stream service and not settled yet. */
  let inHand = 0;
  const settle = (parts: Part[], committed: boolean) => {
    inHand -= parts.length;
    for (const p of parts) p.settle(committed);
  };

  /** The parts waiting now, up to `batchSize` messages (at least one part), as one batch. */
  function merge(first: Part): SourceBatch {
    const parts = [first];
    let n = first.messages.length;
    while (queue.length > 0 && queue[0] !== END && n + (queue[0] as Part).messages.length <= batchSize) {
      const part = queue.shift() as Part;
      parts.push(part);
      n += part.messages.length;
    }
    inHand += parts.length;
    return {
      messages: parts.length === 1 ? first.messages : parts.flatMap((p) => p.messages),
      lag: parts.map((p) => ({ topic: p.topic, partition: p.partition, messages: p.lag })),
      heartbeat: () => first.payload.heartbeat(),
      commit: async () => {
        for (const p of parts) {
          p.payload.resolveOffset(p.last);
          committer.add(p.payload, p.topic, p.partition, (BigInt(p.last) + 1n).toString());
        }
        settle(parts, true);
      },
      abandon: () => settle(parts, false),
    };
  }

  async function start(): Promise<void> {
    consumer = kafka.consumer({
      groupId,
      allowAutoTopicCreation: true,
      maxBytesPerPartition: options.maxBytesPerPartition ?? 2 * 1024 * 1024,
      maxBytes: 32 * 1024 * 1024,
      maxWaitTimeInMs: 100,
      ...(options.sessionTimeoutMs
        ? {
            sessionTimeout: options.sessionTimeoutMs,
            heartbeatInterval: Math.min(3000, options.sessionTimeoutMs / 3),
          }
        : {}),
    });
    consumer.on(consumer.events.CRASH, (e) => {
      const { error, restart } = e.payload as { error: Error; restart: boolean };
      log?.('error', `kafka consumer crashed${restart ? ', restarting' : ''}: ${error.message}`, {});
      if (!restart) end(error);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [...topics], fromBeginning });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: CONCURRENT_PARTITIONS,
      eachBatch,
    });
  }

  return {
    name: 'kafka',
    deadLetters: 'topic',
    async *batches() {
      starting = start();
      await starting;
      try {
        for (;;) {
          while (queue.length === 0) await new Promise<void>((r) => (wake = r));
          // Let the other partitions of the same fetch hand their parts over first.
          await new Promise<void>((r) => setImmediate(r));
          const item = queue.shift()!;
          if (item === END) break;
          yield merge(item);
        }
        if (failure) throw failure;
      } finally {
        // Parts handed over after the end are released uncommitted; they are redelivered later.
        release();
        end();
      }
    },
    async stop() {
      end();
      // A consumer still joining its group is let finish first: kafkajs cannot leave a group it is
      // joining (the disconnect would race the join and the consumer restart itself).
      await starting?.catch(() => {});
      release();
      // The batch in hand is written and committed (or abandoned) first, then the group is left.
      for (let i = 0; inHand > 0 && i < 6000; i++) await new Promise((r) => setTimeout(r, 5));
      await committer.flush();
      await consumer?.disconnect();
    },
  };
}
