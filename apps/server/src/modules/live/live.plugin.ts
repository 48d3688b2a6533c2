import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { StreamRuntime } from '../../stream/stream-runtime.js';
import { ScoringService } from '../scoring/scoring.service.js';
import { ingestRoutes } from './ingest.routes.js';
import { liveRoutes } from './live.routes.js';
import { LiveFeed } from './live-feed.js';

/**
 * Live detection in the server process: the alert feed (`app.liveFeed`, fed by POST /predict/flows
 * and every stream), the stream runtime (`app.streams`: the HTTP ingest consumer, and the streams
 * `vigil start` / `vigil stream` run), and their routes. Register it before the scoring routes,
 * which publish to the feed.
 */
async function live(app: FastifyInstance): Promise<void> {
  const feed = new LiveFeed();
  app.decorate('liveFeed', feed);
  const log = app.log.child({ module: 'stream' });
  const runtime = new StreamRuntime({
    config: app.config.stream,
    db: app.store.db,
    scoring: new ScoringService({
      activeModels: app.activeModels,
      db: app.store.db,
      history: app.config.history,
      metrics: app.metrics,
      clock: app.clock,
    }),
    metrics: app.metrics,
    live: feed,
    clock: app.clock,
    log: {
      info: (m) => log.info(m),
      warn: (m) => log.warn(m),
      error: (m) => log.error(m),
    },
  });
  app.decorate('streams', runtime);
  app.addHook('onReady', async () => {
    if (app.config.stream.ingest) runtime.startIngest();
  });
  // Open event streams would keep the HTTP server from closing; streams stop before the store does.
  app.addHook('preClose', async () => feed.close());
  app.addHook('onClose', async () => runtime.stopAll());
  await app.register(liveRoutes);
  await app.register(ingestRoutes);
}

export const livePlugin = fp(live, { name: 'vigil-live', fastify: '5.x' });
