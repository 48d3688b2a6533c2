/** Stable codes of {@link DataFormatError}, so callers (CLI, API) can map them without parsing messages. */
export type DataFormatErrorCode =
  | 'empty-file'
  | 'no-rows'
  | 'missing-columns'
  | 'duplicate-column'
  | 'ragged-row'
  | 'not-a-number'
  | 'unknown-label'
  | 'unknown-column'
  | 'unknown-schema'
  | 'csv-syntax'
  | 'corrupt-gzip';

/** The optional, machine-readable details of a {@link DataFormatError}. */
export interface DataFormatErrorDetails {
  /** 1-based row number as a spreadsheet shows it: the header is row 1, the first data row is row 2. */
  readonly row?: number;
  readonly column?: string;
  /** What the reader expected, in words ("a number", "43 cells", "one of: normal, back, …"). */
  readonly expected?: string;
  /** What it found instead, verbatim. */
  readonly got?: string;
  /** For 'missing-columns': the absent column names. */
  readonly missingColumns?: readonly string[];
  /** For 'unknown-label': the accepted label values. */
  readonly allowed?: readonly string[];
  readonly cause?: unknown;
}

/**
 * Input data that cannot be read as asked: the message says where (row, column) and what was expected
 * versus found, so that a user can fix the file; the fields carry the same facts for programs.
 */
export class DataFormatError extends Error {
  override readonly name: string = 'DataFormatError';
  readonly code: DataFormatErrorCode;
  readonly row?: number;
  readonly column?: string;
  readonly expected?: string;
  readonly got?: string;
  readonly missingColumns?: readonly string[];
  readonly allowed?: readonly string[];
  /** The file or stream the data came from, set by the reader that knows it. */
  source?: string;

  constructor(code: DataFormatErrorCode, message: string, details: DataFormatErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.row = details.row;
    this.column = details.column;
    this.expected = details.expected;
    this.got = details.got;
    this.missingColumns = details.missingColumns;
    this.allowed = details.allowed;
  }
}

/** How well one schema fits a header, as reported when detection fails. */
export interface SchemaCandidate {
  readonly schemaId: string;
  /** Required columns found / required columns. */
  readonly matched: number;
  readonly required: number;
  readonly missing: readonly string[];
}

/** No known flow schema has all its required columns in the header; lists the closest candidates. */
export class SchemaDetectionError extends DataFormatError {
  override readonly name: string = 'SchemaDetectionError';
  readonly candidates: readonly SchemaCandidate[];

  constructor(message: string, candidates: readonly SchemaCandidate[]) {
    super('unknown-schema', message, { missingColumns: candidates[0]?.missing });
    this.candidates = candidates;
  }
}

/** Quotes a cell for a message, shortened so a huge garbage cell does not flood the log. */
export function quoteCell(value: string): string {
  const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
  return JSON.stringify(shown);
}
