import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { ATTACK_SCENARIOS, type AttackScenario, createTrafficSimulator } from '@vigil/detect';
import { type Command, InvalidArgumentError } from 'commander';
import { buildApp } from '../app.js';
import { type AppConfig, loadConfig } from '../config/env.js';
import { migrateToLatest } from '../db/database.js';
import { createSimulatorSource, Pacer } from '../stream/embedded-sources.js';
import { createFileSource } from '../stream/file-source.js';
import type { FlowSource } from '../stream/flow-source.js';
import { createKafka, loadKafkaJs } from '../stream/kafka-client.js';
import { createKafkaSink } from '../stream/kafka-sink.js';
import { createKafkaSource } from '../stream/kafka-source.js';
import type { VerdictSink } from '../stream/store-sink.js';
import { openConfiguredStore } from './with-store.js';

type SourceSpec =
  | { kind: 'simulator' }
  | { kind: 'kafka' }
  | { kind: 'http' }
  | { kind: 'file'; path: string };

function parseSource(value: string): SourceSpec {
  if (value === 'simulator' || value === 'kafka' || value === 'http') return { kind: value };
  if (value.startsWith('file:') && value.length > 5) return { kind: 'file', path: value.slice(5) };
  throw new InvalidArgumentError(`expected simulator, file:PATH, kafka or http, got "${value}"`);
}

const positive = (what: string, max: number) => (value: string) => {
  const n = Number(value);
  if (!(n > 0 && n <= max)) throw new InvalidArgumentError(`expected ${what} in (0, ${max}], got "${value}"`);
  return n;
};
const wholeNumber = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff)
    throw new InvalidArgumentError(`expected a whole number, got "${value}"`);
  return n;
};
const share = (value: string) => {
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError(`expected a share 0..1, got "${value}"`);
  return n;
};
const scenarioList = (value: string): AttackScenario[] => {
  const list = value.split(',').map((s) => s.trim()) as AttackScenario[];
  const bad = list.filter((s) => !ATTACK_SCENARIOS.includes(s));
  if (bad.length > 0)
    throw new InvalidArgumentError(
      `unknown scenario(s) ${bad.join(', ')}; known: ${ATTACK_SCENARIOS.join(', ')}`,
    );
  return list;
};

function needKafka(config: AppConfig): NonNullable<AppConfig['kafka']> {
  if (!config.kafka) throw new Error('set KAFKA_BROKERS (host:port[,host:port…]) to use Kafka');
  return config.kafka;
}

const kafkaLog = (level: 'warn' | 'error', message: string) => console.error(`${level}: ${message}`);

interface StreamOptions {
  source: SourceSpec;
  rate?: number;
  seed?: number;
  limit?: number;
  attackShare?: number;
  listen: boolean;
}

