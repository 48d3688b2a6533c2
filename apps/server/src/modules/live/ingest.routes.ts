import { randomUUID } from 'node:crypto';
import { flowRecordSchema, MAX_RECORDS } from '@vigil/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors/app-error.js';
import type { StreamMessage } from '../../stream/flow-source.js';
import type { Role } from '../auth/principal.js';

const SCORERS: readonly Role[] = ['admin', 'analyst'];

const bodySchema = z.strictObject({
  records: z
    .array(
      flowRecordSchema(
        'One flow: a canonical flow record, a CICFlowMeter row or a Zeek conn.log record (JSON). ' +
          'A `flow_id` (or Zeek `uid`) makes retries idempotent: a flow already scored is not stored twice.',
      ),
    )
    .min(1, 'send at least one record')
    .max(MAX_RECORDS, `send at most ${MAX_RECORDS} records per request`),
});

const querySchema = z.strictObject({
  wait: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true')
    .describe('Answer once the verdicts are stored (200) instead of once queued (202)'),
});

const acceptedSchema = z.object({
  accepted: z.number().int(),
  queued: z.number().int().describe('Flows waiting in the ingest queue after this request'),
  written: z.boolean().describe('True when the verdicts are stored (wait=true)'),
});

/** The idempotency key of an ingested record: its flow id when it has one, else a fresh key. */
function keyOf(record: Record<string, unknown>, request: string, i: number): string {
  const id = record.flow_id ?? record.uid;
  return typeof id === 'string' && id.length > 0 && id.length <= 200 ? `http:${id}` : `http:${request}:${i}`;
}

/**
 * `POST /api/v1/ingest/flows`: pushes flows into the stream service's bounded in-process queue.
 * Scored asynchronously like any stream (store, live feed, dead letters for bad records); 429 with
 * Retry-After when the queue is full (backpressure), 503 when no stream consumes it here.
 */
export const ingestRoutes: FastifyPluginAsyncZod = async (app) => {
  const runtime = app.streams;
  const schema = app.config.stream.schema;

  app.post(
    '/api/v1/ingest/flows',
    {
      config: { auth: SCORERS },
      schema: {
        tags: ['stream'],
        summary: `Queue 1 to ${MAX_RECORDS} flow records for the stream service`,
        description:
          'Records are scored by the production model in micro-batches, stored with source ' +
          '`stream:http`, and alerts appear on GET /live/alerts. Malformed records go to the dead ' +
          'letters with the reason. A full queue answers 429 RATE_LIMITED (retry after the delay ' +
          'given); without wait=true, flows queued when the server stops are lost: use Kafka for ' +
          'delivery that survives a crash.',
        querystring: querySchema,
        body: bodySchema,
        response: { 200: acceptedSchema, 202: acceptedSchema },
      },
    },
    async (request, reply) => {
      if (!runtime.ingestRunning) {
        throw new AppError(
          'NOT_READY',
          'flow ingest is off in this process (STREAM_INGEST=false) or stopping',
        );
      }
      // Refuse at the door what the stream could not score: no model, or several and no STREAM_SCHEMA.
      app.streams.resolveModel(schema);
      const id = randomUUID();
      const { records } = request.body;
      const messages: StreamMessage[] = records.map((value, i) => ({
        key: keyOf(value, id, i),
        value,
        producedAt: Date.now(),
      }));
      const offered = runtime.ingest.offer(messages);
      if (offered === 'full') {
        reply.header('retry-after', '1');
        throw new AppError(
          'RATE_LIMITED',
          `the ingest queue is full (${runtime.ingest.depth} of ${runtime.ingest.capacity} flows waiting); retry shortly`,
        );
      }
      if (offered === 'closed') throw new AppError('NOT_READY', 'the stream service is stopping');
      if (request.query.wait) {
        await offered.written.catch((err: Error) => {
          throw new AppError('NOT_READY', `flows not written: ${err.message}`);
        });
        return reply
          .status(200)
          .send({ accepted: records.length, queued: runtime.ingest.depth, written: true });
      }
      return reply
        .status(202)
        .send({ accepted: records.length, queued: runtime.ingest.depth, written: false });
    },
  );
};
