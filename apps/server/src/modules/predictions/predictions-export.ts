import type { PredictionDto } from './predictions-query.service.js';

export type ExportFormat = 'csv' | 'json' | 'ndjson';

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

type Cell = string | number | null;

/** What an export writes: a prediction, whose history id is null when it is not in history (batch results). */
export type ExportRow = Omit<PredictionDto, 'id'> & { id: number | null };

/** CSV columns in order. Numeric columns are written as numbers and never formula-escaped. */
const CSV_COLUMNS: readonly { header: string; numeric: boolean; get: (p: ExportRow) => Cell }[] = [
  { header: 'id', numeric: true, get: (p) => p.id },
  { header: 'created_at', numeric: false, get: (p) => p.createdAt },
  { header: 'model_id', numeric: false, get: (p) => p.modelId },
  { header: 'kind', numeric: false, get: (p) => p.kind },
  { header: 'verdict', numeric: false, get: (p) => p.verdict },
  { header: 'probability', numeric: true, get: (p) => p.probability },
  { header: 'category', numeric: false, get: (p) => p.category },
  { header: 'risk_score', numeric: true, get: (p) => p.riskScore },
  { header: 'src_ip', numeric: false, get: (p) => p.srcIp },
  { header: 'dst_ip', numeric: false, get: (p) => p.dstIp },
  { header: 'src_port', numeric: true, get: (p) => p.srcPort },
  { header: 'dst_port', numeric: true, get: (p) => p.dstPort },
  { header: 'protocol', numeric: false, get: (p) => p.protocol },
  { header: 'source', numeric: false, get: (p) => p.source },
  { header: 'top_features', numeric: false, get: (p) => JSON.stringify(p.topFeatures) },
  { header: 'record', numeric: false, get: (p) => JSON.stringify(p.record) },
];

// A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One CSV cell: RFC 4180 quoting, and text that a spreadsheet would run as a formula gets a
 * leading apostrophe. Numbers are written as they are, so `-3` stays a number.
 */
export function csvCell(value: Cell, numeric: boolean): string {
  if (value === null) return '';
  if (numeric && typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let text = String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** CRLF line ends, as RFC 4180 says. */
export function csvHeader(): string {
  return `${CSV_COLUMNS.map((c) => c.header).join(',')}\r\n`;
}

export function csvLine(p: ExportRow): string {
  return `${CSV_COLUMNS.map((c) => csvCell(c.get(p), c.numeric)).join(',')}\r\n`;
}

/**
 * Turns pages of predictions into text chunks of the chosen format, one chunk per page, so the
 * consumer's back-pressure paces the database reads. `row`, when given, puts the input row number
 * first in CSV (batch results; JSON carries it as a field of the page's objects).
 */
export async function* exportChunks<T extends ExportRow>(
  pages: AsyncIterable<T[]>,
  format: ExportFormat,
  row?: (p: T) => number,
): AsyncGenerator<string> {
  if (format === 'csv') {
    yield row ? `row,${csvHeader()}` : csvHeader();
    for await (const page of pages)
      yield page.map((p) => (row ? `${row(p)},${csvLine(p)}` : csvLine(p))).join('');
    return;
  }
  if (format === 'ndjson') {
    for await (const page of pages) yield page.map((p) => `${JSON.stringify(p)}\n`).join('');
    return;
  }
  yield '[';
  let first = true;
  for await (const page of pages) {
    if (page.length === 0) continue;
    yield (first ? '\n' : ',\n') + page.map((p) => JSON.stringify(p)).join(',\n');
    first = false;
  }
  yield first ? ']\n' : '\n]\n';
}