/** `vigil stream`: one stream worker; serves /metrics and the live feed unless --no-listen. */
async function runStream(opts: StreamOptions): Promise<void> {
  const config = loadConfig(process.env);
  const store = await openConfiguredStore(config);
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  try {
    if (config.migrateOnStart) await migrateToLatest(store.db);
    app = await buildApp({ config, store, logger: { level: config.logLevel }, defaultMetrics: true });
    await app.ready();
    if (opts.listen)
      console.error(
        `serving the API (/metrics, /api/v1/live/alerts) on ${await app.listen({ host: config.host, port: config.port })}`,
      );
    const { stream } = config;
    const kafka = config.kafka ? await createKafka(config.kafka, kafkaLog) : undefined;
    let source: FlowSource | undefined;
    if (opts.source.kind === 'kafka') {
      source = createKafkaSource({
        kafka: kafka ?? (await createKafka(needKafka(config), kafkaLog)),
        topics: stream.inputTopics,
        groupId: stream.groupId,
        fromBeginning: stream.fromBeginning,
        batchSize: stream.batchSize,
        sessionTimeoutMs: config.kafka?.sessionTimeoutMs,
        log: kafkaLog,
      });
    } else if (opts.source.kind === 'simulator') {
      source = createSimulatorSource({
        rate: opts.rate ?? 20,
        seed: opts.seed,
        limit: opts.limit,
        attackShare: opts.attackShare,
        batchSize: stream.batchSize,
      });
    } else if (opts.source.kind === 'file') {
      source = createFileSource({ path: opts.source.path, rate: opts.rate, batchSize: stream.batchSize });
    }
    const sinks: VerdictSink[] = [];
    const dlqToTopic = source?.deadLetters === 'topic' && stream.dlqTopic !== undefined;
    if (kafka && (stream.outputTopic || dlqToTopic)) {
      sinks.push(
        await createKafkaSink({
          kafka,
          outputTopic: stream.outputTopic,
          dlqTopic: stream.dlqTopic,
          deadLettersToTopic: dlqToTopic,
        }),
      );
    }
    if (!source && !stream.ingest) throw new Error('--source http needs STREAM_INGEST=true');
    const running = source ? app.streams.start(source, { sinks }) : app.streams.startIngest();
    const label = running.service.sourceLabel;
    let stopping = false;
    const onSignal = () => {
      if (stopping) process.exit(1);
      stopping = true;
      console.error(`${label}: stopping after the batch in hand…`);
      void running.stop();
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    // Said once the signals are handled: whoever waits for this line may stop the stream at once.
    console.error(
      `${label}: scoring${stream.outputTopic && kafka ? ` → ${stream.outputTopic}` : ''} (store: ${stream.store})` +
        (opts.source.kind === 'kafka'
          ? `, topics ${stream.inputTopics.join(', ')}, group ${stream.groupId}`
          : ''),
    );
    const t0 = performance.now();
    let last = { at: t0, flows: 0 };
    const progress = setInterval(() => {
      const s = running.service.stats;
      const now = performance.now();
      const rate = ((s.flows - last.flows) / (now - last.at)) * 1000;
      last = { at: now, flows: s.flows };
      console.error(
        `${label}: ${s.flows} flows (${Math.round(rate)}/s), ${s.attacks} attacks, ${s.deadLetters} dead letters`,
      );
    }, 5000);
    progress.unref();
    try {
      const s = await running.done;
      const seconds = (performance.now() - t0) / 1000;
      console.error(
        `${label}: done: ${s.flows} flows in ${seconds.toFixed(1)} s, ${s.attacks} attacks, ${s.deadLetters} dead letters`,
      );
    } finally {
      clearInterval(progress);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  } finally {
    await app?.close();
    await store.close();
  }
}

interface SimulateOptions {
  count: number;
  rate?: number;
  seed: number;
  attackShare: number;
  scenarios?: AttackScenario[];
  labels?: boolean;
  out?: string;
  kafkaTopic?: string;
  perMessage: number;
}

/** `vigil simulate`: simulated flows as NDJSON (stdout or a file) or into a Kafka topic. */
async function runSimulate(opts: SimulateOptions): Promise<void> {
  const sim = createTrafficSimulator({
    seed: opts.seed,
    flowsPerSecond: opts.rate ?? 1000,
    startTime: Date.now(),
    attackShare: opts.attackShare,
    scenarios: opts.scenarios,
  });
  const flow = () => {
    const { record, truth } = sim.next();
    return opts.labels ? { ...record, label: truth.scenario } : record;
  };
  const pacer = new Pacer(opts.rate, new AbortController().signal);
  if (opts.kafkaTopic) {
    const kafka = await createKafka(needKafka(loadConfig(process.env)), kafkaLog);
    const { Partitioners } = await loadKafkaJs();
    const producer = kafka.producer({
      allowAutoTopicCreation: true,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    try {
      for (let sent = 0; sent < opts.count; ) {
        const n = await pacer.allowance(Math.min(opts.count - sent, 10_000));
        const messages = [];
        for (let i = 0; i < n; i += opts.perMessage) {
          const k = Math.min(opts.perMessage, n - i);
          const value = k === 1 && opts.perMessage === 1 ? flow() : Array.from({ length: k }, flow);
          messages.push({ value: JSON.stringify(value) });
        }
        await producer.send({ topic: opts.kafkaTopic, messages, acks: -1 });
        pacer.took(n);
        sent += n;
      }
    } finally {
      await producer.disconnect();
    }
    console.error(`produced ${opts.count} flows to ${opts.kafkaTopic}`);
    return;
  }
  const out = opts.out ? createWriteStream(opts.out) : process.stdout;
  for (let sent = 0; sent < opts.count; ) {
    const n = await pacer.allowance(Math.min(opts.count - sent, 1000));
    let text = '';
    for (let i = 0; i < n; i++) text += `${JSON.stringify(flow())}\n`;
    if (!out.write(text)) await once(out, 'drain');
    pacer.took(n);
    sent += n;
  }
  if (opts.out)
    await new Promise<void>((resolve, reject) =>
      (out as NodeJS.WritableStream).end((err?: Error) => (err ? reject(err) : resolve())),
    );
}

export function registerStreamCommands(program: Command): void {
  program
    .command('stream')
    .description(
      'score a live flow stream with the production model: simulator, file replay, Kafka or HTTP ingest',
    )
    .requiredOption(
      '--source <source>',
      'simulator | file:PATH (NDJSON or CSV, .gz ok) | kafka | http',
      parseSource,
    )
    .option(
      '--rate <n>',
      'flows per second for simulator (default 20) and file sources (default: unpaced)',
      positive('a rate', 10_000_000),
    )
    .option('--seed <n>', 'simulator seed (default: random)', wholeNumber)
    .option('--limit <n>', 'simulator: stop after this many flows', wholeNumber)
    .option('--attack-share <x>', 'simulator: share of attack flows 0..1 (default 0.1)', share)
    .option('--no-listen', 'do not serve the HTTP API (/metrics, live feed, ingest) on HOST:PORT')
    .action((opts: StreamOptions) => runStream(opts));

  program
    .command('simulate')
    .description(
      'generate simulated flows with attack scenarios: NDJSON to stdout or a file, or into a Kafka topic',
    )
    .option('--count <n>', 'number of flows', wholeNumber, 1000)
    .option('--rate <n>', 'flows per second (default: as fast as possible)', positive('a rate', 10_000_000))
    .option('--seed <n>', 'seed', wholeNumber, 1)
    .option('--attack-share <x>', 'share of attack flows 0..1', share, 0.1)
    .option('--scenarios <list>', `comma-separated subset of ${ATTACK_SCENARIOS.join(', ')}`, scenarioList)
    .option('--labels', 'add the ground truth as `label` (the scenario, or benign)')
    .option('--out <file>', 'write NDJSON to this file instead of stdout')
    .option('--kafka-topic <topic>', 'produce to this Kafka topic (KAFKA_BROKERS) instead')
    .option(
      '--per-message <n>',
      'Kafka: flows per message (a JSON array when > 1)',
      positive('a count', 10_000),
      1,
    )
    .action((opts: SimulateOptions) => runSimulate(opts));
}
