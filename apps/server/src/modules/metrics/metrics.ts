import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The server's Prometheus metrics, one registry per app so tests and several apps in one process
 * do not share counters. Modules receive the `AppMetrics` object and update the series they own.
 */
export interface AppMetrics {
  readonly registry: Registry;
  /** Request durations by method, route pattern and status code. */
  readonly httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  /** Predictions served, by model kind and verdict. */
  readonly predictions: Counter<'kind' | 'verdict'>;
  /** 1 for each model currently in production, labelled with its kind, id and version. */
  readonly modelInUse: Gauge<'kind' | 'model_id' | 'version'>;
  // Streaming (issue #6).
  /** Flows scored by stream sources (its rate is flows/s), by source and verdict. */
  readonly streamFlows: Counter<'source' | 'verdict'>;
  /** Messages behind the last batch consumed, per source, topic and partition. */
  readonly streamLag: Gauge<'source' | 'topic' | 'partition'>;
  /** Time to decode and score one stream micro-batch. */
  readonly streamScoring: Histogram<'source'>;
  /** Producer timestamp → verdicts written, per message, when the source knows the produce time. */
  readonly streamLatency: Histogram<'source'>;
  /** Malformed stream messages sent to the dead letters, by source and reason. */
  readonly streamDeadLetters: Counter<'source' | 'reason'>;
}

export function createAppMetrics(options: { defaultMetrics?: boolean } = {}): AppMetrics {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'vigil_' });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'vigil_http_request_duration_seconds',
      help: 'HTTP request duration in seconds',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    predictions: new Counter({
      name: 'vigil_predictions_total',
      help: 'Predictions served, by model kind and verdict',
      labelNames: ['kind', 'verdict'],
      registers: [registry],
    }),
    modelInUse: new Gauge({
      name: 'vigil_model_in_use',
      help: 'Models in production (value 1), by kind, id and version',
      labelNames: ['kind', 'model_id', 'version'],
      registers: [registry],
    }),
    streamFlows: new Counter({
      name: 'vigil_stream_flows_total',
      help: 'Flows scored by stream sources, by source and verdict',
      labelNames: ['source', 'verdict'],
      registers: [registry],
    }),
    streamLag: new Gauge({
      name: 'vigil_stream_consumer_lag',
      help: 'Messages behind the last batch consumed, by source, topic and partition',
      labelNames: ['source', 'topic', 'partition'],
      registers: [registry],
    }),
    streamScoring: new Histogram({
      name: 'vigil_stream_scoring_duration_seconds',
      help: 'Time to decode and score one stream micro-batch',
      labelNames: ['source'],
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    streamLatency: new Histogram({
      name: 'vigil_stream_latency_seconds',
      help: 'Produce time to verdicts written, per message, for sources that carry a produce time',
      labelNames: ['source'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    streamDeadLetters: new Counter({
      name: 'vigil_stream_dead_letters_total',
      help: 'Malformed stream messages sent to the dead letters, by source and reason',
      labelNames: ['source', 'reason'],
      registers: [registry],
    }),
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: AppMetrics;
  }
}
