import type { StreamConfig } from '../config/env.js';
import type { Db } from '../db/database.js';
import type { AlertPublisher } from '../modules/live/live-feed.js';
import type { AppMetrics } from '../modules/metrics/metrics.js';
import type { ScoringService } from '../modules/scoring/scoring.service.js';
import type { FlowSource } from './flow-source.js';
import { IngestQueue } from './ingest-queue.js';
import { createStoreSink, type VerdictSink } from './store-sink.js';
import { type StreamLog, StreamService, type StreamStats } from './stream.service.js';

export interface StreamRuntimeDeps {
  config: StreamConfig;
  db: Db;
  scoring: Pick<ScoringService, 'resolveModel'>;
  metrics: AppMetrics;
  live: AlertPublisher;
  clock: () => Date;
  log: StreamLog;
}

export interface StartOptions {
  /** Which verdicts go to the store (default: STREAM_STORE). */
  store?: StreamConfig['store'];
  /** Extra durable sinks after the store (the Kafka output topic); closed when the stream stops. */
  sinks?: readonly VerdictSink[];
  /** Publish alerts to the live feed (default true). */
  live?: boolean;
}

/** A stream running in this process. */
export interface RunningStream {
  readonly service: StreamService;
  /** Settles when the source ends or the stream is stopped (rejects if the source failed). */
  readonly done: Promise<StreamStats>;
  stop(): Promise<StreamStats>;
}

/**
 * The stream services of one server process: the HTTP ingest queue's consumer and whatever
 * `vigil start` / `vigil stream` start. Stopping the app stops them all, gracefully.
 */
export class StreamRuntime {
  readonly ingest: IngestQueue;
  private readonly running = new Set<RunningStream>();

  constructor(private readonly deps: StreamRuntimeDeps) {
    const { config } = deps;
    this.ingest = new IngestQueue(config.queueSize, config.batchSize, config.batchWaitMs);
  }

  /** Starts scoring `source`; returns at once, the stream runs in the background. */
  start(source: FlowSource, options: StartOptions = {}): RunningStream {
    const { deps } = this;
    const extra = options.sinks ?? [];
    const store = createStoreSink(deps.db, options.store ?? deps.config.store, {
      deadLettersToTable: source.deadLetters === 'table',
    });
    const service = new StreamService(source, {
      scoring: deps.scoring,
      metrics: deps.metrics,
      sinks: [store, ...extra],
      live: options.live === false ? undefined : deps.live,
      schema: deps.config.schema,
      clock: deps.clock,
      log: deps.log,
    });
    const closeSinks = async () => {
      for (const sink of extra)
        await sink.close?.().catch((err: Error) => deps.log.warn(`closing ${sink.name}: ${err.message}`));
    };
    const done = service.run().finally(async () => {
      this.running.delete(stream);
      await closeSinks();
    });
    // A failed source is reported by whoever awaits `done`; never an unhandled rejection.
    done.catch((err: Error) => deps.log.error(`${service.sourceLabel} stopped: ${err.message}`));
    const stream: RunningStream = {
      service,
      done,
      stop: async () => {
        await service.stop();
        return done.catch(() => service.stats);
      },
    };
    this.running.add(stream);
    return stream;
  }

  /** The model streams score with now (throws NO_PRODUCTION_MODEL and the like, as the API does). */
  resolveModel(schema = this.deps.config.schema) {
    return this.deps.scoring.resolveModel(schema);
  }

  /** Starts the consumer of the HTTP ingest queue (once). */
  startIngest(): RunningStream {
    for (const s of this.running) if (s.service.source === this.ingest) return s;
    return this.start(this.ingest);
  }

  get ingestRunning(): boolean {
    for (const s of this.running) if (s.service.source === this.ingest && !s.service.stopping) return true;
    return false;
  }

  list(): readonly RunningStream[] {
    return [...this.running];
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.running].map((s) => s.stop()));
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    streams: StreamRuntime;
  }
}
