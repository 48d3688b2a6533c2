import { liveSnapshotSchema } from '@vigil/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Role } from '../auth/principal.js';
import type { LiveAlert, LiveFilter } from './live-feed.js';

const VIEWERS: readonly Role[] = ['admin', 'analyst', 'viewer'];
/** Comment line sent this often so proxies and clients see a live connection. */
const HEARTBEAT_MS = 15_000;

const querySchema = z.strictObject({
  minScore: z.coerce.number().int().min(0).max(100).optional().describe('Only alerts with riskScore ≥ this'),
  category: z.string().min(1).max(64).optional().describe('Only alerts of this category'),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(500)
    .default(100)
    .describe('Snapshot: most recent alerts returned (JSON only)'),
  max: z.coerce
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .optional()
    .describe('Event stream: end the stream after this many alerts (default: never)'),
});

const sseEvent = (alert: LiveAlert): string =>
  `id: ${alert.seq}\nevent: alert\ndata: ${JSON.stringify(alert)}\n\n`;

/**
 * `GET /api/v1/live/alerts`: the live alert feed. With `Accept: text/event-stream` (EventSource) it
 * streams server-sent events (`event: alert`, `id` = the alert's seq; a client reconnecting with
 * Last-Event-ID first gets the recent alerts it missed); otherwise it answers a JSON snapshot of
 * the most recent alerts. A client that reads too slowly loses alerts (an `event: dropped` says how
 * many) rather than making the server buffer them.
 */
export const liveRoutes: FastifyPluginAsyncZod = async (app) => {
  const feed = app.liveFeed;

  app.get(
    '/api/v1/live/alerts',
    {
      config: { auth: VIEWERS },
      schema: {
        tags: ['live'],
        summary: 'Live alerts: server-sent events (Accept: text/event-stream) or the recent ones as JSON',
        description:
          'Alerts from POST /predict/flows and from every stream source, as they are scored. Filters: ' +
          'minScore (risk score 0–100) and category. The event stream sends `event: alert` with the ' +
          'alert as JSON data and its seq as id, `event: dropped` ({count}) when a slow client missed ' +
          'alerts, and a comment line every 15 s.',
        querystring: querySchema,
        response: { 200: liveSnapshotSchema },
      },
    },
    async (request, reply) => {
      const { minScore, category, limit, max } = request.query;
      const filter: LiveFilter = { minScore, category };
      if (!String(request.headers.accept ?? '').includes('text/event-stream')) {
        return { alerts: feed.snapshot(filter, limit) };
      }
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-request-id': String(request.id),
      });
      res.write('retry: 3000\n\n');
      let sent = 0;
      let dropped = 0;
      let congested = false;
      let finished = false;
      let unsubscribe = () => {};
      const finish = () => {
        if (finished) return;
        finished = true;
        clearInterval(heartbeat);
        unsubscribe();
        res.end();
      };
      const write = (chunk: string): void => {
        if (finished) return;
        if (congested) {
          dropped++;
          return;
        }
        if (!res.write(chunk)) {
          congested = true;
          res.once('drain', () => {
            congested = false;
            if (dropped > 0) res.write(`event: dropped\ndata: {"count":${dropped}}\n\n`);
            dropped = 0;
          });
        }
      };
      const send = (alert: LiveAlert) => {
        if (finished) return;
        write(sseEvent(alert));
        if (max !== undefined && ++sent >= max) finish();
      };
      const heartbeat = setInterval(() => write(': ping\n\n'), HEARTBEAT_MS);
      heartbeat.unref();
      unsubscribe = feed.subscribe(filter, { send, close: finish });
      request.raw.on('close', finish);
      const lastId = Number(request.headers['last-event-id']);
      if (Number.isInteger(lastId) && lastId >= 0)
        for (const a of feed.snapshot(filter, 500, lastId)) send(a);
      return reply;
    },
  );
};
