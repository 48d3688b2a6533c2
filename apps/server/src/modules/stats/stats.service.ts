import type { Db } from '../../db/database.js';
import { AppError } from '../../errors/app-error.js';
import type { PredictionFilters } from '../predictions/predictions-query.repo.js';
import {
  type Bucket,
  bucketCounts,
  countByCategory,
  countByVerdict,
  type GroupBy,
  type ModelSeen,
  meanRisk,
  modelsSeen,
  type Talker,
  topTalkers,
} from './stats.repo.js';

/** The window a dashboard sees when it names no `from`. */
export const DEFAULT_WINDOW_MS = 24 * 60 * 60 * 1000;
/** Most buckets one timeseries returns; a wider window needs a larger bucket. */
export const MAX_BUCKETS = 2_000;
/** Addresses listed per side in the summary. */
export const TOP_TALKERS = 10;

export const BUCKET_MS: Record<Bucket, number> = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
};

export interface StatsWindow {
  from: Date;
  to: Date;
}

export interface Summary {
  window: StatsWindow;
  total: number;
  byVerdict: { benign: number; attack: number };
  /** Share of attack verdicts, 0..1; null when nothing matched. */
  alertRate: number | null;
  meanRisk: number | null;
  byCategory: { category: string | null; count: number }[];
  topSources: Talker[];
  topDestinations: Talker[];
  models: ModelSeen[];
}

export interface Timeseries {
  window: StatsWindow;
  bucket: Bucket;
  groupBy: GroupBy | null;
  /** Start of each bucket (UTC), oldest first, every bucket present. */
  buckets: Date[];
  /** One count per bucket for each key; `total` when not grouped, null for an uncategorised row. */
  series: { key: string | null; counts: number[] }[];
}

/**
 * The window and the filters to query with. Without `from`, the window is the 24 h before `to`
 * (or now). Without `to`, nothing after `from` is cut off in the query, so a prediction stamped
 * this very millisecond still counts; the window reports `to` as now.
 */
export function resolveWindow(
  f: PredictionFilters,
  now: Date,
): { window: StatsWindow; filters: PredictionFilters } {
  const to = f.to ?? now;
  const from = f.from ?? new Date(to.getTime() - DEFAULT_WINDOW_MS);
  return { window: { from, to }, filters: { ...f, from } };
}

/** Start of the UTC bucket holding `t`; matches PostgreSQL's date_trunc in UTC (days start at 00:00Z). */
export function bucketStart(t: Date, bucket: Bucket): Date {
  const ms = BUCKET_MS[bucket];
  return new Date(Math.floor(t.getTime() / ms) * ms);
}

/** Dashboard aggregates over prediction history; every figure honours the same filters. */
export class StatsService {
  constructor(
    private readonly db: Db,
    private readonly clock: () => Date,
  ) {}

  async summary(input: PredictionFilters): Promise<Summary> {
    const { window, filters } = resolveWindow(input, this.clock());
    // One read-only snapshot, so the totals, categories and talkers add up even while predictions arrive.
    return this.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .setAccessMode('read only')
      .execute(async (trx) => {
        const verdicts = await countByVerdict(trx, filters);
        const byVerdict = { benign: 0, attack: 0 };
        for (const v of verdicts) byVerdict[v.verdict] = v.n;
        const total = byVerdict.benign + byVerdict.attack;
        const categories = await countByCategory(trx, filters);
        return {
          window,
          total,
          byVerdict,
          alertRate: total === 0 ? null : byVerdict.attack / total,
          meanRisk: await meanRisk(trx, filters),
          byCategory: categories.map((c) => ({ category: c.category, count: c.n })),
          topSources: await topTalkers(trx, filters, 'src_ip', TOP_TALKERS),
          topDestinations: await topTalkers(trx, filters, 'dst_ip', TOP_TALKERS),
          models: await modelsSeen(trx, filters),
        };
      });
  }

  /** Counts per bucket, zero-filled; refuses (400, path `bucket`) more than MAX_BUCKETS buckets. */
  async timeseries(input: PredictionFilters, bucket: Bucket, groupBy?: GroupBy): Promise<Timeseries> {
    const now = this.clock();
    const { window, filters } = resolveWindow(input, now);
    // `to` is exclusive, so an explicit `to` on a bucket boundary does not open one more bucket.
    const last = input.to ? new Date(input.to.getTime() - 1) : now;
    const step = BUCKET_MS[bucket];
    const first = bucketStart(window.from, bucket);
    const lastStart = bucketStart(last, bucket);
    const n = last.getTime() < window.from.getTime() ? 0 : (lastStart.getTime() - first.getTime()) / step + 1;
    if (n > MAX_BUCKETS) {
      throw new AppError(
        'VALIDATION_FAILED',
        `bucket: ${n} ${bucket} buckets from ${window.from.toISOString()} to ${window.to.toISOString()} ` +
          `exceed the limit of ${MAX_BUCKETS}; choose a larger bucket or a shorter window`,
        { path: 'querystring.bucket' },
      );
    }
    const buckets = Array.from({ length: n }, (_, i) => new Date(first.getTime() + i * step));
    const fixedKeys: (string | null)[] =
      groupBy === 'verdict' ? ['benign', 'attack'] : groupBy === undefined ? ['total'] : [];
    if (n === 0) {
      return { window, bucket, groupBy: groupBy ?? null, buckets, series: fixedKeys.map(zeroSeries(0)) };
    }
    const rows = await bucketCounts(this.db, filters, bucket, first, lastStart, groupBy);
    const byKey = new Map<string | null, number[]>(fixedKeys.map((k) => [k, new Array(n).fill(0)]));
    for (const row of rows) {
      // Rows with n = 0 are the empty buckets generate_series filled in, not a key.
      if (row.n === 0) continue;
      const i = (row.bucket_start.getTime() - first.getTime()) / step;
      let counts = byKey.get(row.key);
      if (!counts) {
        counts = new Array(n).fill(0);
        byKey.set(row.key, counts);
      }
      counts[i] = row.n;
    }
    const series = [...byKey].map(([key, counts]) => ({ key, counts }));
    if (groupBy === 'category') series.sort(byTotalThenKey);
    return { window, bucket, groupBy: groupBy ?? null, buckets, series };
  }
}

const zeroSeries = (n: number) => (key: string | null) => ({ key, counts: new Array<number>(n).fill(0) });

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** Biggest categories first; the uncategorised (null) series sorts after named ones on a tie. */
function byTotalThenKey(
  a: { key: string | null; counts: number[] },
  b: { key: string | null; counts: number[] },
): number {
  const d = sum(b.counts) - sum(a.counts);
  if (d !== 0) return d;
  if (a.key === b.key) return 0;
  if (a.key === null) return 1;
  if (b.key === null) return -1;
  return a.key < b.key ? -1 : 1;
}
