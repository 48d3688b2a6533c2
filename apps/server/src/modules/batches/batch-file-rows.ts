import { createCsvReader, createRecordMapper, type FileInspection } from '@vigil/detect';
import { contentError, openContent } from './batch-file-inspect.js';

/** A run of consecutive data rows: each is a record for the scorer or the reason it is bad. */
export interface RowChunk {
  /** 1-based data row number of `items[0]`. */
  readonly firstRow: number;
  readonly items: (Record<string, unknown> | string)[];
  /** 1-based line each row starts on. */
  readonly lines: number[];
}

export interface ReadRowsOptions {
  /** Rows already processed (the checkpoint): read past, not mapped. */
  readonly skipRows?: number;
  readonly chunkRows: number;
  readonly signal?: AbortSignal;
}

/**
 * Streams the data rows of an inspected batch file in chunks of `chunkRows`, from the row after
 * the checkpoint. The layout decides the reader: CSV with quotes, Zeek TSV split on its separator
 * with `#` lines skipped, JSON lines one object per line. Only one decoded piece of the file and
 * one chunk of rows are in memory at a time.
 */
export async function* readBatchRows(
  path: string,
  inspection: FileInspection,
  options: ReadRowsOptions,
): AsyncGenerator<RowChunk> {
  const skip = options.skipRows ?? 0;
  const mapper = createRecordMapper(inspection);
  const json = inspection.layout === 'json-lines' || inspection.layout === 'zeek-json';
  let headerPending = inspection.headerRow;
  let row = 0;
  let current: RowChunk = { firstRow: skip + 1, items: [], lines: [] };
  const ready: RowChunk[] = [];

  const sink = (cells: string[], line: number) => {
    if (headerPending) {
      headerPending = false;
      return;
    }
    row++;
    if (row <= skip) return;
    current.items.push(json ? mapper.fromJsonLine(cells[0]) : mapper.fromCells(cells));
    current.lines.push(line);
    if (current.items.length >= options.chunkRows) {
      ready.push(current);
      current = { firstRow: row + 1, items: [], lines: [] };
    }
  };
  // JSON lines: a NUL "delimiter" never splits a line (NUL bytes were refused at upload).
  const reader = createCsvReader(
    json
      ? { delimiter: '\u0000', quotes: false }
      : {
          delimiter: inspection.delimiter,
          quotes: inspection.quotes,
          comment: inspection.comment ?? undefined,
        },
    sink,
  );

  const { stream } = await openContent(path);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let bytes = 0;
  try {
    for await (const piece of stream) {
      options.signal?.throwIfAborted();
      bytes += (piece as Buffer).length;
      reader.push(decoder.decode(piece as Buffer, { stream: true }));
      while (ready.length > 0) yield ready.shift()!;
    }
    reader.push(decoder.decode());
    reader.end();
  } catch (err) {
    throw contentError(err, bytes);
  } finally {
    stream.destroy();
  }
  while (ready.length > 0) yield ready.shift()!;
  if (current.items.length > 0) yield current;
}
