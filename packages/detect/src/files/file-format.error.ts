/** Stable codes of {@link FileFormatError}, so the API and CLI can map them without parsing messages. */
export type FileFormatErrorCode =
  | 'empty-file'
  | 'binary-data'
  | 'unsupported-compression'
  | 'unsupported-encoding'
  | 'invalid-utf8'
  | 'line-too-long'
  | 'csv-syntax'
  | 'too-many-columns'
  | 'no-rows'
  | 'unknown-format'
  | 'unknown-schema'
  | 'missing-columns'
  | 'duplicate-column'
  | 'no-url-column'
  | 'bad-zeek-header'
  | 'content-too-large';

/** Where in a file a problem is, as far as it is known. */
export interface FileFormatErrorDetails {
  /** 0-based byte offset in the (decompressed) content. */
  readonly offset?: number;
  /** 1-based line number. */
  readonly line?: number;
  readonly column?: string;
  /** For 'missing-columns': the absent columns. */
  readonly missingColumns?: readonly string[];
}

/**
 * A file that cannot be processed as a batch at all (as opposed to a bad row inside a good file,
 * which is counted and reported): the message names what was found and what to do about it.
 */
export class FileFormatError extends Error {
  override readonly name = 'FileFormatError';

  constructor(
    readonly code: FileFormatErrorCode,
    message: string,
    readonly details: FileFormatErrorDetails = {},
  ) {
    super(message);
  }
}
