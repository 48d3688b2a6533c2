import { parse as parseCsv } from 'csv-parse/sync';
import type { IndicatorType } from '../../db/schema.js';

/** Blocklist formats `vigil import-threats` reads (issue #5). */
export const THREAT_FORMATS = ['urlhaus', 'phishtank', 'openphish', 'domains'] as const;
export type ThreatFormat = (typeof THREAT_FORMATS)[number];

export interface ParsedIndicator {
  type: IndicatorType;
  value: string;
  /** When the feed says it was first seen, else null (import time is used). */
  firstSeen: Date | null;
}

export interface ParsedFeed {
  indicators: ParsedIndicator[];
  /** Lines or entries skipped (comments excluded), with why, for the import summary. */
  skipped: number;
}

/** A URL as stored and matched: parsed and re-serialised (lower-case scheme and host); null if not http(s). */
export function normaliseUrl(raw: string): string | null {
  try {
    const url = new URL(raw.trim());
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    url.hash = '';
    return url.href;
  } catch {
    return null;
  }
}

/** A host name or domain as stored and matched: lower case, no trailing dot; null if not plausible. */
export function normaliseHost(raw: string): string | null {
  const host = raw.trim().toLowerCase().replace(/\.$/, '');
  if (!host || host.length > 253 || !/^[a-z0-9*_.:[\]-]+$/.test(host) || !host.includes('.')) return null;
  return host.replace(/^\*\./, '');
}

function date(text: unknown): Date | null {
  if (typeof text !== 'string' || !text.trim()) return null;
  const d = new Date(text.includes('T') || text.endsWith('Z') ? text : `${text.replace(' ', 'T')}Z`);
  return Number.isNaN(d.getTime()) ? null : d;
}

function urlsFrom(entries: { url: unknown; seen?: unknown }[]): ParsedFeed {
  const indicators: ParsedIndicator[] = [];
  let skipped = 0;
  for (const e of entries) {
    const value = typeof e.url === 'string' ? normaliseUrl(e.url) : null;
    if (value) indicators.push({ type: 'url', value, firstSeen: date(e.seen) });
    else skipped++;
  }
  return { indicators, skipped };
}

/** URLhaus CSV: `#` comment lines, then id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter. */
function parseUrlhaus(text: string): ParsedFeed {
  const body = text
    .split(/\r?\n/)
    .filter((l) => l.trim() && !l.startsWith('#'))
    .join('\n');
  const rows = parseCsv(body, { relax_column_count: true, relax_quotes: true }) as string[][];
  // The column holding the URL: the first field that parses as http(s), by default the third.
  return urlsFrom(rows.map((r) => ({ url: r.find((f) => /^https?:\/\//i.test(f)) ?? r[2], seen: r[1] })));
}

/** PhishTank: JSON array of {url, submission_time, …} or CSV with a header naming `url`. */
function parsePhishtank(text: string): ParsedFeed {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) {
    const entries = JSON.parse(trimmed) as Record<string, unknown>[];
    if (!Array.isArray(entries)) throw new Error('PhishTank JSON must be an array of entries');
    return urlsFrom(entries.map((e) => ({ url: e.url, seen: e.submission_time })));
  }
  const rows = parseCsv(text, { columns: true, skip_empty_lines: true, relax_column_count: true }) as Record<
    string,
    string
  >[];
  if (rows.length > 0 && !('url' in rows[0]))
    throw new Error('PhishTank CSV needs a header with a `url` column');
  return urlsFrom(rows.map((r) => ({ url: r.url, seen: r.submission_time })));
}

/** OpenPhish: one URL per line. */
function parseOpenphish(text: string): ParsedFeed {
  return urlsFrom(
    text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'))
      .map((url) => ({ url })),
  );
}

/** Plain domain lists: one per line; hosts-file lines ("0.0.0.0 bad.example") and `#` comments allowed. */
function parseDomains(text: string): ParsedFeed {
  const indicators: ParsedIndicator[] = [];
  let skipped = 0;
  for (const line of text.split(/\r?\n/)) {
    const clean = line.replace(/#.*$/, '').trim();
    if (!clean) continue;
    const fields = clean.split(/\s+/);
    const value = normaliseHost(fields.length > 1 ? fields[1] : fields[0]);
    if (value) indicators.push({ type: 'domain', value, firstSeen: null });
    else skipped++;
  }
  return { indicators, skipped };
}

export function parseThreatFeed(format: ThreatFormat, text: string): ParsedFeed {
  switch (format) {
    case 'urlhaus':
      return parseUrlhaus(text);
    case 'phishtank':
      return parsePhishtank(text);
    case 'openphish':
      return parseOpenphish(text);
    case 'domains':
      return parseDomains(text);
  }
}
