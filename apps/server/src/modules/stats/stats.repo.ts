import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Verdict } from '../../db/schema.js';
import { filterPredictions, type PredictionFilters } from '../predictions/predictions-query.repo.js';

export type Bucket = 'minute' | 'hour' | 'day';
export type GroupBy = 'verdict' | 'category';

export interface Talker {
  ip: string;
  attacks: number;
  total: number;
}

export interface ModelSeen {
  modelId: string;
  kind: string;
  version: number | null;
  stage: string | null;
  count: number;
  firstSeen: Date;
  lastSeen: Date;
}

const attacks = sql<number>`count(*) filter (where verdict = 'attack')`;

export async function countByVerdict(
  db: Db,
  f: PredictionFilters,
): Promise<{ verdict: Verdict; n: number }[]> {
  return db
    .selectFrom('predictions')
    .select(['verdict', (eb) => eb.fn.countAll<number>().as('n')])
    .where(filterPredictions(f))
    .groupBy('verdict')
    .execute();
}

export async function countByCategory(
  db: Db,
  f: PredictionFilters,
): Promise<{ category: string | null; n: number }[]> {
  return db
    .selectFrom('predictions')
    .select(['category', (eb) => eb.fn.countAll<number>().as('n')])
    .where(filterPredictions(f))
    .groupBy('category')
    .orderBy('n', 'desc')
    .orderBy('category')
    .execute();
}

/** Mean risk score; null when nothing matches. avg() is numeric, read back as float8 to get a number. */
export async function meanRisk(db: Db, f: PredictionFilters): Promise<number | null> {
  const row = await db
    .selectFrom('predictions')
    .select(sql<number | null>`avg(risk_score)::double precision`.as('mean'))
    .where(filterPredictions(f))
    .executeTakeFirstOrThrow();
  return row.mean;
}

/**
 * The busiest addresses on one side of the flows: most attack verdicts first, then most flows,
 * then by address so ties are stable. `total` counts every matching flow, not only attacks.
 */
export async function topTalkers(
  db: Db,
  f: PredictionFilters,
  side: 'src_ip' | 'dst_ip',
  limit: number,
): Promise<Talker[]> {
  const rows = await db
    .selectFrom('predictions')
    .select([
      sql.ref<string>(side).as('ip'),
      attacks.as('attacks'),
      (eb) => eb.fn.countAll<number>().as('total'),
    ])
    .where(filterPredictions(f))
    .where(side, 'is not', null)
    .groupBy(side)
    .orderBy('attacks', 'desc')
    .orderBy('total', 'desc')
    .orderBy(side)
    .limit(limit)
    .execute();
  return rows;
}

/** Model ids that scored in the window, with their registry version when the model is still registered. */
export async function modelsSeen(db: Db, f: PredictionFilters): Promise<ModelSeen[]> {
  const used = await db
    .selectFrom('predictions')
    .select([
      'model_id',
      'kind',
      (eb) => eb.fn.countAll<number>().as('n'),
      (eb) => eb.fn.min('created_at').as('first_seen'),
      (eb) => eb.fn.max('created_at').as('last_seen'),
    ])
    .where(filterPredictions(f))
    .groupBy(['model_id', 'kind'])
    .orderBy('last_seen', 'desc')
    .orderBy('model_id')
    .execute();
  if (used.length === 0) return [];
  const registered = await db
    .selectFrom('models')
    .select(['id', 'version', 'stage'])
    .where(
      'id',
      'in',
      used.map((u) => u.model_id),
    )
    .execute();
  const byId = new Map(registered.map((m) => [m.id, m]));
  return used.map((u) => ({
    modelId: u.model_id,
    kind: u.kind,
    version: byId.get(u.model_id)?.version ?? null,
    stage: byId.get(u.model_id)?.stage ?? null,
    count: u.n,
    firstSeen: u.first_seen,
    lastSeen: u.last_seen,
  }));
}

/**
 * Counts per UTC time bucket from `firstBucket` to `lastBucket` (both bucket starts), every bucket
 * present even when empty: generate_series makes the buckets, the counts are left-joined on.
 * `bucket` is interpolated as a literal; the caller passes one of the three checked values.
 */
export async function bucketCounts(
  db: Db,
  f: PredictionFilters,
  bucket: Bucket,
  firstBucket: Date,
  lastBucket: Date,
  groupBy: GroupBy | undefined,
): Promise<{ bucket_start: Date; key: string | null; n: number }[]> {
  const unit = sql.lit(bucket);
  const step = sql.lit(`1 ${bucket}`);
  const key =
    groupBy === 'verdict'
      ? sql<string | null>`verdict`
      : groupBy === 'category'
        ? sql<string | null>`category`
        : sql<string | null>`'total'`;
  const result = await db
    .with('buckets', (qb) =>
      qb.selectNoFrom(
        sql<Date>`generate_series(
          ${firstBucket.toISOString()}::timestamptz at time zone 'UTC',
          ${lastBucket.toISOString()}::timestamptz at time zone 'UTC',
          ${step}::interval)`.as('b'),
      ),
    )
    .with('counts', (qb) =>
      qb
        .selectFrom('predictions')
        .select([
          sql<Date>`date_trunc(${unit}, created_at at time zone 'UTC')`.as('b'),
          key.as('key'),
          (eb) => eb.fn.countAll<number>().as('n'),
        ])
        .where(filterPredictions(f))
        .groupBy(sql`1, 2`),
    )
    .selectFrom('buckets')
    .leftJoin('counts', 'counts.b', 'buckets.b')
    .select([
      // Back to timestamptz, so both drivers return the bucket's UTC instant, not a local-time reading.
      sql<Date>`buckets.b at time zone 'UTC'`.as('bucket_start'),
      'counts.key',
      sql<number>`coalesce(counts.n, 0)`.as('n'),
    ])
    .orderBy('buckets.b')
    .orderBy('counts.key')
    .execute();
  return result;
}
