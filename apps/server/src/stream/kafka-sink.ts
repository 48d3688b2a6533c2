import type { Kafka, Message, TopicMessages } from 'kafkajs';
import { loadKafkaJs } from './kafka-client.js';
import type { VerdictSink } from './store-sink.js';
import type { ScoredBatch, ScoredFlow } from './stream-batch.js';

export interface KafkaSinkOptions {
  kafka: Kafka;
  /** Verdicts topic; undefined writes none. */
  outputTopic: string | undefined;
  /** Dead-letter topic for the Kafka source's malformed messages; undefined writes none. */
  dlqTopic: string | undefined;
  /** Send dead letters to `dlqTopic` (Kafka sources) or leave them to the store's table. */
  deadLettersToTopic: boolean;
}

const MAX_REQUEST_BYTES = 512 * 1024;

/**
 * Longest verdict message, in UTF-16 code units: at most 900 KB of UTF-8 even if every character
 * took three bytes, below the broker's default max.message.bytes (1 MiB). An input message with
 * thousands of records would otherwise give a verdict array the broker refuses, and the stream
 * would retry that batch forever.
 */
export const MAX_VERDICT_MESSAGE_CHARS = 300_000;

/** One verdict as written to the output topic. */
export interface VerdictMessage {
  key: string;
  flowId: string | null;
  at: string;
  source: string;
  model: { id: string; kind: string; version: number };
  verdict: 'benign' | 'attack';
  probability: number;
  category: string;
  riskScore: number;
  srcIp: string | null;
  dstIp: string | null;
  srcPort: number | null;
  dstPort: number | null;
  protocol: string | null;
  topFeatures: ScoredFlow['prediction']['topFeatures'];
}

function flowIdOf(record: unknown): string | null {
  const r = record as { flow_id?: unknown; uid?: unknown };
  const id = r.flow_id ?? r.uid;
  return typeof id === 'string' ? id : null;
}

export function verdictMessage(batch: ScoredBatch, f: ScoredFlow, at: string): VerdictMessage {
  const p = f.prediction;
  return {
    key: f.key,
    flowId: flowIdOf(f.record),
    at,
    source: batch.source,
    model: { id: batch.model.id, kind: batch.model.kind, version: batch.model.version },
    verdict: p.verdict,
    probability: p.probability,
    category: p.category,
    riskScore: p.riskScore,
    ...f.tuple,
    topFeatures: p.topFeatures,
  };
}

const str = (v: string | null): string => (v === null ? 'null' : JSON.stringify(v));
const num = (v: number | null): string => (v === null || !Number.isFinite(v) ? 'null' : String(v));

/** The batch-wide part of its verdicts' JSON (time, source, model). */
export function verdictHead(batch: ScoredBatch, at: string): string {
  const { id, kind, version } = batch.model;
  return `"at":${str(at)},"source":${str(batch.source)},"model":{"id":${str(id)},"kind":${str(kind)},"version":${version}}`;
}

/**
 * `JSON.stringify(verdictMessage(…))`, written out by hand: serialising verdicts is the stream's
 * largest cost after scoring, and this is twice as fast as building and stringifying the object.
 */
export function verdictJson(head: string, f: ScoredFlow): string {
  const p = f.prediction;
  const t = f.tuple;
  const features = p.topFeatures.length === 0 ? '[]' : JSON.stringify(p.topFeatures);
  return (
    `{"key":${str(f.key)},"flowId":${str(flowIdOf(f.record))},${head},"verdict":"${p.verdict}",` +
    `"probability":${num(p.probability)},"category":${str(p.category)},"riskScore":${num(p.riskScore)},` +
    `"srcIp":${str(t.srcIp)},"dstIp":${str(t.dstIp)},"srcPort":${num(t.srcPort)},"dstPort":${num(t.dstPort)},` +
    `"protocol":${str(t.protocol)},"topFeatures":${features}}`
  );
}

/**
 * The verdict messages of a batch, in order: one per input message, a verdict, or an array of
 * verdicts for a message that held an array of records; an array that would pass `maxChars` is
 * split into several arrays (in record order, each verdict carrying its input's key).
 */
export function verdictValues(
  batch: ScoredBatch,
  at: string,
  maxChars = MAX_VERDICT_MESSAGE_CHARS,
): string[] {
  const values: string[] = [];
  const head = verdictHead(batch, at);
  let i = 0;
  while (i < batch.flows.length) {
    const m = batch.flows[i].message;
    if (!batch.arrays[m]) {
      values.push(verdictJson(head, batch.flows[i]));
      i++;
      continue;
    }
    let group: string[] = [];
    let chars = 2;
    for (; i < batch.flows.length && batch.flows[i].message === m; i++) {
      const v = verdictJson(head, batch.flows[i]);
      if (group.length > 0 && chars + 1 + v.length > maxChars) {
        values.push(`[${group.join(',')}]`);
        group = [];
        chars = 2;
      }
      group.push(v);
      chars += v.length + (group.length > 1 ? 1 : 0);
    }
    values.push(`[${group.join(',')}]`);
  }
  return values;
}

/**
 * Writes verdicts to the output topic (verdictValues: one message per input message, a verdict or
 * an array of them, split when it would be too large for the broker; each verdict carries its input's key in
 * its JSON, and the Kafka messages are unkeyed: hashing a key per message cost ~6 % of the
 * stream's CPU, and verdicts need no partition affinity) and
 * dead letters to the dead-letter topic with the reason (also in a `vigil-dead-letter` header).
 * Resolves once the broker acknowledged every message (acks = all).
 */
export async function createKafkaSink(options: KafkaSinkOptions): Promise<VerdictSink> {
  const { Partitioners } = await loadKafkaJs();
  const producer = options.kafka.producer({
    allowAutoTopicCreation: true,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const { outputTopic, dlqTopic } = options;
  return {
    name: 'kafka',
    async write(batch) {
      const topicMessages: TopicMessages[] = [];
      const at = batch.at.toISOString();
      if (outputTopic && batch.flows.length > 0) {
        const messages: Message[] = verdictValues(batch, at).map((value) => ({ value }));
        topicMessages.push({ topic: outputTopic, messages });
      }
      if (options.deadLettersToTopic && dlqTopic && batch.deadLetters.length > 0) {
        topicMessages.push({
          topic: dlqTopic,
          messages: batch.deadLetters.map((d) => ({
            key: d.key,
            value: JSON.stringify({
              key: d.key,
              code: d.code,
              reason: d.reason,
              source: batch.source,
              at,
              payload: d.payload,
            }),
            headers: { 'vigil-dead-letter': d.code },
          })),
        });
      }
      // Requests of at most ~512 KiB (a broker refuses record batches over max.message.bytes, 1 MiB
      // by default, and kafkajs sends one record batch per partition per request), sent
      // concurrently: the batch is written when the broker has acknowledged them all.
      const requests: TopicMessages[][] = [];
      let request: TopicMessages[] = [];
      let bytes = 0;
      for (const { topic, messages } of topicMessages) {
        for (const m of messages) {
          const size = (m.value as string).length + (m.key?.length ?? 0);
          if (bytes + size > MAX_REQUEST_BYTES && bytes > 0) {
            requests.push(request);
            request = [];
            bytes = 0;
          }
          const last = request[request.length - 1];
          if (last?.topic === topic) last.messages.push(m);
          else request.push({ topic, messages: [m] });
          bytes += size;
        }
      }
      if (request.length > 0) requests.push(request);
      await Promise.all(requests.map((r) => producer.sendBatch({ topicMessages: r, acks: -1 })));
    },
    async close() {
      await producer.disconnect();
    },
  };
}
