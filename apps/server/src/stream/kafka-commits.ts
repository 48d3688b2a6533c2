import type { EachBatchPayload } from 'kafkajs';
import type { KafkaLog } from './kafka-client.js';

type Offsets = Parameters<EachBatchPayload['commitOffsetsIfNecessary']>[0];

/**
 * Commits consumed offsets in the background, off the path of the next fetch: a commit costs a
 * broker round trip (~6 ms measured here), and waiting for it before fetching again capped a
 * partition at one batch per round trip. Only offsets whose messages are written are added, so the
 * committed position never passes an unwritten verdict; a commit that fails (a rebalance) or never
 * happens (a crash) only means redelivery, which the store's keys absorb. Commits run one at a
 * time, each with the latest offset of every partition added since the last one.
 */
export class OffsetCommitter {
  private readonly pending = new Map<string, { topic: string; partition: number; offset: string }>();
  private commit: ((offsets: Offsets) => Promise<void>) | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly log?: KafkaLog) {}

  /** `offset` is the next offset to read: the last written message's + 1. */
  add(payload: EachBatchPayload, topic: string, partition: number, offset: string): void {
    this.pending.set(`${topic}\u0000${partition}`, { topic, partition, offset });
    // The group's own commit, without kafkajs's retries: during a rebalance it fails at once.
    this.commit = (offsets) => payload.commitOffsetsIfNecessary(offsets);
    this.kick();
  }

  /** Resolves once every offset added so far was committed (or failed to be). */
  async flush(): Promise<void> {
    while (this.running) await this.running;
  }

  private kick(): void {
    if (this.running) return;
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.pending.size > 0) this.kick();
    });
  }

  private async drain(): Promise<void> {
    while (this.pending.size > 0 && this.commit) {
      const byTopic = new Map<string, { partition: number; offset: string }[]>();
      for (const { topic, partition, offset } of this.pending.values()) {
        const list = byTopic.get(topic) ?? [];
        list.push({ partition, offset });
        byTopic.set(topic, list);
      }
      this.pending.clear();
      try {
        await this.commit({ topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })) });
      } catch (err) {
        // Revoked meanwhile: the new owner re-reads these messages and skips them by key.
        this.log?.(
          'warn',
          `offset commit failed (those messages will be redelivered): ${(err as Error).message}`,
          {},
        );
      }
    }
  }
}
