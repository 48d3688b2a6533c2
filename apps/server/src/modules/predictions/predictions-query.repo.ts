import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Database, Verdict } from '../../db/schema.js';

/** What a history query may filter on. Every value reaches SQL as a bound parameter. */
export interface PredictionFilters {
  /** Inclusive lower bound on created_at. */
  from?: Date;
  /** Exclusive upper bound on created_at. */
  to?: Date;
  verdict?: Verdict;
  category?: string;
  minScore?: number;
  maxScore?: number;
  srcIp?: string;
  dstIp?: string;
  /** Matches either side of the flow. */
  ip?: string;
  modelId?: string;
  kind?: string;
  /** Free text in web-search syntax over the generated `search` tsvector. */
  q?: string;
  /** Results of one batch (issue #4). */
  batchId?: number;
}

export type SortField = 'created_at' | 'risk_score' | 'probability';
export type SortDir = 'asc' | 'desc';
export interface Sort {
  field: SortField;
  dir: SortDir;
}

/**
 * Where the previous page stopped: the last row's sort value and id. `created_at` travels as an
 * ISO string with microseconds, because a JS Date would drop them and skip or repeat rows.
 */
export interface Keyset {
  value: string | number;
  id: number;
}

/** A stored prediction as read back (the `search` column is never selected). */
export interface PredictionRow {
  id: number;
  created_at: Date;
  created_at_us: string;
  model_id: string;
  kind: string;
  verdict: Verdict;
  probability: number;
  category: string | null;
  risk_score: number;
  src_ip: string | null;
  dst_ip: string | null;
  src_port: number | null;
  dst_port: number | null;
  protocol: string | null;
  source: string | null;
  top_features: { name: string; value: number | null; contribution: number }[];
  record: Record<string, unknown>;
}

type PredictionsEb = ExpressionBuilder<Database, 'predictions'>;

/** The WHERE clause for a set of filters; shared by history, export and stats. */
export function filterPredictions(f: PredictionFilters) {
  return (eb: PredictionsEb): Expression<SqlBool> => {
    const c: Expression<SqlBool>[] = [];
    if (f.from) c.push(eb('created_at', '>=', f.from));
    if (f.to) c.push(eb('created_at', '<', f.to));
    if (f.verdict) c.push(eb('verdict', '=', f.verdict));
    if (f.category !== undefined) c.push(eb('category', '=', f.category));
    if (f.minScore !== undefined) c.push(eb('risk_score', '>=', f.minScore));
    if (f.maxScore !== undefined) c.push(eb('risk_score', '<=', f.maxScore));
    if (f.srcIp) c.push(eb('src_ip', '=', f.srcIp));
    if (f.dstIp) c.push(eb('dst_ip', '=', f.dstIp));
    if (f.ip) c.push(eb.or([eb('src_ip', '=', f.ip), eb('dst_ip', '=', f.ip)]));
    if (f.modelId) c.push(eb('model_id', '=', f.modelId));
    if (f.kind) c.push(eb('kind', '=', f.kind));
    if (f.batchId !== undefined) c.push(eb('batch_id', '=', f.batchId));
    // `search` is a generated column Kysely's types do not know; the query text is still a parameter.
    if (f.q !== undefined) c.push(sql<SqlBool>`predictions.search @@ websearch_to_tsquery('simple', ${f.q})`);
    return eb.and(c);
  };
}

/** The columns of a `PredictionRow` (everything but the generated `search`), for every reader. */
export const PREDICTION_ROW_SELECTION = [
  'id',
  'created_at',
  sql<string>`to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('created_at_us'),
  'model_id',
  'kind',
  'verdict',
  'probability',
  'category',
  'risk_score',
  'src_ip',
  'dst_ip',
  'src_port',
  'dst_port',
  'protocol',
  'source',
  'top_features',
  'record',
] as const;

// Casts keep the keyset parameters' types explicit inside the row comparison.
const KEYSET_CAST: Record<SortField, string> = {
  created_at: 'timestamptz',
  risk_score: 'integer',
  probability: 'double precision',
};

/**
 * One page of predictions in (sort field, id) order, starting after `after`. Keyset pagination:
 * rows inserted meanwhile never shift a page, and ties on the sort value are broken by id.
 */
export async function selectPredictionPage(
  db: Db,
  filters: PredictionFilters,
  sort: Sort,
  limit: number,
  after?: Keyset,
): Promise<PredictionRow[]> {
  const column = sql.ref(`predictions.${sort.field}`);
  const op = sql.raw(sort.dir === 'desc' ? '<' : '>');
  const cast = sql.raw(KEYSET_CAST[sort.field]);
  let query = db.selectFrom('predictions').select(PREDICTION_ROW_SELECTION).where(filterPredictions(filters));
  if (after) {
    query = query.where(
      sql<SqlBool>`(${column}, predictions.id) ${op} (cast(${after.value} as ${cast}), cast(${after.id} as bigint))`,
    );
  }
  return query.orderBy(sort.field, sort.dir).orderBy('id', sort.dir).limit(limit).execute();
}

/** Deletes every prediction created before `before`; returns how many went. */
export async function deletePredictionsBefore(db: Db, before: Date): Promise<number> {
  const result = await db.deleteFrom('predictions').where('created_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
