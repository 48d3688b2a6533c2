// `npm run bench:stream`: stream scoring throughput and latency, in one run.
//  1. Embedded: the traffic simulator → micro-batched scoring (store off), in this process.
//  2. Kafka, for 1 flow per message and for 100 flows per message (a JSON array):
//     baseline  producer → topic → kafka-pipe.mjs (consume → produce, no scoring) → topic → reader
//     Vigil     producer → topic → `vigil stream --source kafka` (score, store off) → topic → reader
//     Both run as child processes with the same kafkajs settings, against the same local broker.
//     Throughput: N flows waiting in the input topic, timed from the first flow read back to the
//     last (drain rate; start-up and the producer are not counted). Latency: flows produced at
//     BENCH_RATE flows/s once the pipeline runs, send → read back, per flow.
// Targets (printed, never asserted): ≥ 200k flows/s through Kafka with scoring; p99 added by
// scoring (Vigil p99 − baseline p99) ≤ 10 ms.
// Environment: BENCH_KAFKA_BROKERS (default: scripts/kafka-broker.sh start), BENCH_FLOWS (default
// 400,000 per Kafka run), BENCH_RATE (latency phase, flows/s, default 5,000), BENCH_SECONDS (latency
// phase, default 5), BENCH_ROWS (training rows of the demo model, default 50,000).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createTrafficSimulator, generateSyntheticFlows } from '@vigil/detect';
import { buildApp } from '../../apps/server/dist/app.js';
import { loadConfig } from '../../apps/server/dist/config/env.js';
import { embeddedDatabaseDir, migrateToLatest, openStore } from '../../apps/server/dist/db/database.js';
import { ModelRegistry } from '../../apps/server/dist/modules/models/model-registry.service.js';
import { trainDemoModel } from '../../apps/server/dist/training/demo-model.js';

const require = createRequire(new URL('../../apps/server/package.json', import.meta.url));
const { Kafka, logLevel, Partitioners } = require('kafkajs');

const FLOWS = Number(process.env.BENCH_FLOWS ?? 400_000);
const RATE = Number(process.env.BENCH_RATE ?? 5000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const TRAIN_ROWS = Number(process.env.BENCH_ROWS ?? 50_000);
const TARGETS = { flowsPerSecond: 200_000, addedP99Ms: 10 };
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'apps/server/dist/cli.js');
const PIPE = fileURLToPath(new URL('./kafka-pipe.mjs', import.meta.url));
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted, q) {
  return sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}
const fmt = (n, d = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d })
    : '–';

/** The model `vigil demo` and the first `vigil start` train (demo-model.ts). */
async function demoModel() {
  const dataset = generateSyntheticFlows({ rows: TRAIN_ROWS, seed: 42 });
  return (await trainDemoModel(dataset, { seed: 42 })).document;
}

/** Embedded: simulator records → the stream service (store off); latency = generated → scored. */
async function embeddedRun(store, dir, flows) {
  const config = loadConfig({
    VIGIL_DATA_DIR: dir,
    LOG_LEVEL: 'silent',
    STREAM_INGEST: 'false',
    VIGIL_RATE_LIMIT: '0',
  });
  const app = await buildApp({ config, store });
  await app.ready();
  const sim = createTrafficSimulator({ seed: 1, attackShare: 0.1, flowsPerSecond: 100_000 });
  const latencies = new Float64Array(flows);
  let n = 0;
  const source = {
    name: 'bench',
    deadLetters: 'table',
    async *batches() {
      for (let sent = 0; sent < flows; sent += 1000) {
        const producedAt = now();
        const messages = [];
        for (let i = 0; i < Math.min(1000, flows - sent); i++) {
          const { record } = sim.next();
          messages.push({ key: `bench:${record.flow_id}`, value: record, producedAt });
        }
        yield { messages, commit: async () => {} };
      }
    },
    async stop() {},
  };
  const sink = {
    name: 'latency',
    async write(batch) {
      const t = now();
      for (const f of batch.flows) latencies[n++] = t - batch.messages[f.message].producedAt;
    },
  };
  const t0 = now();
  const stats = await app.streams.start(source, { store: 'none', live: false, sinks: [sink] }).done;
  const seconds = (now() - t0) / 1000;
  await app.close();
  const sorted = latencies.subarray(0, n).sort();
  return {
    flowsPerSecond: stats.flows / seconds,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    attacks: stats.attacks,
  };
}

