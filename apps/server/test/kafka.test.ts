import { createTrafficSimulator } from '@vigil/detect';
import type { FastifyInstance } from 'fastify';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ModelRegistry } from '../src/modules/models/model-registry.service.js';
import { createKafkaSink, type VerdictMessage } from '../src/stream/kafka-sink.js';
import { createKafkaSource } from '../src/stream/kafka-source.js';
import {
  createTopics,
  describeKafka,
  groupPosition,
  groupState,
  produce,
  readTopic,
  testKafka,
  uniqueName,
} from './kafka-fixtures.js';
import { storedKeys, streamModel } from './stream-fixtures.js';
import { buildTestApp } from './support/app.js';
import { openTestStore, type TestStore } from './support/stores.js';

/** Waits (bounded) for `done`. */
async function until(done: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describeKafka('Kafka stream: consumer group → score → store, verdicts topic, dead-letter topic', () => {
  let store: TestStore;
  let app: FastifyInstance;
  let kafka: Kafka;

  beforeAll(async () => {
    kafka = await testKafka();
    store = await openTestStore('pglite');
    await new ModelRegistry(store.db, () => new Date()).register(await streamModel(), 'test', {
      stage: 'production',
      reason: 'kafka test',
    });
    app = await buildTestApp(store);
  });
  afterAll(async () => {
    await app?.close();
    await store?.dispose();
  });

  it('scores a topic through a consumer group, commits after storing, writes verdicts and dead letters', async () => {
    const topic = uniqueName('vigil-flows');
    const out = `${topic}.verdicts`;
    const dlq = `${topic}.dlq`;
    const groupId = uniqueName('vigil-stream');
    await createTopics(kafka, [
      { topic, numPartitions: 4 },
      { topic: out, numPartitions: 2 },
      { topic: dlq, numPartitions: 1 },
    ]);
    const sim = createTrafficSimulator({ seed: 17, attackShare: 0.3 });
    const values: string[] = [];
    for (let i = 0; i < 400; i++) values.push(JSON.stringify(sim.next().record));
    for (let i = 0; i < 20; i++)
      values.push(JSON.stringify(Array.from({ length: 10 }, () => sim.next().record)));
    values.push('{"not": json', JSON.stringify({ ...sim.next().record, fwd_packets: 'x' }), '[]');
    await produce(kafka, topic, values);

    const source = createKafkaSource({ kafka, topics: [topic], groupId, fromBeginning: true, batchSize: 50 });
    const sink = await createKafkaSink({ kafka, outputTopic: out, dlqTopic: dlq, deadLettersToTopic: true });
    const running = app.streams.start(source, { sinks: [sink] });
    await until(() => running.service.stats.flows + running.service.stats.deadLetters >= 603);
    const stats = await running.stop();
    expect(stats).toMatchObject({ flows: 600, deadLetters: 3, retries: 0 });

    const keys = await storedKeys(store.db, 'stream:kafka');
    expect(keys).toHaveLength(600);
    expect(new Set(keys).size).toBe(600);
    for (const k of keys) expect(k).toMatch(new RegExp(`^kafka:${topic}:[0-3]:\\d+(#\\d)?$`));

    // Every partition's committed offset is its end: all consumed, nothing left uncommitted.
    for (const p of await groupPosition(kafka, groupId, topic)) expect(p.committed).toBe(p.end);

    const verdicts = await readTopic(kafka, out);
    const letters = await readTopic(kafka, dlq);
    try {
      expect(await verdicts.until(() => verdicts.messages.length >= 420)).toBe(true);
      expect(await letters.until(() => letters.messages.length >= 3)).toBe(true);
      const flat: VerdictMessage[] = verdicts.messages.flatMap((m) => JSON.parse(m.value));
      expect(flat).toHaveLength(600);
      expect(new Set(flat.map((v) => v.key))).toEqual(new Set(keys));
      const attacks = await store.db
        .selectFrom('predictions')
        .select('event_key')
        .where('source', '=', 'stream:kafka')
        .where('verdict', '=', 'attack')
        .execute();
      expect(
        flat
          .filter((v) => v.verdict === 'attack')
          .map((v) => v.key)
          .sort(),
      ).toEqual(attacks.map((a) => a.event_key).sort());
      expect(flat[0]).toMatchObject({
        source: 'stream:kafka',
        model: { kind: 'synthetic-flows', version: 1 },
      });
      expect(flat.every((v) => v.flowId?.startsWith('sim-17-'))).toBe(true);
      // An array message gets an array of verdicts (each with its input's key).
      const arrays = verdicts.messages.filter((m) => m.value.startsWith('['));
      expect(arrays).toHaveLength(20);
      for (const m of arrays) expect(JSON.parse(m.value)).toHaveLength(10);

      const dead = letters.messages.map((m) => ({
        header: m.headers['vigil-dead-letter'],
        ...JSON.parse(m.value),
      }));
      expect(dead.map((d) => d.code).sort()).toEqual(['empty-message', 'malformed-json', 'not-a-number']);
      for (const d of dead) {
        expect(d.header).toBe(d.code);
        expect(d.key).toMatch(new RegExp(`^kafka:${topic}:`));
        expect(d.reason.length).toBeGreaterThan(5);
      }
      expect(dead.find((d) => d.code === 'malformed-json').payload).toBe('{"not": json');
    } finally {
      await verdicts.close();
      await letters.close();
    }
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(
      new RegExp(`vigil_stream_consumer_lag\\{source="stream:kafka",topic="${topic}",partition="\\d"\\} 0`),
    );
    expect(metrics.body).toMatch(
      /vigil_stream_dead_letters_total\{source="stream:kafka",reason="malformed-json"\} 1/,
    );
  });

  it('shares partitions between two workers of one group through a rebalance, losing no flow', async () => {
    const topic = uniqueName('vigil-flows');
    const groupId = uniqueName('vigil-stream');
    await createTopics(kafka, [{ topic, numPartitions: 4 }]);
    const sim = createTrafficSimulator({ seed: 19 });
    const batch = () => Array.from({ length: 1500 }, () => JSON.stringify(sim.next().record));
    const worker = () =>
      app.streams.start(
        createKafkaSource({ kafka, topics: [topic], groupId, fromBeginning: true, batchSize: 100 }),
        {
          live: false,
        },
      );
    const a = worker();
    await produce(kafka, topic, batch());
    await until(() => a.service.stats.flows > 0);
    const b = worker();
    // Once the group has rebalanced onto both workers, they share the next flows.
    await until(async () => (await groupState(kafka, groupId)) === 'Stable:2');
    await produce(kafka, topic, batch());
    await until(
      async () =>
        (await storedKeys(store.db, 'stream:kafka')).filter((k) => k.startsWith(`kafka:${topic}:`)).length >=
        3000,
    );
    await Promise.all([a.stop(), b.stop()]);
    const keys = (await storedKeys(store.db, 'stream:kafka')).filter((k) => k.startsWith(`kafka:${topic}:`));
    expect(keys).toHaveLength(3000);
    expect(new Set(keys).size).toBe(3000);
    expect(b.service.stats.flows).toBeGreaterThan(0);
    expect(a.service.stats.flows).toBeGreaterThan(1500);
    for (const p of await groupPosition(kafka, groupId, topic)) expect(p.committed).toBe(p.end);
  });

  it('splits the verdicts of a message with thousands of records into messages the broker accepts', async () => {
    const topic = uniqueName('vigil-flows-big');
    const out = `${topic}.verdicts`;
    const groupId = uniqueName('vigil-stream');
    await createTopics(kafka, [
      { topic, numPartitions: 1 },
      { topic: out, numPartitions: 1 },
    ]);
    // One message of 2,500 records, mostly attacks (explained): its verdicts are ~1.5 MB of JSON,
    // over the broker's 1 MiB max.message.bytes in one array. Before the split, the sink's write
    // was refused and the stream retried the batch forever.
    const sim = createTrafficSimulator({ seed: 23, attackShare: 0.9 });
    const records = Array.from({ length: 2500 }, () => sim.next().record);
    const input = JSON.stringify(records);
    expect(input.length).toBeLessThan(1_000_000);
    await produce(kafka, topic, [input]);

    const source = createKafkaSource({ kafka, topics: [topic], groupId, fromBeginning: true, batchSize: 50 });
    const sink = await createKafkaSink({
      kafka,
      outputTopic: out,
      dlqTopic: undefined,
      deadLettersToTopic: false,
    });
    const running = app.streams.start(source, { sinks: [sink] });
    await until(() => running.service.stats.flows >= 2500);
    const stats = await running.stop();
    expect(stats).toMatchObject({ flows: 2500, retries: 0 });

    const verdicts = await readTopic(kafka, out);
    try {
      expect(await verdicts.until(() => verdicts.messages.length >= 2)).toBe(true);
      const total = verdicts.messages.reduce((n, m) => n + m.value.length, 0);
      expect(total).toBeGreaterThan(1_100_000);
      const keys = verdicts.messages.flatMap((m) =>
        (JSON.parse(m.value) as VerdictMessage[]).map((v) => v.key),
      );
      expect(keys).toHaveLength(2500);
      // The parts are produced concurrently (as all of a batch's requests are): any order, each once.
      expect([...keys].sort()).toEqual(
        Array.from({ length: 2500 }, (_, i) => `kafka:${topic}:0:0#${i}`).sort(),
      );
    } finally {
      await verdicts.close();
    }
  });
});
