import { isIP } from 'node:net';
import { z } from 'zod';
import type { Sort, SortDir, SortField } from './predictions-query.repo.js';

/** An ISO 8601 timestamp with a zone (`Z` or `+02:00`), read as a Date. */
export const isoTimestamp = z.iso
  .datetime({
    offset: true,
    message: 'expected an ISO 8601 timestamp with a zone, e.g. 2026-01-01T00:00:00Z',
  })
  .transform((s) => new Date(s));

/** A whole number in a query string; unlike z.coerce, an empty value is an error, not 0. */
export function intParam(min: number, max: number) {
  return z
    .string()
    .regex(/^-?\d{1,10}$/, `expected a whole number ${min}..${max}`)
    .transform(Number)
    .pipe(z.number().min(min).max(max));
}

const ipParam = z.string().refine((s) => isIP(s) !== 0, 'expected an IPv4 or IPv6 address');
const text = z.string().min(1).max(200);

/**
 * The filters shared by history, export and stats (query-string fields, parsed to
 * `PredictionFilters`). `from` is inclusive, `to` exclusive.
 */
export const filterShape = {
  from: isoTimestamp.optional(),
  to: isoTimestamp.optional(),
  verdict: z.enum(['benign', 'attack']).optional(),
  category: text.optional(),
  minScore: intParam(0, 100).optional(),
  maxScore: intParam(0, 100).optional(),
  srcIp: ipParam.optional(),
  dstIp: ipParam.optional(),
  /** Either side of the flow. */
  ip: ipParam.optional(),
  modelId: text.optional(),
  kind: text.optional(),
  q: z.string().min(1).max(500).optional(),
  /** Results of one batch (issue #4). */
  batchId: intParam(1, 2 ** 31 - 1).optional(),
};

type RangeInput = { from?: Date; to?: Date; minScore?: number; maxScore?: number };

/** Ranges must not be inverted; reported on the field a user would fix. */
export function checkRanges(v: RangeInput, ctx: z.core.$RefinementCtx): void {
  if (v.from && v.to && v.from.getTime() > v.to.getTime()) {
    ctx.addIssue({ code: 'custom', path: ['from'], message: 'from must not be after to' });
  }
  if (v.minScore !== undefined && v.maxScore !== undefined && v.minScore > v.maxScore) {
    ctx.addIssue({ code: 'custom', path: ['minScore'], message: 'minScore must not exceed maxScore' });
  }
}

/** `risk_score:asc` → { field, dir }; the regex has already checked the shape. */
function parseSort(sort: string): Sort {
  const [field, dir = 'desc'] = sort.split(':') as [SortField, SortDir?];
  return { field, dir };
}

/** The filters plus `sort` (`risk_score:asc`; direction defaults to desc), parsed to a `Sort`. */
const filterAndSort = {
  ...filterShape,
  sort: z
    .string()
    .regex(
      /^(created_at|risk_score|probability)(:(asc|desc))?$/,
      'expected created_at, risk_score or probability, optionally with :asc or :desc',
    )
    .default('created_at:desc')
    .transform(parseSort),
};

/** GET /predictions: one page. */
export const listQuerySchema = z
  .strictObject({
    ...filterAndSort,
    limit: intParam(1, 1000).default(100),
    cursor: z.string().min(1).max(1000).optional(),
  })
  .superRefine(checkRanges);

/** GET /predictions/export and `vigil history`. */
export const exportQuerySchema = z
  .strictObject({ ...filterAndSort, format: z.enum(['csv', 'json', 'ndjson']).default('csv') })
  .superRefine(checkRanges);
