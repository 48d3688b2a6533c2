import { performance } from 'node:perf_hooks';
import { type AlertPublisher, alertsOf } from '../modules/live/live-feed.js';
import type { AppMetrics } from '../modules/metrics/metrics.js';
import type { ScoringService } from '../modules/scoring/scoring.service.js';
import { type FlowSource, type SourceBatch, sleep } from './flow-source.js';
import type { VerdictSink } from './store-sink.js';
import { type ScoredBatch, scoreBatch } from './stream-batch.js';

export interface StreamLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface StreamServiceDeps {
  /** Picks the production model (the same resolution as POST /predict/flows). */
  scoring: Pick<ScoringService, 'resolveModel'>;
  metrics: AppMetrics;
  /** Durable sinks, written in order before the source commits (store, output topic). */
  sinks: readonly VerdictSink[];
  /** The live feed: alerts are published after the commit. */
  live?: AlertPublisher;
  /** Flow schema to score with; undefined = the only flow model in production. */
  schema?: string;
  clock: () => Date;
  log: StreamLog;
}

export interface StreamStats {
  batches: number;
  flows: number;
  attacks: number;
  deadLetters: number;
  /** Attempts that failed and were retried (model missing, store or broker down). */
  retries: number;
}

const MAX_BACKOFF_MS = 10_000;

/**
 * Runs one source through micro-batched scoring into the sinks. Per batch: score with the
 * production model (bad records become dead letters, the rest is scored), write every durable sink,
 * then commit the source: a crash before the commit redelivers the batch, and the store's keys
 * keep each flow's verdict single. A failure (no production model, store or broker down) retries
 * the same batch with backoff rather than skipping it; the source waits meanwhile (backpressure).
 */
export class StreamService {
  readonly stats: StreamStats = { batches: 0, flows: 0, attacks: 0, deadLetters: 0, retries: 0 };
  readonly sourceLabel: string;
  private readonly abort = new AbortController();
  private running: Promise<StreamStats> | undefined;

  constructor(
    readonly source: FlowSource,
    private readonly deps: StreamServiceDeps,
  ) {
    this.sourceLabel = `stream:${source.name}`;
  }

  /** Consumes the source until it ends or {@link stop} is called; resolves with the totals. */
  run(): Promise<StreamStats> {
    this.running ??= this.loop();
    return this.running;
  }

  /** Graceful stop: the batch in hand is finished and committed, then the source is closed. */
  async stop(): Promise<StreamStats> {
    if (!this.abort.signal.aborted) {
      this.abort.abort();
      await this.source.stop();
    }
    return this.running ?? this.stats;
  }

  get stopping(): boolean {
    return this.abort.signal.aborted;
  }

  private async loop(): Promise<StreamStats> {
    for await (const batch of this.source.batches()) {
      if (!(await this.process(batch))) break;
    }
    return this.stats;
  }

  /** Processes one batch until it is written and committed; false when stopped first. */
  private async process(batch: SourceBatch): Promise<boolean> {
    const { metrics, log } = this.deps;
    let lastError = '';
    for (let attempt = 0; ; attempt++) {
      // Stopping interrupts only retries: a batch is always given its first attempt.
      if (attempt > 0 && this.stopping) {
        batch.abandon?.(new Error('stream stopped'));
        return false;
      }
      let scored: ScoredBatch;
      try {
        const model = this.deps.scoring.resolveModel(this.deps.schema);
        const t0 = performance.now();
        scored = scoreBatch(model, batch.messages, this.sourceLabel, this.deps.clock());
        metrics.streamScoring.observe({ source: this.sourceLabel }, (performance.now() - t0) / 1000);
        for (const sink of this.deps.sinks) await sink.write(scored);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        // Log a failure when it first happens or changes, not on every retry.
        if (message !== lastError) log.warn(`${this.sourceLabel}: batch not written, retrying: ${message}`);
        lastError = message;
        this.stats.retries++;
        await batch.heartbeat?.().catch(() => {});
        await sleep(Math.min(MAX_BACKOFF_MS, 100 * 2 ** Math.min(attempt, 7)), this.abort.signal);
        continue;
      }
      if (lastError) log.info(`${this.sourceLabel}: writing again after ${attempt} retries`);
      await batch.commit();
      this.afterCommit(batch, scored);
      return true;
    }
  }

  private afterCommit(batch: SourceBatch, scored: ScoredBatch): void {
    const { metrics } = this.deps;
    const source = this.sourceLabel;
    const flows = scored.flows.length;
    this.stats.batches++;
    this.stats.flows += flows;
    this.stats.attacks += scored.attacks;
    this.stats.deadLetters += scored.deadLetters.length;
    if (scored.attacks > 0) metrics.streamFlows.inc({ source, verdict: 'attack' }, scored.attacks);
    if (flows > scored.attacks)
      metrics.streamFlows.inc({ source, verdict: 'benign' }, flows - scored.attacks);
    for (const d of scored.deadLetters) metrics.streamDeadLetters.inc({ source, reason: d.code });
    for (const { topic, partition, messages } of batch.lag ?? []) {
      metrics.streamLag.set({ source, topic, partition: String(partition) }, messages);
    }
    // Per message (a message may hold many flows): produce time → verdicts written.
    const now = Date.now();
    const latency = metrics.streamLatency.labels({ source });
    for (const m of batch.messages) {
      if (m.producedAt !== undefined && m.producedAt > 0)
        latency.observe(Math.max(0, now - m.producedAt) / 1000);
    }
    if (scored.attacks > 0 && this.deps.live) {
      const f = scored.flows;
      this.deps.live.publish(
        alertsOf(
          scored.model.kind,
          f.map((x) => x.prediction),
          (i) => f[i].tuple,
          source,
          scored.at,
          (i) => f[i].key,
        ),
      );
    }
  }
}
