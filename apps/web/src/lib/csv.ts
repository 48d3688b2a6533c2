// CSV for exports of chart data and tables: RFC 4180 quoting, CRLF rows, and cells a spreadsheet
// would run as a formula (=, +, -, @, tab, CR at the start of a text) neutralised with a quote.

export type Cell = string | number | boolean | null | undefined | Date;

/** The data behind a chart or table: column names and one array of cells per row. */
export interface TableData {
  columns: string[];
  rows: Cell[][];
}

const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell as CSV text. */
export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let text = String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A whole table as CSV, header first, rows ended by CRLF. */
export function toCsv(table: TableData): string {
  const lines = [table.columns, ...table.rows].map((row) => row.map(csvCell).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** A category axis and several named series as a table: one row per category, one column per series. */
export function seriesTable(
  axisName: string,
  categories: readonly Cell[],
  series: readonly { name: string; values: readonly Cell[] }[],
): TableData {
  return {
    columns: [axisName, ...series.map((s) => s.name)],
    rows: categories.map((c, i) => [c, ...series.map((s) => s.values[i])]),
  };
}

/** A file name safe on every OS from a chart title: `Detections over time` → `detections-over-time`. */
export function fileSlug(title: string): string {
  const slug = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug || 'chart';
}
