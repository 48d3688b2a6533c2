import { ZEEK_CONN_FIELDS, zeekConnSchema } from '../schemas/zeek-conn.schema.js';
import { type ColumnPlan, isHeaderlessUrlList, type PlanOptions, planColumns } from './column-plan.js';
import { createCsvReader, parseCsvLine } from './csv-reader.js';
import { detectDelimiter } from './delimiter.js';
import { FileFormatError } from './file-format.error.js';
import { looksLikeZeekJson, looksLikeZeekTsv, parseZeekTsvHeader, zeekCell } from './zeek.js';

/** How a batch file is laid out. */
export type FileLayout = 'csv' | 'zeek-tsv' | 'json-lines' | 'zeek-json';

/** Most columns a batch file may have. */
export const MAX_COLUMNS = 512;
/** Rows shown in a preview. */
export const PREVIEW_ROWS = 5;

export interface InspectOptions extends PlanOptions {
  /** True when the text is the whole (decompressed) file; otherwise it is cut at its last line break. */
  readonly complete: boolean;
}

/**
 * What a batch file is and how to read it: everything the reader and the record mapper need, and a
 * preview for the user. Plain JSON, so it can be stored with the batch.
 */
export interface FileInspection extends ColumnPlan {
  readonly layout: FileLayout;
  /** `,`, `\t` or `;` for delimited layouts; '' for JSON lines. */
  readonly delimiter: string;
  /** Whether double quotes quote fields (not in Zeek TSV). */
  readonly quotes: boolean;
  /** Lines starting with this are not data (`#` in Zeek TSV). */
  readonly comment: string | null;
  /** Column names: the CSV header, Zeek's #fields, or the keys of the first JSON lines. */
  readonly header: readonly string[];
  /** Whether the first non-comment line is a header row (false for a headerless URL list and JSON). */
  readonly headerRow: boolean;
  readonly zeek: {
    readonly unsetField: string;
    readonly emptyField: string;
    readonly path: string | null;
  } | null;
  readonly preview: { readonly columns: readonly string[]; readonly rows: readonly (string | null)[][] };
  /** Data rows in the inspected text (all of them when it was the whole file). */
  readonly rowsInHead: number;
}

function checkWidth(header: readonly string[]): void {
  if (header.length > MAX_COLUMNS) {
    throw new FileFormatError(
      'too-many-columns',
      `the header has ${header.length} columns; at most ${MAX_COLUMNS} are accepted`,
      { line: 1 },
    );
  }
}

const show = (v: unknown): string | null =>
  v === null || v === undefined ? null : typeof v === 'object' ? JSON.stringify(v) : String(v);

function inspectJsonLines(lines: readonly string[], options: InspectOptions) {
  const header: string[] = [];
  const seen = new Set<string>();
  const rows: Record<string, unknown>[] = [];
  let zeekLike = false;
  let count = 0;
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line.length === 0) continue;
    count++;
    if (rows.length >= 200) continue;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (err) {
      if (rows.length > 0) continue; // a bad row later on is counted when the file is read
      const why = err instanceof Error ? err.message : String(err);
      throw new FileFormatError('unknown-format', `line ${i + 1} starts with "{" but is not JSON: ${why}`, {
        line: i + 1,
      });
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) continue;
    if (rows.length === 0) zeekLike = looksLikeZeekJson(obj);
    const flat: Record<string, unknown> = {};
    flattenInto(obj as Record<string, unknown>, flat, '');
    rows.push(flat);
    for (const key of Object.keys(flat)) {
      if (!seen.has(key)) {
        seen.add(key);
        header.push(key);
      }
    }
  }
  checkWidth(header);
  let plan = planColumns(header, options);
  if (zeekLike && plan.schema === zeekConnSchema.id) {
    // Zeek leaves unset fields out of JSON; every conn.log field is read ("-" when absent), as in TSV.
    for (const f of ZEEK_CONN_FIELDS) if (!seen.has(f)) header.push(f);
    plan = planColumns(header, options);
  }
  return {
    ...plan,
    layout: (zeekLike ? 'zeek-json' : 'json-lines') as FileLayout,
    delimiter: '',
    quotes: false,
    comment: null,
    header,
    headerRow: false,
    zeek: null,
    preview: { columns: header, rows: rows.slice(0, PREVIEW_ROWS).map((r) => header.map((h) => show(r[h]))) },
    rowsInHead: count,
  };
}

