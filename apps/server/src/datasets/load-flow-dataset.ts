import { basename } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  createDatasetBuilder,
  DataFormatError,
  type DatasetBuilder,
  type DatasetBuilderOptions,
  type DatasetBuildResult,
  detectFlowSchema,
  type FlowSchema,
  type FlowSchemaId,
  type FlowTarget,
  getFlowSchema,
  matchHeader,
} from '@vigil/detect';
import { CsvError, parse } from 'csv-parse';
import { openDatasetFile } from './dataset-file.js';

/** Options of {@link loadFlowDataset}: the schema and target plus the builder's options. */
export interface LoadFlowDatasetOptions extends Omit<DatasetBuilderOptions, 'target'> {
  /** A schema id, or 'auto' to pick the schema from the header. */
  readonly schema: 'auto' | FlowSchemaId;
  readonly target: FlowTarget;
  /** Stop after this many data rows (kept rows, skipped ones excluded). */
  readonly limit?: number;
  /** Called per chunk read, in bytes of the file as stored (compressed for .gz). */
  readonly onProgress?: (bytesRead: number, totalBytes: number) => void;
  readonly signal?: AbortSignal;
}

/** A flow file read into a dataset, with what was learned on the way. */
export interface LoadedFlowDataset extends DatasetBuildResult {
  readonly schema: FlowSchema;
  /** Share of the header's columns the schema recognised (see detectFlowSchema). */
  readonly confidence: number;
  readonly gzip: boolean;
  /** Size of the file as stored. */
  readonly bytes: number;
  /** True when `limit` rows were reached and reading stopped there (more rows may or may not follow). */
  readonly truncated: boolean;
  readonly elapsedMs: number;
}

// Longest record accepted; past it the file is broken (typically a quote never closed), and failing
// fast keeps an unclosed quote from buffering the rest of a multi-gigabyte file into one field.
const MAX_RECORD_CHARS = 1 << 20;

/** Thrown by the sink to end the pipeline once `limit` rows are in; not an error for the caller. */
class LimitReached extends Error {}

/**
 * Streams a labelled flow CSV (plain or gzip, sniffed by magic bytes) into a columnar Dataset: the
 * header picks or checks the schema, then rows go one by one into a DatasetBuilder, so the file is
 * never held in memory as text. Content problems throw DataFormatError (message prefixed with the
 * file name, `source` set to the path); a file that cannot be opened throws DatasetFileError.
 */
export async function loadFlowDataset(
  path: string,
  options: LoadFlowDatasetOptions,
): Promise<LoadedFlowDataset> {
  const started = performance.now();
  const { schema: schemaOption, limit, onProgress, signal, ...builderOptions } = options;
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
    throw new RangeError(`limit must be a positive whole number, got ${limit}`);
  }
  const fixedSchema = schemaOption === 'auto' ? undefined : getFlowSchema(schemaOption);
  const file = await openDatasetFile(path, onProgress);

  let builder: DatasetBuilder | undefined;
  let confidence = 1;
  let row = 0;
  let truncated = false;
  const handle = (record: string[]): void => {
    row++;
    if (builder === undefined) {
      let schema = fixedSchema;
      if (schema === undefined) {
        const detected = detectFlowSchema(record);
        schema = detected.schema;
        confidence = detected.confidence;
      } else {
        confidence = record.length === 0 ? 0 : matchHeader(schema, record).known / record.length;
      }
      builder = createDatasetBuilder(schema, builderOptions);
      builder.setHeader(record);
      return;
    }
    builder.pushRow(record, row);
    if (limit !== undefined && builder.rows >= limit) {
      truncated = true;
      throw new LimitReached();
    }
  };
  const sink = new Writable({
    objectMode: true,
    highWaterMark: 512,
    write(record: string[], _encoding, done) {
      try {
        handle(record);
        done();
      } catch (err) {
        done(err as Error);
      }
    },
  });
  const parser = parse({
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    max_record_size: MAX_RECORD_CHARS,
  });

  try {
    await pipeline([...file.stages, parser, sink], { signal });
  } catch (err) {
    if (!(err instanceof LimitReached)) throw withSource(toDataError(err), path);
  }
  if (builder === undefined) {
    throw withSource(
      new DataFormatError('empty-file', 'the file is empty: expected a header row', {
        row: 1,
        expected: 'a header row',
        got: 'nothing',
      }),
      path,
    );
  }
  let result: DatasetBuildResult;
  try {
    result = builder.finish();
  } catch (err) {
    throw withSource(err, path);
  }
  return {
    ...result,
    schema: builder.schema,
    confidence,
    gzip: file.gzip,
    bytes: file.size,
    truncated,
    elapsedMs: performance.now() - started,
  };
}

/** Parser and gunzip failures as DataFormatError; anything else unchanged. */
function toDataError(err: unknown): unknown {
  if (err instanceof CsvError) {
    // CsvError copies its parse context (lines, records, …) onto itself.
    const lines: unknown = (err as unknown as { lines?: unknown }).lines;
    const line = typeof lines === 'number' ? lines : undefined;
    const where = line === undefined ? '' : `line ${line}: `;
    return new DataFormatError('csv-syntax', `${where}malformed CSV (${err.code}): ${err.message}`, {
      row: line,
      expected: 'well-formed CSV',
      got: err.code,
      cause: err,
    });
  }
  const code = (err as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && code.startsWith('Z_')) {
    return new DataFormatError(
      'corrupt-gzip',
      `the gzip data is corrupt or truncated (${(err as Error).message})`,
      {
        expected: 'a complete gzip stream',
        got: code,
        cause: err,
      },
    );
  }
  return err;
}

/** Tags a DataFormatError with the file it came from, once. */
function withSource(err: unknown, path: string): unknown {
  if (err instanceof DataFormatError && err.source === undefined) {
    err.source = path;
    err.message = `${basename(path)}: ${err.message}`;
  }
  return err;
}
