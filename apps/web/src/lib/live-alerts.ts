// Live alerts as the server's feed sends them (GET /api/v1/live/alerts, server-sent events), and
// the list logic of the Live page: newest first, capped, filtered, related by address.

import type { LiveAlert } from '../api/types';
import type { SseEvent } from './sse';

export type { LiveAlert };

/** The alert in an SSE event, or null for other events (heartbeats, notices) and bad data. */
export function alertOf(event: SseEvent): LiveAlert | null {
  if (event.event !== 'alert' && event.event !== 'message') return null;
  try {
    const v = JSON.parse(event.data) as Partial<LiveAlert>;
    if (typeof v !== 'object' || v === null) return null;
    if (typeof v.seq !== 'number' || typeof v.riskScore !== 'number' || typeof v.at !== 'string') return null;
    return { topFeatures: [], eventKey: null, ...v } as LiveAlert;
  } catch {
    return null;
  }
}

export const MAX_ALERTS = 500;

/** Adds new alerts (newest first), drops repeats by seq (a reconnect may resend), keeps `max`. */
export function mergeAlerts(
  current: readonly LiveAlert[],
  incoming: readonly LiveAlert[],
  max = MAX_ALERTS,
): LiveAlert[] {
  if (incoming.length === 0) return current as LiveAlert[];
  const seen = new Set(current.map((a) => a.seq));
  const fresh: LiveAlert[] = [];
  for (const a of incoming) {
    if (seen.has(a.seq)) continue;
    seen.add(a.seq);
    fresh.push(a);
  }
  return [...fresh, ...current].sort((a, b) => b.seq - a.seq).slice(0, max);
}

export interface LiveFilters {
  minScore: number;
  category: string;
  /** Matches either address (prefix). */
  address: string;
}

export function filterAlerts(alerts: readonly LiveAlert[], f: LiveFilters): LiveAlert[] {
  const address = f.address.trim();
  return alerts.filter(
    (a) =>
      a.riskScore >= f.minScore &&
      (!f.category || a.category === f.category) &&
      (!address || (a.srcIp ?? '').startsWith(address) || (a.dstIp ?? '').startsWith(address)),
  );
}

/** Other alerts from the same source address, newest first. */
export function relatedAlerts(alerts: readonly LiveAlert[], alert: LiveAlert, max = 10): LiveAlert[] {
  if (!alert.srcIp) return [];
  return alerts.filter((a) => a.seq !== alert.seq && a.srcIp === alert.srcIp).slice(0, max);
}

/** The categories seen, sorted, for the filter's choices. */
export function categoriesOf(alerts: readonly LiveAlert[]): string[] {
  return [...new Set(alerts.map((a) => a.category))].sort();
}
