import { readFile } from 'node:fs/promises';
import type { ScanReputation, ScanReputationMatch } from '@vigil/contracts';
import { analyseUrl } from '@vigil/detect';
import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { IndicatorType } from '../../db/schema.js';
import { normaliseUrl, type ParsedIndicator } from './threat-feeds.js';

/**
 * Domain reputation for deep scans (issue #5): an allowlist of popular registrable domains (a short
 * built-in list, plus optionally a file of one domain per line) and the blocklists imported with
 * `vigil import-threats`, matched on exact URL, host and registrable domain.
 */

/** Well-known domains that are rarely malicious themselves (hosting platforms deliberately left out). */
export const BUILTIN_ALLOWLIST: readonly string[] = [
  'google.com',
  'youtube.com',
  'facebook.com',
  'instagram.com',
  'whatsapp.com',
  'wikipedia.org',
  'amazon.com',
  'apple.com',
  'microsoft.com',
  'live.com',
  'office.com',
  'linkedin.com',
  'twitter.com',
  'x.com',
  'netflix.com',
  'yahoo.com',
  'bing.com',
  'reddit.com',
  'paypal.com',
  'ebay.com',
  'adobe.com',
  'zoom.us',
  'dropbox.com',
  'spotify.com',
  'twitch.tv',
  'tiktok.com',
  'pinterest.com',
  'stackoverflow.com',
  'mozilla.org',
  'cloudflare.com',
  'salesforce.com',
  'oracle.com',
  'ibm.com',
  'cisco.com',
  'intel.com',
  'nvidia.com',
  'samsung.com',
  'bbc.co.uk',
  'nytimes.com',
  'cnn.com',
  'theguardian.com',
  'imdb.com',
  'booking.com',
  'airbnb.com',
  'uber.com',
  'stripe.com',
  'visa.com',
  'mastercard.com',
  'chase.com',
  'bankofamerica.com',
  'wellsfargo.com',
  'duckduckgo.com',
  'baidu.com',
];

export type ReputationMatch = ScanReputationMatch;

export type Reputation = ScanReputation;

export class ReputationService {
  private readonly allow = new Set(BUILTIN_ALLOWLIST);

  constructor(private readonly db: Db) {}

  /** Adds the domains of a file (one per line; a CSV's last column when comma-separated). */
  async loadAllowlistFile(path: string): Promise<number> {
    const text = await readFile(path, 'utf8');
    let added = 0;
    for (const line of text.split(/\r?\n/)) {
      const field = line.split(',').at(-1)?.trim().toLowerCase();
      if (field?.includes('.') && !this.allow.has(field)) {
        this.allow.add(field);
        added++;
      }
    }
    return added;
  }

  isAllowlisted(domain: string | null): boolean {
    return domain !== null && this.allow.has(domain);
  }

  async check(url: string): Promise<Reputation> {
    const { details } = analyseUrl(url);
    const host = details.host.replace(/^\[|\]$/g, '');
    const domain = details.domain;
    const exact = normaliseUrl(url);
    const wanted: { type: IndicatorType; value: string }[] = [
      ...(exact ? [{ type: 'url' as const, value: exact }] : []),
      { type: 'host', value: host },
      { type: 'domain', value: host },
      ...(domain && domain !== host ? [{ type: 'domain' as const, value: domain }] : []),
    ];
    const values = [...new Set(wanted.map((w) => w.value))];
    const rows = await this.db
      .selectFrom('threat_indicators')
      .select(['type', 'value', 'source'])
      .where('value', 'in', values)
      .execute();
    const matches = rows.filter((r) => wanted.some((w) => w.type === r.type && w.value === r.value));
    const blocklisted = matches.length > 0;
    return { allowlisted: !blocklisted && this.isAllowlisted(domain), blocklisted, matches, host, domain };
  }
}

/** Upserts indicators (last_seen moves forward, first_seen keeps the earliest); returns rows written. */
export async function importIndicators(
  db: Db,
  source: string,
  indicators: readonly ParsedIndicator[],
  now: Date,
): Promise<number> {
  const unique = new Map<string, ParsedIndicator>();
  for (const i of indicators) unique.set(`${i.type}\u0000${i.value}`, i);
  const rows = [...unique.values()].map((i) => ({
    type: i.type,
    value: i.value,
    source,
    first_seen: i.firstSeen ?? now,
    last_seen: now,
  }));
  for (let at = 0; at < rows.length; at += 1000) {
    await db
      .insertInto('threat_indicators')
      .values(rows.slice(at, at + 1000))
      .onConflict((oc) =>
        oc.columns(['type', 'value', 'source']).doUpdateSet({
          last_seen: (eb) => eb.ref('excluded.last_seen'),
          first_seen: sql`least(threat_indicators.first_seen, excluded.first_seen)`,
        }),
      )
      .execute();
  }
  return rows.length;
}
