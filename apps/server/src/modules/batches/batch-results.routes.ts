import { Readable } from 'node:stream';
import { URL_BATCH_KIND } from '@vigil/detect';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/database.js';
import type { Role } from '../auth/principal.js';
import type { ActiveModels } from '../models/active-models.js';
import { intParam } from '../predictions/prediction-filters.schema.js';
import { EXPORT_CONTENT_TYPES, type ExportRow, exportChunks } from '../predictions/predictions-export.js';
import { EXPORT_PAGE_SIZE, toPredictionDto } from '../predictions/predictions-query.service.js';
import { decodeChunk } from './batch-chunks.js';
import { toBatchDto } from './batch-dto.js';
import { readChunkAlerts } from './batch-history.js';
import { readPendingAlerts } from './batch-pending-alerts.js';
import { selectBatchAlerts, selectChunks } from './batch-results.repo.js';
import { FINAL } from './batches.repo.js';
import type { BatchesService } from './batches.service.js';

const VIEWERS: readonly Role[] = ['admin', 'analyst', 'viewer'];
const idParams = z.strictObject({ id: intParam(1, 2 ** 31 - 1) });

/** How often the event stream reports progress. */
export const EVENTS_INTERVAL_MS = 500;

/** A result row: the history export's columns (`id` is the alert's history id, null for benign rows). */
type RowDto = ExportRow & { row: number };

/**
 * Result pages in row order, one stored chunk at a time (decoded from its packed arrays), with the
 * alerts' history rows (id, top features, input record) joined in by row number.
 */
async function* resultPages(
  db: Db,
  batch: { id: number; kind: string; file_path: string },
  loaded: ActiveModels,
): AsyncGenerator<RowDto[]> {
  const { id: batchId, kind } = batch;
  let after = 0;
  const source = `batch:${batchId}`;
  const urls = kind === URL_BATCH_KIND;
  for (;;) {
    const [chunk] = await selectChunks(db, batchId, after, 1);
    if (!chunk) return;
    const first = Number(chunk.first_row);
    after = first;
    const createdAt = chunk.created_at.toISOString();
    const alerts = new Map<number, RowDto>();
    // Not in history yet (the batch finished a moment ago): the alerts are in the chunk's file (or,
    // stored before 0009, in the chunk). Should the file be gone (its alerts written to history just
    // now, or deleted), they are read from history; rows it lacks keep their scores, unexplained.
    const pending =
      chunk.history ??
      (chunk.history_bytes === null ? null : readPendingAlerts(batch.file_path, first, chunk.history_bytes));
    if (pending !== null) {
      for (const a of await readChunkAlerts(db, pending, chunk.model_id, loaded)) {
        const [row, verdict, probability, category, riskScore, srcIp, dstIp, srcPort, dstPort, protocol] = a;
        alerts.set(row, {
          row,
          id: null,
          createdAt,
          modelId: chunk.model_id,
          kind,
          verdict: verdict as RowDto['verdict'],
          probability,
          category,
          riskScore,
          srcIp,
          dstIp,
          srcPort,
          dstPort,
          protocol,
          source,
          topFeatures: a[10] as RowDto['topFeatures'],
          record: a[11],
        });
      }
    } else {
      for (const a of await selectBatchAlerts(db, batchId, first, first + chunk.row_count - 1))
        alerts.set(a.batch_row, { row: a.batch_row, ...toPredictionDto(a) });
    }
    let page: RowDto[] = [];
    for (const r of decodeChunk(chunk)) {
      page.push(
        alerts.get(r.row) ?? {
          row: r.row,
          id: null,
          createdAt,
          modelId: chunk.model_id,
          kind,
          verdict: r.verdict,
          probability: r.probability,
          category: r.category,
          riskScore: r.riskScore,
          srcIp: r.srcIp,
          dstIp: r.dstIp,
          srcPort: r.srcPort,
          dstPort: r.dstPort,
          protocol: r.protocol,
          source,
          topFeatures: [],
          record: urls ? { url: r.url, domain: r.domain } : {},
        },
      );
      if (page.length >= EXPORT_PAGE_SIZE) {
        yield page;
        page = [];
      }
    }
    if (page.length > 0) yield page;
  }
}

/** Batch results (streamed export) and the progress event stream. */
export const batchResultsRoutes: FastifyPluginAsyncZod<{
  service: BatchesService;
  eventsIntervalMs?: number;
}> = async (app, options) => {
  const { service } = options;
  const interval = options.eventsIntervalMs ?? EVENTS_INTERVAL_MS;
  // Open event streams end when the server closes (before it waits for connections to finish);
  // clients reconnect after `retry` and pick up where the batch is.
  const streams = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const stop of streams) stop();
  });

  app.get(
    '/api/v1/batches/:id/results',
    {
      config: { auth: VIEWERS },
      schema: {
        tags: ['batches'],
        summary: "A batch's predictions in input row order as CSV, a JSON array or NDJSON (streamed)",
        description:
          'Each result carries its input `row` (1-based data row of the file); bad rows have none (see ' +
          'the summary). Alerts are also in prediction history (`id`) with their input record and top ' +
          'features; benign rows keep verdict, scores (probability to float32 precision) and the ' +
          '5-tuple, with `id` null and an empty record. CSV cells a spreadsheet would run as formulas ' +
          'are escaped.',
        params: idParams,
        querystring: z.strictObject({ format: z.enum(['csv', 'json', 'ndjson']).default('csv') }),
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const { format } = request.query;
      const batch = await service.get(id);
      const pages = resultPages(
        app.store.db,
        { id, kind: batch.kind, file_path: batch.file_path },
        app.activeModels,
      );
      // The first page is read before any byte goes out, so a failing query still gets an error status.
      const first = await pages.next();
      async function* all() {
        if (first.done) return;
        yield first.value;
        yield* pages;
      }
      return reply
        .header('content-disposition', `attachment; filename="vigil-batch-${id}-results.${format}"`)
        .type(EXPORT_CONTENT_TYPES[format])
        .send(Readable.from(exportChunks(all(), format, (r) => r.row)));
    },
  );

  app.get(
    '/api/v1/batches/:id/events',
    {
      config: { auth: VIEWERS },
      schema: {
        tags: ['batches'],
        summary:
          'Server-sent events: `progress` (the batch) every 500 ms, then `end` at a final state (for done: once its alerts are in history)',
        params: idParams,
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      let batch = await service.get(id);
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-request-id': String(request.id),
      });
      let open = true;
      let wake: (() => void) | undefined;
      const stop = () => {
        open = false;
        wake?.();
      };
      streams.add(stop);
      raw.on('close', stop);
      const send = (event: string, data: unknown) =>
        raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      raw.write(`retry: ${interval * 4}\n\n`);
      try {
        while (open) {
          const dto = toBatchDto(batch, app.clock());
          send('progress', dto);
          // A done batch's alerts go into history right after it: the stream follows them too.
          if (FINAL.includes(batch.state) && !(batch.state === 'done' && batch.history_state === 'pending')) {
            send('end', dto);
            break;
          }
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, interval);
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          if (!open) break;
          batch = await service.get(id);
        }
      } catch (err) {
        request.log.error({ err }, 'batch event stream failed');
        if (open)
          send('error', { message: `internal error; quote request id ${request.id} when reporting it` });
      }
      streams.delete(stop);
      raw.end();
    },
  );
};
