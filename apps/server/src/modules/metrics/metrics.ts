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
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: AppMetrics;
  }
}
