import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { describe, it } from 'vitest';
import { createKafka, loadKafkaJs } from '../src/stream/kafka-client.js';

/**
 * The Kafka broker of integration tests: TEST_KAFKA_BROKERS (host:port), as `.ci/run` exports after
 * `scripts/kafka-broker.sh start`. Without it the Kafka tests skip locally and fail under CI=true.
 */
export const KAFKA_BROKERS = process.env.TEST_KAFKA_BROKERS;

export function describeKafka(name: string, body: () => void): void {
  if (KAFKA_BROKERS) {
    describe(name, body);
  } else if (process.env.CI === 'true') {
    describe(name, () => {
      it('needs a Kafka broker', () => {
        throw new Error(
          'CI=true but TEST_KAFKA_BROKERS is not set: .ci/run must start scripts/kafka-broker.sh',
        );
      });
    });
  } else {
    describe.skip(`${name} (skipped: run scripts/kafka-broker.sh start and set TEST_KAFKA_BROKERS=127.0.0.1:9092)`, () => {
      it('needs a Kafka broker', () => {});
    });
  }
}

export function testKafka(): Promise<Kafka> {
  return createKafka({
    brokers: [KAFKA_BROKERS!],
    clientId: 'vigil-test',
    sessionTimeoutMs: 30_000,
    ssl: false,
    sasl: undefined,
  });
}

/** A fresh topic name (and its consumer group), so test runs never see each other's messages. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

export async function createTopics(
  kafka: Kafka,
  topics: { topic: string; numPartitions: number }[],
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics, waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

export async function produce(kafka: Kafka, topic: string, values: string[]): Promise<void> {
  const { Partitioners } = await loadKafkaJs();
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    for (let i = 0; i < values.length; i += 5000) {
      await producer.send({
        topic,
        acks: -1,
        messages: values.slice(i, i + 5000).map((value) => ({ value })),
      });
    }
  } finally {
    await producer.disconnect();
  }
}

export interface TopicReader {
  readonly messages: { key: string | null; value: string; headers: Record<string, string> }[];
  /** Waits (bounded) until `done()` holds; false on timeout. */
  until(done: () => boolean, timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

/** Reads a topic from the beginning in the background (its own consumer group). */
export async function readTopic(kafka: Kafka, topic: string): Promise<TopicReader> {
  const consumer = kafka.consumer({ groupId: uniqueName('vigil-test-reader'), maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const messages: TopicReader['messages'] = [];
  await consumer.run({
    eachMessage: async ({ message }) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
      messages.push({
        key: message.key?.toString() ?? null,
        value: message.value?.toString() ?? '',
        headers,
      });
    },
  });
  return {
    messages,
    async until(done, timeoutMs = 60_000) {
      const end = Date.now() + timeoutMs;
      while (!done()) {
        if (Date.now() > end) return false;
        await new Promise((r) => setTimeout(r, 50));
      }
      return true;
    },
    close: () => consumer.disconnect(),
  };
}

/** Committed offsets of a group against the topic's end offsets, per partition. */
export async function groupPosition(kafka: Kafka, groupId: string, topic: string) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const ends = await admin.fetchTopicOffsets(topic);
    return ends
      .map((e) => ({
        partition: e.partition,
        end: Number(e.high),
        committed: Number(committed.partitions.find((p) => p.partition === e.partition)?.offset ?? -1),
      }))
      .sort((a, b) => a.partition - b.partition);
  } finally {
    await admin.disconnect();
  }
}

/** `<state>:<members>` of a consumer group, e.g. `Stable:2`. */
export async function groupState(kafka: Kafka, groupId: string): Promise<string> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupId]);
    return `${groups[0]?.state}:${groups[0]?.members.length ?? 0}`;
  } finally {
    await admin.disconnect();
  }
}
