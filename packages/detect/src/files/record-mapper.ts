import type { FileInspection } from './inspect.js';
import { flattenZeekJson } from './zeek.js';

/**
 * Turns the rows of an inspected file into records for the encoder (keys as written in the header,
 * only the columns the plan uses; `{ url }` for URL lists). Each method returns the record, or a string saying why the row
 * is bad (it is then counted and reported, not fatal).
 */
export interface RecordMapper {
  /**
   * The keys of every record `fromCells` makes, in order, for a delimited flow file: its values are
   * all strings, so a record can travel as its values alone. Null for JSON lines and URL lists.
   */
  readonly keys: readonly string[] | null;
  fromCells(cells: readonly string[]): Record<string, unknown> | string;
  /**
   * With `keys`: the values `fromCells` would put under them, in their order (or the same reason
   * the row is bad), without the record object. Scoring threads encode these directly. When the
   * file's every column is used, in order, these are `cells` themselves (the caller's array, not a copy).
   */
  valuesFromCells(cells: readonly string[]): readonly string[] | string;
  fromJsonLine(line: string): Record<string, unknown> | string;
}

const clip = (s: string, n = 80): string => (s.length > n ? `${s.slice(0, n)}…` : s);

/** A URL list's record is `{ url }`, whatever the column is called. */
function urlRecord(value: unknown): Record<string, unknown> | string {
  const url =
    typeof value === 'string' ? value.trim() : value === undefined || value === null ? '' : String(value);
  return url.length === 0 ? 'empty URL' : { url };
}

/** The record mapper of an inspected file. */
export function createRecordMapper(inspection: FileInspection): RecordMapper {
  const width = inspection.header.length;
  const idx = inspection.used.map((u) => u.index);
  const names = inspection.used.map((u) => u.name);
  // Zeek values stay as Zeek wrote them ("-" when unset), as they are when a model is trained on an
  // exported log: numeric "-" reads as missing, categorical "-" is the category the model learned.
  const zeek = inspection.zeek;
  const empty = zeek?.emptyField;
  const absent = inspection.layout === 'zeek-json' ? '-' : null;
  const urlKey = inspection.urlColumn;

  const delimited = inspection.layout === 'csv' || inspection.layout === 'zeek-tsv';
  const allInOrder = zeek === null && idx.length === width && idx.every((column, k) => column === k);
  /** The value of used column k in a row's cells. */
  const cellValue = (cells: readonly string[], k: number): string => {
    const v = cells[idx[k]];
    return zeek === null || v !== empty ? v : '';
  };
  return {
    keys: delimited && urlKey === null ? names : null,
    fromCells(cells) {
      if (cells.length !== width) {
        return `expected ${width} fields, got ${cells.length}`;
      }
      if (urlKey !== null) return urlRecord(cells[idx[0]]);
      const record: Record<string, unknown> = {};
      for (let k = 0; k < idx.length; k++) record[names[k]] = cellValue(cells, k);
      return record;
    },
    valuesFromCells(cells) {
      if (cells.length !== width) return `expected ${width} fields, got ${cells.length}`;
      // A flow export's columns are usually all used: a copy per row was an eighth of what scoring allocated.
      if (allInOrder) return cells;
      const values = new Array<string>(idx.length);
      for (let k = 0; k < idx.length; k++) values[k] = cellValue(cells, k);
      return values;
    },
    fromJsonLine(line) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch (err) {
        return `not valid JSON (${clip(err instanceof Error ? err.message : String(err))})`;
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        return 'expected a JSON object';
      }
      const flat = flattenZeekJson(parsed as Record<string, unknown>);
      if (urlKey !== null) return urlRecord(flat[urlKey]);
      const record: Record<string, unknown> = {};
      for (let k = 0; k < names.length; k++) {
        // Zeek leaves unset fields out of its JSON logs; they read as its TSV's "-".
        const v = flat[names[k]];
        record[names[k]] = v === undefined ? absent : v;
      }
      return record;
    },
  };
}
