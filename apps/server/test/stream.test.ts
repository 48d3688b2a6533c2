import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTrafficSimulator } from '@vigil/detect';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LiveAlert } from '../src/modules/live/live-feed.js';
import { ModelRegistry } from '../src/modules/models/model-registry.service.js';
import { createSimulatorSource } from '../src/stream/embedded-sources.js';
import { createFileSource } from '../src/stream/file-source.js';
import { arraySource, countRows, storedKeys, streamModel } from './stream-fixtures.js';
import { authHeaders, buildTestApp, testConfig } from './support/app.js';
import { describeEachEngine, openTestStore, type TestStore } from './support/stores.js';

describeEachEngine('stream service with embedded sources', (engine) => {
  let store: TestStore;
  let app: FastifyInstance;
  let dir: string;

  beforeAll(async () => {
    store = await openTestStore(engine);
    await new ModelRegistry(store.db, () => new Date()).register(await streamModel(), 'test', {
      stage: 'production',
      reason: 'stream test',
    });
    app = await buildTestApp(store);
    dir = await mkdtemp(join(tmpdir(), 'vigil-stream-'));
  });
  afterAll(async () => {
    await app?.close();
    await store?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('scores simulated flows into the store once each, keyed, and publishes their alerts live', async () => {
    const alerts: LiveAlert[] = [];
    const unsubscribe = app.liveFeed.subscribe({}, { send: (a) => alerts.push(a), close: () => {} });
    const run = () =>
      app.streams.start(createSimulatorSource({ seed: 7, batchSize: 64, limit: 500, attackShare: 0.4 })).done;
    const stats = await run();
    unsubscribe();
    expect(stats).toMatchObject({ flows: 500, deadLetters: 0, retries: 0 });
    const keys = await storedKeys(store.db, 'stream:simulator');
    expect(keys).toHaveLength(500);
    expect(new Set(keys)).toEqual(new Set(Array.from({ length: 500 }, (_, i) => `simulator:sim-7-${i}`)));

    const attacks = await store.db
      .selectFrom('predictions')
      .select(['event_key', 'src_ip', 'dst_port'])
      .where('source', '=', 'stream:simulator')
      .where('verdict', '=', 'attack')
      .execute();
    expect(stats.attacks).toBe(attacks.length);
    expect(attacks.length).toBeGreaterThan(20);
    expect(alerts.map((a) => a.eventKey).sort()).toEqual(attacks.map((a) => a.event_key).sort());
    const sim = createTrafficSimulator({ seed: 7, attackShare: 0.4, flowsPerSecond: 1000 });
    const first = sim.next().record;
    const row = await store.db
      .selectFrom('predictions')
      .selectAll()
      .where('event_key', '=', 'simulator:sim-7-0')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      src_ip: first.src_ip,
      dst_port: first.dst_port,
      protocol: 'tcp',
      kind: 'synthetic-flows',
    });

    // The same flows again (a replay): nothing is stored twice.
    await run();
    expect(await storedKeys(store.db, 'stream:simulator')).toHaveLength(500);
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(
      /vigil_stream_flows_total\{source="stream:simulator",verdict="attack"\} \d+/,
    );
    expect(metrics.body).toMatch(
      /vigil_stream_scoring_duration_seconds_count\{source="stream:simulator"\} \d+/,
    );
    expect(metrics.body).toMatch(/vigil_stream_latency_seconds_count\{source="stream:simulator"\} 1000/);
  });

  it('sends malformed messages and records to the dead letters with the reason, and goes on', async () => {
    const good = createTrafficSimulator({ seed: 9 });
    const rec = () => good.next().record;
    const source = arraySource([
      [
        { key: 'm:1', value: rec() },
        { key: 'm:2', value: '{"src_ip": "10.0.0.1", oops' },
        { key: 'm:3', value: { ...rec(), fwd_packets: 'lots' } },
        { key: 'm:4', value: 42 },
        { key: 'm:5', value: JSON.stringify([rec(), { ...rec(), colour: 'red' }, rec()]) },
        { key: 'm:6', value: [] },
      ],
      [{ key: 'm:7', value: Buffer.from(JSON.stringify(rec())) }],
    ]);
    const stats = await app.streams.start(source).done;
    expect(stats).toMatchObject({ flows: 4, deadLetters: 5, batches: 2 });
    expect(source.commits).toBe(2);
    expect((await storedKeys(store.db, 'stream:test')).sort()).toEqual(['m:1', 'm:5#0', 'm:5#2', 'm:7']);
    const letters = await store.db
      .selectFrom('stream_dead_letters')
      .select(['event_key', 'reason', 'payload', 'source'])
      .where('source', '=', 'stream:test')
      .orderBy('event_key')
      .execute();
    expect(letters.map((l) => [l.event_key, l.reason.split(':')[0]])).toEqual([
      ['m:2', 'malformed-json'],
      ['m:3', 'not-a-number'],
      ['m:4', 'not-an-object'],
      ['m:5#1', 'unknown-field'],
      ['m:6', 'empty-message'],
    ]);
    expect(letters[0].payload).toBe('{"src_ip": "10.0.0.1", oops');
    expect(letters[1].reason).toMatch(/field "fwd_packets": expected a number/);
    expect(JSON.parse(letters[3].payload)).toMatchObject({ colour: 'red' });
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(
      /vigil_stream_dead_letters_total\{source="stream:test",reason="malformed-json"\} 1/,
    );
  });

  it('replays NDJSON and CICFlowMeter CSV files, and maps Zeek conn records', async () => {
    const sim = createTrafficSimulator({ seed: 11 });
    const lines = Array.from({ length: 30 }, () => JSON.stringify(sim.next().record));
    lines.splice(5, 0, 'not json at all');
    lines.push(
      JSON.stringify({
        ts: 1767225600.5,
        uid: 'CZeek1',
        'id.orig_h': '10.0.0.9',
        'id.orig_p': 51000,
        'id.resp_h': '203.0.113.7',
        'id.resp_p': 22,
        proto: 'tcp',
        duration: 3.2,
        orig_bytes: 1200,
        resp_bytes: 2100,
        conn_state: 'SF',
        history: 'ShADadFf',
        orig_pkts: 18,
        resp_pkts: 16,
      }),
    );
    const ndjson = join(dir, 'flows.ndjson');
    await writeFile(ndjson, `${lines.join('\n')}\n`);
    const stats = await app.streams.start(createFileSource({ path: ndjson, batchSize: 8 })).done;
    expect(stats).toMatchObject({ flows: 31, deadLetters: 1 });
    const zeek = await store.db
      .selectFrom('predictions')
      .select(['src_ip', 'dst_port', 'record'])
      .where('event_key', '=', `file:${ndjson}:32`)
      .executeTakeFirstOrThrow();
    expect(zeek).toMatchObject({ src_ip: '10.0.0.9', dst_port: 22 });
    expect(zeek.record).toMatchObject({
      flow_id: 'CZeek1',
      fwd_packets: 18,
      duration_ms: 3200,
      syn_count: 2,
    });

    const csv = join(dir, 'cic.csv');
    const header =
      'Destination Port,Flow Duration,Total Fwd Packets,Total Backward Packets,' +
      'Total Length of Fwd Packets,Total Length of Bwd Packets,Flow Bytes/s,Flow Packets/s,Flow IAT Mean,' +
      'SYN Flag Count,RST Flag Count,Fwd PSH Flags,Label';
    const rows = [
      '80,1500000,8,10,900,12000,8600,12,88235,1,0,0,BENIGN',
      '22,2,1,1,0,0,,1000000,2,1,1,0,PortScan',
    ];
    await writeFile(csv, `${header}\n${rows.join('\n')}\n`);
    const csvStats = await app.streams.start(createFileSource({ path: csv, batchSize: 8 })).done;
    expect(csvStats).toMatchObject({ flows: 2, deadLetters: 0 });
    const cic = await store.db
      .selectFrom('predictions')
      .select('record')
      .where('event_key', '=', `file:${csv}:2`)
      .executeTakeFirstOrThrow();
    expect(cic.record).toMatchObject({
      dst_port: '80',
      duration_ms: 1500,
      fwd_packets: '8',
      mean_iat_ms: 88.235,
    });
  });

  it('POST /api/v1/ingest/flows queues flows, scores and stores them; 429 when the queue is full', async () => {
    const small = await buildTestApp(store, { stream: { ...testConfig().stream, queueSize: 5 } });
    try {
      const { authorization } = await authHeaders(small, 'analyst');
      const sim = createTrafficSimulator({ seed: 13 });
      const records = Array.from({ length: 3 }, () => sim.next().record);
      const before = await countRows(store.db, 'predictions');
      const res = await small.inject({
        method: 'POST',
        url: '/api/v1/ingest/flows?wait=true',
        headers: { authorization },
        payload: { records: [...records, { ...records[0], flow_id: 'bad-one', fwd_packets: [] }] },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ accepted: 4, written: true });
      expect(await countRows(store.db, 'predictions')).toBe(before + 3);
      expect((await storedKeys(store.db, 'stream:http')).sort()).toEqual(
        records.map((r) => `http:${r.flow_id}`).sort(),
      );
      const letter = await store.db
        .selectFrom('stream_dead_letters')
        .selectAll()
        .where('event_key', '=', 'http:bad-one')
        .executeTakeFirstOrThrow();
      expect(letter.reason).toMatch(/^not-a-number: .*fwd_packets/);

      // Sending the same flows again stores nothing new (their flow ids are their keys).
      const again = await small.inject({
        method: 'POST',
        url: '/api/v1/ingest/flows?wait=true',
        headers: { authorization },
        payload: { records },
      });
      expect(again.statusCode).toBe(200);
      expect(await countRows(store.db, 'predictions')).toBe(before + 3);

      const full = await small.inject({
        method: 'POST',
        url: '/api/v1/ingest/flows',
        headers: { authorization },
        payload: { records: Array.from({ length: 6 }, () => sim.next().record) },
      });
      expect(full.statusCode).toBe(429);
      expect(full.headers['retry-after']).toBe('1');
      expect(full.json().error.code).toBe('RATE_LIMITED');
      const queued = await small.inject({
        method: 'POST',
        url: '/api/v1/ingest/flows',
        headers: { authorization },
        payload: { records: [sim.next().record] },
      });
      expect(queued.statusCode).toBe(202);
    } finally {
      await small.close();
    }
    const off = await buildTestApp(store, { stream: { ...testConfig().stream, ingest: false } });
    try {
      const { authorization } = await authHeaders(off, 'admin');
      const res = await off.inject({
        method: 'POST',
        url: '/api/v1/ingest/flows',
        headers: { authorization },
        payload: { records: [{}] },
      });
      expect(res.statusCode).toBe(503);
      expect(res.json().error.code).toBe('NOT_READY');
    } finally {
      await off.close();
    }
  });
});
