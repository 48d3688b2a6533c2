// History filters live in the page URL (so a search can be bookmarked, shared and linked to from
// the Overview), and become the query string of GET /api/v1/predictions and its export.

import type { Query } from '../api/client';

/** Every filter of GET /predictions, as strings the way the URL and the form hold them. */
export interface HistoryFilters {
  /** ISO 8601 with a zone, inclusive. */
  from: string;
  /** ISO 8601 with a zone, exclusive. */
  to: string;
  verdict: '' | 'benign' | 'attack';
  category: string;
  minScore: string;
  maxScore: string;
  srcIp: string;
  dstIp: string;
  /** Either side of the flow. */
  ip: string;
  modelId: string;
  kind: string;
  /** Full-text search. */
  q: string;
  /** `created_at`, `risk_score` or `probability`, with `:asc` or `:desc`. */
  sort: string;
}

export const FILTER_KEYS = [
  'from',
  'to',
  'verdict',
  'category',
  'minScore',
  'maxScore',
  'srcIp',
  'dstIp',
  'ip',
  'modelId',
  'kind',
  'q',
  'sort',
] as const satisfies readonly (keyof HistoryFilters)[];

export const DEFAULT_SORT = 'created_at:desc';

export const SORTS: readonly { value: string; label: string }[] = [
  { value: 'created_at:desc', label: 'Newest first' },
  { value: 'created_at:asc', label: 'Oldest first' },
  { value: 'risk_score:desc', label: 'Highest risk first' },
  { value: 'risk_score:asc', label: 'Lowest risk first' },
  { value: 'probability:desc', label: 'Most likely attack first' },
  { value: 'probability:asc', label: 'Least likely attack first' },
];

export function emptyFilters(): HistoryFilters {
  return {
    from: '',
    to: '',
    verdict: '',
    category: '',
    minScore: '',
    maxScore: '',
    srcIp: '',
    dstIp: '',
    ip: '',
    modelId: '',
    kind: '',
    q: '',
    sort: DEFAULT_SORT,
  };
}

/** Filters from a page URL's search params; unknown keys and bad values are ignored. */
export function filtersFromSearch(search: URLSearchParams): HistoryFilters {
  const f = emptyFilters();
  for (const key of FILTER_KEYS) {
    const v = search.get(key)?.trim();
    if (!v) continue;
    if (key === 'verdict') {
      if (v === 'benign' || v === 'attack') f.verdict = v;
    } else if (key === 'sort') {
      if (SORTS.some((s) => s.value === v)) f.sort = v;
    } else {
      f[key] = v;
    }
  }
  return f;
}

/** The non-default filters as URL search params, in a stable order. */
export function filtersToSearch(f: HistoryFilters): URLSearchParams {
  const out = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const v = f[key].trim();
    if (!v || (key === 'sort' && v === DEFAULT_SORT)) continue;
    out.set(key, v);
  }
  return out;
}

/** The API query for the list (with page size and cursor) or, without them, the export. */
export function filtersToApiQuery(
  f: HistoryFilters,
  page?: { limit: number; cursor?: string | null },
): Query {
  const q: Query = {};
  for (const key of FILTER_KEYS) {
    const v = f[key].trim();
    if (v) q[key] = v;
  }
  if (page) {
    q.limit = page.limit;
    if (page.cursor) q.cursor = page.cursor;
  }
  return q;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** A plausible IPv4 or IPv6 address (the server checks it exactly). */
export function looksLikeIp(s: string): boolean {
  return IPV4.test(s) || (s.includes(':') && /^[0-9a-fA-F:.]+$/.test(s));
}

/** Problems a user can fix before asking the server, by field. Empty when the filters are fine. */
export function validateFilters(f: HistoryFilters): Partial<Record<keyof HistoryFilters, string>> {
  const errors: Partial<Record<keyof HistoryFilters, string>> = {};
  for (const key of ['srcIp', 'dstIp', 'ip'] as const) {
    if (f[key] && !looksLikeIp(f[key])) errors[key] = 'Enter an IPv4 or IPv6 address, e.g. 10.0.0.5';
  }
  for (const key of ['minScore', 'maxScore'] as const) {
    const v = f[key];
    if (v && !(/^\d{1,3}$/.test(v) && Number(v) <= 100)) errors[key] = 'Enter a whole number from 0 to 100';
  }
  if (
    !errors.minScore &&
    !errors.maxScore &&
    f.minScore &&
    f.maxScore &&
    Number(f.minScore) > Number(f.maxScore)
  )
    errors.minScore = 'Minimum risk must not exceed maximum';
  for (const key of ['from', 'to'] as const) {
    if (f[key] && Number.isNaN(Date.parse(f[key]))) errors[key] = 'Enter a date and time';
  }
  if (!errors.from && !errors.to && f.from && f.to && Date.parse(f.from) > Date.parse(f.to))
    errors.from = '"From" must be before "to"';
  return errors;
}

/** `<input type="datetime-local">` value (local time) for an ISO timestamp; '' for none. */
export function isoToLocalInput(iso: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** ISO timestamp (UTC) for a `datetime-local` value read as local time; '' for none. */
export function localInputToIso(value: string): string {
  if (!value) return '';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}

/** Local midnight `days` days before the day of `now`. */
export function startOfLocalDay(now: Date, daysBack = 0): Date {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() - daysBack);
}

/** History URL for yesterday's (local calendar day) alerts, optionally from/to one address. */
export function yesterdayAlertsLink(now: Date, ip?: string): string {
  const f = emptyFilters();
  f.verdict = 'attack';
  f.from = startOfLocalDay(now, 1).toISOString();
  f.to = startOfLocalDay(now, 0).toISOString();
  if (ip) f.ip = ip;
  return `/history?${filtersToSearch(f).toString()}`;
}

/** History URL for one address's alerts in a window (Overview's top talkers link here). */
export function alertsLink(
  window: { from: string; to?: string },
  ip: string,
  side: 'ip' | 'srcIp' | 'dstIp' = 'ip',
) {
  const f = emptyFilters();
  f.verdict = 'attack';
  f.from = window.from;
  if (window.to) f.to = window.to;
  f[side] = ip;
  return `/history?${filtersToSearch(f).toString()}`;
}
