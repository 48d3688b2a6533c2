import type { LiveAlert } from '@vigil/contracts';
import type { FlowTuple } from '@vigil/detect';
import type { FlowPrediction } from '../scoring/flow-scorer.js';

/** One alert as the live feed carries it (server-sent events and the recent-alerts snapshot). */
export type { LiveAlert };

/** What a producer hands the feed: an alert without its sequence number. */
export type LiveAlertInput = Omit<LiveAlert, 'seq'>;

/** The one method producers need (the scoring service and the stream service). */
export interface AlertPublisher {
  publish(alerts: readonly LiveAlertInput[]): void;
}

export interface LiveFilter {
  minScore?: number;
  category?: string;
}

/** A subscriber's callback; `close` tells it the feed is shutting down. */
export interface LiveSubscriber {
  send(alert: LiveAlert): void;
  close(): void;
}

/** The attacks among predictions, as live alerts. */
export function alertsOf(
  kind: string,
  predictions: readonly FlowPrediction[],
  tuple: (i: number) => FlowTuple,
  source: string,
  at: Date,
  eventKey?: (i: number) => string | null,
): LiveAlertInput[] {
  const out: LiveAlertInput[] = [];
  const iso = at.toISOString();
  for (let i = 0; i < predictions.length; i++) {
    const p = predictions[i];
    if (p.verdict !== 'attack') continue;
    out.push({
      at: iso,
      source,
      modelId: p.modelId,
      modelVersion: p.modelVersion,
      kind,
      probability: p.probability,
      category: p.category,
      riskScore: p.riskScore,
      ...tuple(i),
      topFeatures: p.topFeatures,
      eventKey: eventKey?.(i) ?? null,
    });
  }
  return out;
}

export function matches(alert: LiveAlert, filter: LiveFilter): boolean {
  if (filter.minScore !== undefined && alert.riskScore < filter.minScore) return false;
  if (filter.category !== undefined && alert.category !== filter.category) return false;
  return true;
}

/**
 * In-process event bus of alerts: producers publish, SSE clients subscribe with a filter. It keeps
 * the last `recent` alerts (the snapshot, and the replay for a client reconnecting with
 * Last-Event-ID); nothing else is buffered here: a slow client's stream drops, never queues.
 */
export class LiveFeed implements AlertPublisher {
  private seq = 0;
  private readonly ring: LiveAlert[] = [];
  private readonly subscribers = new Map<LiveSubscriber, LiveFilter>();
  private closed = false;

  constructor(private readonly recent = 500) {}

  publish(alerts: readonly LiveAlertInput[]): void {
    if (this.closed) return;
    for (const input of alerts) {
      const alert: LiveAlert = { seq: ++this.seq, ...input };
      this.ring.push(alert);
      if (this.ring.length > this.recent) this.ring.shift();
      for (const [sub, filter] of this.subscribers) if (matches(alert, filter)) sub.send(alert);
    }
  }

  /** Recent alerts matching `filter`, oldest first, after `afterSeq` when given, at most `limit`. */
  snapshot(filter: LiveFilter, limit: number, afterSeq = 0): LiveAlert[] {
    const out = this.ring.filter((a) => a.seq > afterSeq && matches(a, filter));
    return out.slice(Math.max(0, out.length - limit));
  }

  subscribe(filter: LiveFilter, subscriber: LiveSubscriber): () => void {
    if (this.closed) {
      subscriber.close();
      return () => {};
    }
    this.subscribers.set(subscriber, filter);
    return () => {
      this.subscribers.delete(subscriber);
    };
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** Ends every subscription (server shutdown: open SSE responses would keep it from closing). */
  close(): void {
    this.closed = true;
    for (const sub of this.subscribers.keys()) sub.close();
    this.subscribers.clear();
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    liveFeed: LiveFeed;
  }
}
