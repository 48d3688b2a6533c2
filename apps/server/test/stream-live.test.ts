import { createTrafficSimulator } from '@vigil/detect';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LiveAlert, LiveAlertInput } from '../src/modules/live/live-feed.js';
import { ModelRegistry } from '../src/modules/models/model-registry.service.js';
import { createSimulatorSource } from '../src/stream/embedded-sources.js';
import { streamModel } from './stream-fixtures.js';
import { authHeaders, buildTestApp } from './support/app.js';
import { describeEachEngine, openTestStore, type TestStore } from './support/stores.js';

/** The `event: alert` payloads of a server-sent event stream body. */
function alertsIn(body: string): LiveAlert[] {
  return body
    .split('\n\n')
    .filter((e) => e.includes('event: alert'))
    .map((e) =>
      JSON.parse(
        e
          .split('\n')
          .find((l) => l.startsWith('data: '))!
          .slice(6),
      ),
    );
}

const alert = (over: Partial<LiveAlertInput>): LiveAlertInput => ({
  at: '2026-01-01T00:00:00.000Z',
  source: 'test',
  modelId: 'm',
  modelVersion: 1,
  kind: 'synthetic-flows',
  probability: 0.9,
  category: 'attack',
  riskScore: 90,
  srcIp: null,
  dstIp: null,
  srcPort: null,
  dstPort: null,
  protocol: null,
  topFeatures: [],
  eventKey: null,
  ...over,
});

describeEachEngine('live alert feed', (engine) => {
  let store: TestStore;
  let app: FastifyInstance;
  let viewer: { authorization: string };

  /** Waits (bounded) until `n` clients listen to the feed. */
  const subscribers = async (n: number) => {
    for (let i = 0; i < 500 && app.liveFeed.subscriberCount < n; i++)
      await new Promise((r) => setTimeout(r, 5));
    expect(app.liveFeed.subscriberCount).toBe(n);
  };

  beforeAll(async () => {
    store = await openTestStore(engine);
    await new ModelRegistry(store.db, () => new Date()).register(await streamModel(), 'test', {
      stage: 'production',
      reason: 'live test',
    });
    app = await buildTestApp(store);
    viewer = await authHeaders(app, 'viewer');
  });
  afterAll(async () => {
    await app?.close();
    await store?.dispose();
  });

  it('streams the stream service’s alerts as server-sent events, filtered by score', async () => {
    const sse = app.inject({
      method: 'GET',
      url: '/api/v1/live/alerts?minScore=60&max=5',
      headers: { ...viewer, accept: 'text/event-stream' },
    });
    await subscribers(1);
    await app.streams.start(
      createSimulatorSource({
        seed: 3,
        batchSize: 50,
        limit: 2000,
        attackShare: 0.5,
        scenarios: ['port-scan', 'syn-flood'],
      }),
    ).done;
    const res = await sse;
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    const alerts = alertsIn(res.body);
    expect(alerts).toHaveLength(5);
    for (const a of alerts) {
      expect(a.riskScore).toBeGreaterThanOrEqual(60);
      expect(a).toMatchObject({ source: 'stream:simulator', kind: 'synthetic-flows', category: 'attack' });
      expect(a.eventKey).toMatch(/^simulator:sim-3-\d+$/);
    }
    expect(alerts.map((a) => a.seq)).toEqual([...alerts.map((a) => a.seq)].sort((x, y) => x - y));
    expect(res.body.startsWith('retry: 3000\n\n')).toBe(true);
    await subscribers(0);
  });

  it('filters by category, replays after Last-Event-ID, and answers a JSON snapshot without an event stream', async () => {
    const sse = app.inject({
      method: 'GET',
      url: '/api/v1/live/alerts?category=dos&max=1',
      headers: { ...viewer, accept: 'text/event-stream' },
    });
    await subscribers(1);
    app.liveFeed.publish([
      alert({ category: 'portscan', eventKey: 'a' }),
      alert({ category: 'dos', eventKey: 'b' }),
    ]);
    expect(alertsIn((await sse).body).map((a) => a.eventKey)).toEqual(['b']);

    const latest = app.liveFeed.snapshot({}, 1)[0].seq;
    app.liveFeed.publish([alert({ eventKey: 'c', riskScore: 70 }), alert({ eventKey: 'd', riskScore: 95 })]);
    const resumed = await app.inject({
      method: 'GET',
      url: '/api/v1/live/alerts?max=2',
      headers: { ...viewer, accept: 'text/event-stream', 'last-event-id': String(latest) },
    });
    expect(alertsIn(resumed.body).map((a) => a.eventKey)).toEqual(['c', 'd']);

    const snapshot = await app.inject({
      method: 'GET',
      url: '/api/v1/live/alerts?minScore=90&limit=3',
      headers: viewer,
    });
    expect(snapshot.statusCode).toBe(200);
    const { alerts } = snapshot.json() as { alerts: LiveAlert[] };
    expect(alerts.length).toBeLessThanOrEqual(3);
    expect(alerts.at(-1)?.eventKey).toBe('d');
    for (const a of alerts) expect(a.riskScore).toBeGreaterThanOrEqual(90);

    const anonymous = await app.inject({
      method: 'GET',
      url: '/api/v1/live/alerts',
      headers: { accept: 'text/event-stream' },
    });
    expect(anonymous.statusCode).toBe(401);
  });

  it('publishes the alerts of POST /api/v1/predict/flows', async () => {
    const analyst = await authHeaders(app, 'analyst');
    const sim = createTrafficSimulator({ seed: 5, attackShare: 1, scenarios: ['syn-flood'] });
    const records = Array.from({ length: 50 }, () => sim.next().record);
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/predict/flows',
      headers: analyst,
      payload: { records },
    });
    expect(res.statusCode).toBe(200);
    const attacks = res.json().summary.attacks as number;
    expect(attacks).toBeGreaterThan(0);
    const published = app.liveFeed.snapshot({}, 500).filter((a) => a.source === 'api');
    expect(published).toHaveLength(attacks);
    const ips = new Set(records.map((r) => r.src_ip));
    for (const a of published) {
      expect(ips.has(a.srcIp ?? '')).toBe(true);
      expect(a).toMatchObject({ kind: 'synthetic-flows', eventKey: null, category: 'attack' });
    }
  });

  it('ends open event streams when the server closes', async () => {
    const other = await buildTestApp(store);
    const sse = other.inject({
      method: 'GET',
      url: '/api/v1/live/alerts',
      headers: { ...(await authHeaders(other, 'viewer')), accept: 'text/event-stream' },
    });
    for (let i = 0; i < 500 && other.liveFeed.subscriberCount < 1; i++)
      await new Promise((r) => setTimeout(r, 5));
    await other.close();
    expect((await sse).statusCode).toBe(200);
  });
});
