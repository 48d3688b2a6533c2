import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { BatchPrediction } from './batch-scorer.js';
import type { BadRow } from './batches.repo.js';

/** Counts per key of a top list: all rows and the attacks among them. */
export interface TopEntry {
  value: string;
  count: number;
  attacks: number;
}

/** The aggregated result of a batch (API) or of `vigil analyze-data` (same shape). */
export interface BatchSummary {
  rows: { scored: number; bad: number };
  verdicts: { benign: number; attack: number };
  /** Per predicted category, most frequent first. */
  categories: TopEntry[];
  /** Risk scores 0–100 in ten bins: [0,10), [10,20), …, [90,100]. */
  histogram: { from: number; to: number; count: number }[];
  /** Most attacking sources, then most frequent (10). */
  topSources: TopEntry[];
  topDestinations: TopEntry[];
  /** URL batches: registrable domains of the URLs (the host for IP addresses). */
  topDomains: TopEntry[];
  badRows: BadRow[];
}

export const TOP_N = 10;
const CATEGORIES_N = 50;

const bins = (counts: number[]) =>
  counts.map((count, i) => ({ from: i * 10, to: i === 9 ? 100 : i * 10 + 10, count }));

/** The host of a URL, for stored records without a domain (an IP host has none). */
const HOST_PATTERN = '^(?:[a-zA-Z][a-zA-Z0-9+.-]*://)?(?:[^/?#@]*@)?([^/:?#]+)';

/** The summary of a batch, computed in the store over its predictions (index on batch_id). */
export async function summariseBatch(
  db: Db,
  batchId: number,
  options: { urls: boolean; badRows: BadRow[]; rowsBad: number },
): Promise<BatchSummary> {
  const verdicts = await sql<{ verdict: 'benign' | 'attack'; n: number }>`
    select verdict, count(*)::int as n from predictions where batch_id = ${batchId} group by verdict`.execute(
    db,
  );
  const categories = await sql<{ value: string | null; count: number; attacks: number }>`
    select category as value, count(*)::int as count,
           (count(*) filter (where verdict = 'attack'))::int as attacks
    from predictions where batch_id = ${batchId}
    group by category order by count desc, category limit ${CATEGORIES_N}`.execute(db);
  const histogram = await sql<{ bin: number; n: number }>`
    select least(risk_score / 10, 9)::int as bin, count(*)::int as n
    from predictions where batch_id = ${batchId} group by 1`.execute(db);
  const top = async (expr: ReturnType<typeof sql>) =>
    (
      await sql<TopEntry>`
        select v as value, count(*)::int as count, (count(*) filter (where verdict = 'attack'))::int as attacks
        from (select ${expr} as v, verdict from predictions where batch_id = ${batchId}) t
        where v is not null
        group by v order by attacks desc, count desc, v limit ${TOP_N}`.execute(db)
    ).rows;
  const counts = Array(10).fill(0);
  for (const r of histogram.rows) counts[r.bin] = r.n;
  const v = { benign: 0, attack: 0 };
  for (const r of verdicts.rows) v[r.verdict] = r.n;
  return {
    rows: { scored: v.benign + v.attack, bad: options.rowsBad },
    verdicts: v,
    categories: categories.rows.map((c) => ({ ...c, value: c.value ?? '' })),
    histogram: bins(counts),
    topSources: await top(sql`src_ip`),
    topDestinations: await top(sql`dst_ip`),
    topDomains: options.urls ? await top(sql`lower(substring(record->>'url' from ${HOST_PATTERN}))`) : [],
    badRows: options.badRows,
  };
}

/** The same summary built in memory, for `vigil analyze-data` (nothing is stored). */
export class SummaryBuilder {
  private readonly verdicts = { benign: 0, attack: 0 };
  private readonly hist = Array(10).fill(0) as number[];
  private readonly categories = new Map<string, [number, number]>();
  private readonly sources = new Map<string, [number, number]>();
  private readonly destinations = new Map<string, [number, number]>();
  private readonly domains = new Map<string, [number, number]>();
  private bad = 0;
  private readonly badRows: BadRow[] = [];

  add(p: BatchPrediction, tuple: { srcIp: string | null; dstIp: string | null }, domain?: string): void {
    const attack = p.verdict === 'attack' ? 1 : 0;
    this.verdicts[p.verdict]++;
    this.hist[Math.min(9, Math.floor(p.riskScore / 10))]++;
    bump(this.categories, p.category, attack);
    if (tuple.srcIp) bump(this.sources, tuple.srcIp, attack);
    if (tuple.dstIp) bump(this.destinations, tuple.dstIp, attack);
    if (domain) bump(this.domains, domain, attack);
  }

  addBad(row: BadRow, keep: number): void {
    this.bad++;
    if (this.badRows.length < keep) this.badRows.push(row);
  }

  build(): BatchSummary {
    const categories = [...this.categories]
      .map(([value, [count, attacks]]) => ({ value, count, attacks }))
      .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value))
      .slice(0, CATEGORIES_N);
    return {
      rows: { scored: this.verdicts.benign + this.verdicts.attack, bad: this.bad },
      verdicts: { ...this.verdicts },
      categories,
      histogram: bins(this.hist),
      topSources: topOf(this.sources),
      topDestinations: topOf(this.destinations),
      topDomains: topOf(this.domains),
      badRows: [...this.badRows],
    };
  }
}

function bump(map: Map<string, [number, number]>, key: string, attack: number): void {
  const entry = map.get(key);
  if (entry) {
    entry[0]++;
    entry[1] += attack;
  } else map.set(key, [1, attack]);
}

function topOf(map: Map<string, [number, number]>): TopEntry[] {
  return [...map]
    .map(([value, [count, attacks]]) => ({ value, count, attacks }))
    .sort((a, b) => b.attacks - a.attacks || b.count - a.count || (a.value < b.value ? -1 : 1))
    .slice(0, TOP_N);
}
