import type { BatchSummary, BatchTopEntry } from '@vigil/contracts';
import type { Db } from '../../db/database.js';
import { selectChunkAggregates } from './batch-results.repo.js';
import type { BatchPrediction } from './batch-scorer.js';
import type { BadRow } from './batches.repo.js';

/** The aggregated result of a batch (API) or of `vigil analyze-data` (same shape). */
export type { BatchSummary };
/** Counts per key of a top list: all rows and the attacks among them. */
export type TopEntry = BatchTopEntry;

export const TOP_N = 10;
const CATEGORIES_N = 50;

const bins = (counts: number[]) =>
  counts.map((count, i) => ({ from: i * 10, to: i === 9 ? 100 : i * 10 + 10, count }));

/**
 * The summary of a batch, merged from its chunks' aggregates (no scan of the rows). Verdicts,
 * categories and the histogram are exact. Top sources, destinations and domains merge each chunk's
 * top CHUNK_TOP_K (100): exact when a value is in the top K of every chunk it occurs in (always for
 * files with fewer distinct values per chunk), otherwise a lower bound for that value's counts.
 */
export async function summariseBatch(
  db: Db,
  batchId: number,
  options: { urls: boolean; badRows: BadRow[]; rowsBad: number },
): Promise<BatchSummary> {
  const v = { benign: 0, attack: 0 };
  const counts = Array(10).fill(0) as number[];
  const categories = new Map<string, [number, number]>();
  const sources = new Map<string, [number, number]>();
  const destinations = new Map<string, [number, number]>();
  const domains = new Map<string, [number, number]>();
  const add = (map: Map<string, [number, number]>, key: string, n: number, a: number) => {
    const t = map.get(key);
    if (t) {
      t[0] += n;
      t[1] += a;
    } else map.set(key, [n, a]);
  };
  for (const agg of await selectChunkAggregates(db, batchId)) {
    v.benign += agg.verdicts.benign;
    v.attack += agg.verdicts.attack;
    agg.histogram.forEach((n, i) => {
      counts[i] += n;
    });
    for (const [key, [n, a]] of Object.entries(agg.categories)) add(categories, key, n, a);
    for (const [key, n, a] of agg.sources) add(sources, key, n, a);
    for (const [key, n, a] of agg.destinations) add(destinations, key, n, a);
    for (const [key, n, a] of agg.domains) add(domains, key, n, a);
  }
  return {
    rows: { scored: v.benign + v.attack, bad: options.rowsBad },
    verdicts: v,
    categories: categoriesOf(categories),
    histogram: bins(counts),
    topSources: topOf(sources),
    topDestinations: topOf(destinations),
    topDomains: options.urls ? topOf(domains) : [],
    badRows: options.badRows,
  };
}

function categoriesOf(map: Map<string, [number, number]>): TopEntry[] {
  return [...map]
    .map(([value, [count, attacks]]) => ({ value, count, attacks }))
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
    .slice(0, CATEGORIES_N);
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
    const categories = categoriesOf(this.categories);
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
