import type { Prediction, PredictionPage } from '@vigil/contracts';
import type { Db } from '../../db/database.js';
import { AppError } from '../../errors/app-error.js';
import {
  deletePredictionsBefore,
  type Keyset,
  type PredictionFilters,
  type PredictionRow,
  type Sort,
  selectPredictionPage,
} from './predictions-query.repo.js';

/** A stored prediction as the API shows it. */
export type PredictionDto = Prediction;

export interface ListQuery {
  filters: PredictionFilters;
  sort: Sort;
  limit: number;
  cursor?: string;
}

/** Rows fetched per round trip while exporting. */
export const EXPORT_PAGE_SIZE = 5_000;
/** Most rows one export returns; narrow the filters for more. */
export const EXPORT_MAX_ROWS = 1_000_000;

export function toPredictionDto(row: PredictionRow): PredictionDto {
  return {
    id: row.id,
    createdAt: row.created_at.toISOString(),
    modelId: row.model_id,
    kind: row.kind,
    verdict: row.verdict,
    probability: row.probability,
    category: row.category,
    riskScore: row.risk_score,
    srcIp: row.src_ip,
    dstIp: row.dst_ip,
    srcPort: row.src_port,
    dstPort: row.dst_port,
    protocol: row.protocol,
    source: row.source,
    topFeatures: row.top_features,
    record: row.record,
  };
}

const sortKey = (sort: Sort) => `${sort.field}:${sort.dir}`;

/**
 * The cursor is opaque to clients: base64url JSON of the sort it belongs to and the last row's
 * keyset. Binding the sort in means a cursor reused with another sort is refused, not misread.
 */
export function encodeCursor(sort: Sort, row: PredictionRow): string {
  const { value, id } = keysetOf(sort, row);
  return Buffer.from(JSON.stringify({ s: sortKey(sort), v: value, id })).toString('base64url');
}

function keysetOf(sort: Sort, row: PredictionRow): Keyset {
  const value =
    sort.field === 'created_at'
      ? row.created_at_us
      : sort.field === 'risk_score'
        ? row.risk_score
        : row.probability;
  return { value, id: row.id };
}

const ISO_MICROS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

export function decodeCursor(cursor: string, sort: Sort): Keyset {
  const bad = (why: string) =>
    new AppError('VALIDATION_FAILED', `cursor: ${why}`, { path: 'querystring.cursor' });
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('not base64url');
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad('not a cursor returned by this API');
  }
  if (typeof parsed !== 'object' || parsed === null) throw bad('not a cursor returned by this API');
  const { s, v, id } = parsed as Record<string, unknown>;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0)
    throw bad('not a cursor returned by this API');
  if (s !== sortKey(sort))
    throw bad(`it belongs to sort "${String(s)}", not "${sortKey(sort)}"; start again without a cursor`);
  if (sort.field === 'created_at') {
    if (typeof v !== 'string' || !ISO_MICROS.test(v) || Number.isNaN(Date.parse(v)))
      throw bad('not a cursor returned by this API');
  } else if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw bad('not a cursor returned by this API');
  }
  return { value: v as string | number, id };
}

export class PredictionsQueryService {
  constructor(private readonly db: Db) {}

  /** One page of history; `nextCursor` is null on the last page. */
  async list(query: ListQuery): Promise<PredictionPage> {
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, query.sort);
    // One extra row tells whether another page exists without a count query.
    const rows = await selectPredictionPage(this.db, query.filters, query.sort, query.limit + 1, after);
    const more = rows.length > query.limit;
    const page = more ? rows.slice(0, query.limit) : rows;
    return {
      items: page.map(toPredictionDto),
      nextCursor: more ? encodeCursor(query.sort, page[page.length - 1]) : null,
    };
  }

  /**
   * Every matching row, page by page, up to `maxRows`; only one page is held at a time, so an
   * export of a million rows needs the memory of five thousand.
   */
  async *exportPages(
    filters: PredictionFilters,
    sort: Sort,
    options: { pageSize?: number; maxRows?: number } = {},
  ): AsyncGenerator<PredictionDto[]> {
    const pageSize = options.pageSize ?? EXPORT_PAGE_SIZE;
    let remaining = options.maxRows ?? EXPORT_MAX_ROWS;
    let after: Keyset | undefined;
    while (remaining > 0) {
      const rows = await selectPredictionPage(this.db, filters, sort, Math.min(pageSize, remaining), after);
      if (rows.length === 0) return;
      yield rows.map(toPredictionDto);
      remaining -= rows.length;
      if (rows.length < pageSize) return;
      after = keysetOf(sort, rows[rows.length - 1]);
    }
  }

  /** Deletes history older than `before`; the caller audits. */
  clearBefore(before: Date): Promise<number> {
    return deletePredictionsBefore(this.db, before);
  }
}
