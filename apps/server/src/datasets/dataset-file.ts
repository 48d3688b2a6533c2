import { type FileHandle, open } from 'node:fs/promises';
import { Transform, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** Why a data file could not be opened. */
export type DatasetFileErrorCode = 'file-not-found' | 'not-a-file' | 'unreadable';

/** A data file that cannot be opened at all (as opposed to one whose content is wrong). */
export class DatasetFileError extends Error {
  override readonly name = 'DatasetFileError';

  constructor(
    readonly code: DatasetFileErrorCode,
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** An opened data file: the raw byte stream and whether it must be gunzipped. */
export interface OpenedDatasetFile {
  readonly path: string;
  readonly size: number;
  readonly gzip: boolean;
  /** Stages to pipe: file bytes, a byte counter, and a gunzip stage when the file is gzip. */
  readonly stages: readonly (NodeJS.ReadableStream | NodeJS.ReadWriteStream)[];
}

// Every gzip member starts with these two bytes (RFC 1952); the file name is not trusted.
const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;
const CHUNK_BYTES = 1 << 20;

/**
 * Opens a data file for streaming: sniffs gzip by its magic bytes and reports progress in bytes of
 * the file as stored (compressed bytes for .gz), so `bytesRead` reaches `size` at the end.
 */
export async function openDatasetFile(
  path: string,
  onProgress?: (bytesRead: number, totalBytes: number) => void,
): Promise<OpenedDatasetFile> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw fileError(path, err);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new DatasetFileError('not-a-file', path, `${path} is not a file`);
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    const gzip = bytesRead === 2 && head[0] === GZIP_MAGIC_0 && head[1] === GZIP_MAGIC_1;
    const source = handle.createReadStream({ start: 0, highWaterMark: CHUNK_BYTES, autoClose: true });
    const size = info.size;
    let read = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
        read += chunk.length;
        onProgress?.(read, size);
        done(null, chunk);
      },
    });
    const stages = gzip ? [source, counter, createGunzip({ chunkSize: 1 << 18 })] : [source, counter];
    return { path, size, gzip, stages };
  } catch (err) {
    await handle.close().catch(() => {});
    throw err instanceof DatasetFileError ? err : fileError(path, err);
  }
}

function fileError(path: string, err: unknown): DatasetFileError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT')
    return new DatasetFileError('file-not-found', path, `no such file: ${path}`, { cause: err });
  if (code === 'EISDIR')
    return new DatasetFileError('not-a-file', path, `${path} is a directory, not a file`, { cause: err });
  const reason = err instanceof Error ? err.message : String(err);
  return new DatasetFileError('unreadable', path, `cannot read ${path}: ${reason}`, { cause: err });
}