function brokers() {
  if (process.env.BENCH_KAFKA_BROKERS) return process.env.BENCH_KAFKA_BROKERS;
  return execFileSync(join(ROOT, 'scripts/kafka-broker.sh'), ['start'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}

async function waitFor(done, timeoutMs, what) {
  const end = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** One pipeline (baseline pipe or Vigil) for one message shape: throughput, then latency. */
/** One pipeline (baseline pipe or Vigil) for one message shape: throughput, then latency. */
async function kafkaRun({ kafka, admin, broker, kind, perMessage, dataDir, pool }) {
  const id = `${kind}-${perMessage}-${Date.now().toString(36)}`;
  const inTopic = `bench-in-${id}`;
  const outTopic = `bench-out-${id}`;
  const group = `bench-${id}`;
  await admin.createTopics({
    topics: [
      { topic: inTopic, numPartitions: 4 },
      { topic: outTopic, numPartitions: 4 },
    ],
    waitForLeaders: true,
  });
  // Throughput: FLOWS flows wait in the input topic before the pipeline starts; timed from the first
  // flow read back to the last, so neither start-up nor the producer's speed is counted.
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const messages = FLOWS / perMessage;
  for (let sent = 0; sent < messages; ) {
    // ≤ ~0.5 MiB per partition and request: the broker refuses larger record batches.
    const n = Math.min(perMessage === 1 ? 4000 : 40, messages - sent);
    await producer.send({
      topic: inTopic,
      acks: -1,
      messages: Array.from({ length: n }, (_, i) => ({ value: pool[(sent + i) % pool.length] })),
    });
    sent += n;
  }
  // The reader: counts flows read back; in the latency phase, matches flow ids to send times.
  const marker = kind === 'pipe' ? '"flow_id":' : '"flowId":';
  let count = 0;
  let first;
  let latencyPhase = false;
  const sendTimes = new Map();
  const latencies = [];
  const reader = kafka.consumer({ groupId: `${group}-reader`, maxWaitTimeInMs: 50 });
  await reader.connect();
  await reader.subscribe({ topics: [outTopic], fromBeginning: true });
  await reader.run({
    eachBatch: async ({ batch }) => {
      const t = now();
      first ??= { t, count };
      for (const m of batch.messages) {
        const value = m.value.toString();
        if (!latencyPhase) {
          if (value[0] !== '[') count++;
          else for (let i = value.indexOf(marker); i >= 0; i = value.indexOf(marker, i + 1)) count++;
          continue;
        }
        const parsed = JSON.parse(value);
        for (const v of Array.isArray(parsed) ? parsed : [parsed]) {
          const sentAt = sendTimes.get(v.flowId ?? v.flow_id);
          if (sentAt !== undefined) latencies.push(t - sentAt);
        }
      }
    },
  });
  const env = { ...process.env, LOG_LEVEL: 'warn' };
  const child =
    kind === 'pipe'
      ? spawn(process.execPath, [PIPE], {
          env: { ...env, PIPE_BROKERS: broker, PIPE_IN: inTopic, PIPE_OUT: outTopic, PIPE_GROUP: group },
          stdio: ['ignore', 'inherit', 'inherit'],
        })
      : spawn(process.execPath, [CLI, 'stream', '--source', 'kafka', '--no-listen'], {
          env: {
            ...env,
            VIGIL_DATA_DIR: dataDir,
            KAFKA_BROKERS: broker,
            STREAM_INPUT_TOPICS: inTopic,
            STREAM_OUTPUT_TOPIC: outTopic,
            STREAM_DLQ_TOPIC: 'none',
            STREAM_GROUP_ID: group,
            STREAM_STORE: 'none',
            STREAM_INGEST: 'false',
          },
          stdio: ['ignore', 'ignore', 'ignore'],
        });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  try {
    await waitFor(() => count >= FLOWS, 600_000, `${FLOWS} flows through ${kind}`);
    const flowsPerSecond = (FLOWS - first.count) / ((now() - first.t) / 1000);
    // Latency: RATE flows/s for SECONDS, in sends every 10 ms.
    latencyPhase = true;
    const sim = createTrafficSimulator({ seed: 99 });
    let seq = 0;
    const tickFlows = Math.max(perMessage, Math.round(RATE / 100));
    const start = performance.now();
    for (let tick = 0; tick < SECONDS * 100; tick++) {
      const due = start + tick * 10;
      while (performance.now() < due) await sleep(Math.max(0, due - performance.now() - 1));
      const batch = [];
      for (let f = 0; f < tickFlows; f += perMessage) {
        const records = [];
        for (let k = 0; k < perMessage; k++) records.push({ ...sim.next().record, flow_id: `L${seq++}` });
        const t = now();
        for (const r of records) sendTimes.set(r.flow_id, t);
        batch.push({ value: JSON.stringify(perMessage === 1 ? records[0] : records) });
      }
      await producer.send({ topic: inTopic, acks: -1, messages: batch });
    }
    await waitFor(() => latencies.length >= seq, 60_000, 'latency flows');
    latencies.sort((a, b) => a - b);
    return { flowsPerSecond, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) };
  } finally {
    await producer.disconnect();
    await reader.disconnect();
    child.kill('SIGTERM');
    await exited;
    await admin.deleteTopics({ topics: [inTopic, outTopic] }).catch(() => {});
  }
}

const dir = await mkdtemp(join(tmpdir(), 'vigil-bench-stream-'));
try {
  console.log(`Training the demo model on ${TRAIN_ROWS.toLocaleString('en-US')} synthetic flows…`);
  const document = await demoModel();
  let store = await openStore({ dataDir: embeddedDatabaseDir(dir) });
  await migrateToLatest(store.db);
  await new ModelRegistry(store.db).register(document, 'bench', {
    stage: 'production',
    reason: 'bench:stream',
  });
  console.log(`model ${document.id}: ${document.ensemble.trees.length} trees`);
  const embedded = await embeddedRun(store, dir, Math.max(FLOWS, 200_000));
  await store.close();
  store = undefined;

  const broker = brokers();
  const kafka = new Kafka({ clientId: 'bench-stream', brokers: [broker], logLevel: logLevel.ERROR });
  const admin = kafka.admin();
  await admin.connect();
  const sim = createTrafficSimulator({ seed: 7, attackShare: 0.1 });
  const records = Array.from({ length: 20_000 }, () => sim.next().record);
  const pools = {
    1: records.map((r) => JSON.stringify(r)),
    100: Array.from({ length: 200 }, (_, i) => JSON.stringify(records.slice(i * 100, i * 100 + 100))),
  };
  const rows = [];
  for (const perMessage of [1, 100]) {
    for (const kind of ['pipe', 'vigil']) {
      console.log(
        `Kafka ${kind === 'pipe' ? 'baseline (no scoring)' : 'Vigil (scoring)'}, ${perMessage} flow(s)/message…`,
      );
      rows.push({
        kind,
        perMessage,
        ...(await kafkaRun({
          kafka,
          admin,
          broker,
          kind,
          perMessage,
          dataDir: dir,
          pool: pools[perMessage],
        })),
      });
    }
  }
  await admin.disconnect();

  console.log(`\nStream benchmark (${cpus().length} cores, ${cpus()[0].model}, Node ${process.version})`);
  console.log(
    `Kafka runs: ${FLOWS.toLocaleString('en-US')} flows for throughput; latency at ${RATE.toLocaleString('en-US')} flows/s for ${SECONDS} s.\n`,
  );
  console.log('| run | flows/s | p50 ms | p99 ms |');
  console.log('| --- | ---: | ---: | ---: |');
  console.log(
    `| embedded simulator → score (store off) | ${fmt(embedded.flowsPerSecond)} | ${fmt(embedded.p50, 2)} | ${fmt(embedded.p99, 2)} |`,
  );
  for (const r of rows) {
    const name =
      r.kind === 'pipe' ? 'Kafka → Kafka baseline, no scoring' : 'Kafka → score → Kafka (vigil stream)';
    console.log(
      `| ${name}, ${r.perMessage} flow(s)/msg | ${fmt(r.flowsPerSecond)} | ${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} |`,
    );
  }
  console.log('');
  for (const perMessage of [1, 100]) {
    const base = rows.find((r) => r.kind === 'pipe' && r.perMessage === perMessage);
    const vigil = rows.find((r) => r.kind === 'vigil' && r.perMessage === perMessage);
    const ratio = vigil.flowsPerSecond / base.flowsPerSecond;
    const added = vigil.p99 - base.p99;
    console.log(
      `${perMessage} flow(s)/msg: Vigil/baseline throughput ${fmt(ratio, 2)}; added p50 ${fmt(vigil.p50 - base.p50, 2)} ms, ` +
        `added p99 ${fmt(added, 2)} ms; targets ≥ ${fmt(TARGETS.flowsPerSecond)} flows/s: ` +
        `${vigil.flowsPerSecond >= TARGETS.flowsPerSecond ? 'met' : 'NOT met'}, added p99 ≤ ${TARGETS.addedP99Ms} ms: ` +
        `${added <= TARGETS.addedP99Ms ? 'met' : 'NOT met'}`,
    );
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
