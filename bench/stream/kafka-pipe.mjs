// The baseline of `npm run bench:stream`: Kafka in → Kafka out with no scoring, built the way Vigil's
// Kafka source and sink are (kafkajs consumer group, partitions consumed concurrently, eachBatch,
// sendBatch with acks = all, unkeyed output, offsets committed after the produce), so that the only
// difference to `vigil stream` is Vigil's work: decoding, scoring, verdict encoding. Run as a child
// process: node kafka-pipe.mjs (env PIPE_BROKERS, PIPE_IN, PIPE_OUT, PIPE_GROUP, PIPE_BATCH).
// Stops on SIGTERM.
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../apps/server/package.json', import.meta.url));
const { Kafka, logLevel, Partitioners } = require('kafkajs');

const kafka = new Kafka({
  clientId: 'bench-pipe',
  brokers: [process.env.PIPE_BROKERS],
  logLevel: logLevel.ERROR,
});
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
const consumer = kafka.consumer({ groupId: process.env.PIPE_GROUP, maxWaitTimeInMs: 100 });
const size = Number(process.env.PIPE_BATCH ?? 1000);
await producer.connect();
await consumer.connect();
await consumer.subscribe({ topics: [process.env.PIPE_IN], fromBeginning: true });
await consumer.run({
  // Offsets resolved after the produce and committed by kafkajs at most once a second: the cheapest
  // at-least-once pipe (Vigil commits in the background after its writes, to the same effect).
  autoCommit: true,
  autoCommitInterval: 1000,
  eachBatchAutoResolve: false,
  partitionsConsumedConcurrently: 16,
  eachBatch: async ({ batch, resolveOffset }) => {
    for (let from = 0; from < batch.messages.length; from += size) {
      const part = batch.messages.slice(from, from + size);
      await producer.sendBatch({
        acks: -1,
        topicMessages: [{ topic: process.env.PIPE_OUT, messages: part.map((m) => ({ value: m.value })) }],
      });
      resolveOffset(part[part.length - 1].offset);
    }
  },
});
process.once('SIGTERM', async () => {
  await consumer.disconnect();
  await producer.disconnect();
  process.exit(0);
});