function flattenInto(obj: Record<string, unknown>, into: Record<string, unknown>, prefix: string): void {
  for (const key in obj) {
    const v = obj[key];
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      flattenInto(v as Record<string, unknown>, into, `${prefix}${key}.`);
    } else into[prefix + key] = v;
  }
}

function readRows(text: string, delimiter: string, quotes: boolean, comment: string | null) {
  const rows: string[][] = [];
  let count = 0;
  const reader = createCsvReader(
    { delimiter, quotes, comment: comment ?? undefined, maxRecordChars: text.length + 1 },
    (cells) => {
      count++;
      if (rows.length < PREVIEW_ROWS + 1) rows.push(cells);
    },
  );
  reader.push(text);
  reader.end();
  return { rows, count };
}

/**
 * Inspects the start of a batch file (decoded text, BOM removed): its layout (CSV/TSV with a
 * sniffed delimiter, Zeek TSV with #fields, JSON lines, Zeek JSON), its header mapped onto a model
 * kind, and a preview of the first rows. Throws FileFormatError for an empty file, a header without
 * rows, too many columns, an unclosed quote, or a header that fits no schema.
 */
export function inspectText(text: string, options: InspectOptions): FileInspection {
  let body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (!options.complete) {
    const last = body.lastIndexOf('\n');
    if (last < 0) {
      throw new FileFormatError(
        'line-too-long',
        `the first line is longer than ${body.length} characters; is this a CSV, TSV, Zeek log or JSON lines file?`,
        { line: 1 },
      );
    }
    body = body.slice(0, last + 1);
  }
  if (body.trim().length === 0) {
    throw new FileFormatError(
      'empty-file',
      text.length === 0 ? 'the file is empty' : 'the file holds only blank lines',
    );
  }
  const lines = body.split('\n');
  const firstIndex = lines.findIndex((l) => l.trim().length > 0);
  const first = lines[firstIndex].replace(/\r$/, '');

  let inspection: FileInspection;
  if (looksLikeZeekTsv(first)) {
    const z = parseZeekTsvHeader(lines.slice(firstIndex));
    checkWidth(z.fields);
    const dataText = lines.slice(firstIndex + z.headerLines).join('\n');
    const { rows, count } = readRows(dataText, z.separator, false, '#');
    const plan = planColumns(z.fields, options);
    const zeek = { unsetField: z.unsetField, emptyField: z.emptyField, path: z.path ?? null };
    inspection = {
      ...plan,
      layout: 'zeek-tsv',
      delimiter: z.separator,
      quotes: false,
      comment: '#',
      header: z.fields,
      headerRow: false,
      zeek,
      preview: {
        columns: z.fields,
        rows: rows.slice(0, PREVIEW_ROWS).map((r) => r.map((c) => zeekCell(c, z))),
      },
      rowsInHead: count,
    };
  } else if (first.trimStart().startsWith('{')) {
    inspection = inspectJsonLines(lines, options);
  } else {
    const delimiter = detectDelimiter(lines.slice(firstIndex, firstIndex + 50));
    const header = parseCsvLine(first, delimiter);
    checkWidth(header);
    const headerRow = !isHeaderlessUrlList(header, options);
    const { rows, count } = readRows(body, delimiter, true, null);
    const data = headerRow ? rows.slice(1) : rows;
    const columns = headerRow ? header : ['url'];
    const plan = planColumns(columns, options);
    inspection = {
      ...plan,
      layout: 'csv',
      delimiter,
      quotes: true,
      comment: null,
      header: columns,
      headerRow,
      zeek: null,
      preview: { columns, rows: data.slice(0, PREVIEW_ROWS) },
      rowsInHead: headerRow ? count - 1 : count,
    };
  }
  if (inspection.rowsInHead === 0) {
    throw new FileFormatError(
      'no-rows',
      options.complete
        ? 'the file has a header but no data rows'
        : 'no data row within the first part of the file; is the header or first row broken?',
    );
  }
  return inspection;
}
