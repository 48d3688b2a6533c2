import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import {
  checkBom,
  checkMagic,
  checkNotBinary,
  countNewlines,
  FileFormatError,
  type FileInspection,
  findInvalidUtf8,
  hexAround,
  inspectText,
  isGzip,
  utf8CompleteLength,
} from '@vigil/detect';

/** Bytes of decompressed content the layout, header and preview are read from. */
export const HEAD_BYTES = 256 * 1024;
const READ_CHUNK = 1 << 20;

/** A batch file checked end to end: how to read it and how many data rows it holds. */
export interface InspectedBatchFile {
  readonly inspection: FileInspection;
  readonly gzip: boolean;
  /** Whether the content starts with a UTF-8 byte-order mark (accepted and skipped). */
  readonly bom: boolean;
  /** Size as stored (compressed for gzip). */
  readonly bytes: number;
  /** Decompressed size. */
  readonly contentBytes: number;
  /**
   * Data rows, counted as non-empty lines (less the header row and Zeek's # lines). Exact unless
   * quoted fields hold line breaks; the job corrects it when it has read the file.
   */
  readonly rowsTotal: number;
}

export interface InspectBatchFileOptions {
  readonly schema?: string;
  readonly urlColumn?: string;
  readonly signal?: AbortSignal;
  /**
   * Most bytes of content (after gunzip) accepted: the upload limit bounds the file as sent, this
   * bounds what a gzip file expands to (a "gzip bomb" of a few MB can expand to terabytes).
   */
  readonly maxContentBytes?: number;
}

/** The file's content as a byte stream, gunzipped when it starts with gzip's magic number. */
export async function openContent(path: string): Promise<{ stream: Readable; gzip: boolean; bytes: number }> {
  const handle = await open(path, 'r');
  let gzip: boolean;
  let bytes: number;
  try {
    bytes = (await handle.stat()).size;
    const head = Buffer.alloc(16);
    const { bytesRead } = await handle.read(head, 0, 16, 0);
    checkMagic(head.subarray(0, bytesRead));
    gzip = isGzip(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
  const raw = createReadStream(path, { highWaterMark: READ_CHUNK });
  if (!gzip) return { stream: raw, gzip, bytes };
  const gunzip = createGunzip({ chunkSize: 1 << 18 });
  raw.on('error', (err) => gunzip.destroy(err));
  return { stream: raw.pipe(gunzip), gzip, bytes };
}

/** Maps a zlib failure to a user-facing error; anything else passes through. */
export function contentError(err: unknown, contentBytes: number): unknown {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string' && code.startsWith('Z_')) {
    return new FileFormatError(
      'unsupported-compression',
      `the gzip data is corrupt or truncated after ${contentBytes} decompressed bytes (${(err as Error).message})`,
      { offset: contentBytes },
    );
  }
  return err;
}

/**
 * Checks a whole batch file before any job starts: compression (gzip only), binary content, the
 * encoding (UTF-8, with or without BOM; the first invalid byte is reported with its offset and line),
 * and the layout and header (see `inspectText`), and counts its data rows. One streaming pass; the
 * file is never held in memory. Throws FileFormatError.
 */
export async function inspectBatchFile(
  path: string,
  options: InspectBatchFileOptions = {},
): Promise<InspectedBatchFile> {
  const { stream, gzip, bytes } = await openContent(path);
  if (bytes === 0) {
    stream.destroy();
    throw new FileFormatError('empty-file', 'the file is empty');
  }
  const head: Buffer[] = [];
  let headBytes = 0;
  let inspection: FileInspection | undefined;
  let bom = false;
  let offset = 0;
  let newlines = 0;
  let tail: Buffer = Buffer.alloc(0);
  // Line counting across chunks: lines with content, and those starting with '#'.
  let atLineStart = true;
  let pendingCr = false;
  let contentLines = 0;
  let hashLines = 0;

  const inspectHead = (complete: boolean) => {
    const all = Buffer.concat(head);
    const cut = complete ? all.length : utf8CompleteLength(all);
    const text = all.subarray(bom ? 3 : 0, cut).toString('utf8');
    inspection = inspectText(text, { schema: options.schema, urlColumn: options.urlColumn, complete });
  };

  const countLines = (buf: Buffer) => {
    for (let i = 0; i < buf.length; ) {
      if (atLineStart) {
        const b = buf[i];
        if (b === 0x0a) {
          // An empty line (or "\r\n" alone): not a row.
          pendingCr = false;
          i++;
          continue;
        }
        if (b === 0x0d) {
          pendingCr = true;
          i++;
          continue;
        }
        atLineStart = false;
        contentLines++;
        if (b === 0x23 && !pendingCr) hashLines++;
        pendingCr = false;
      }
      const nl = buf.indexOf(0x0a, i);
      if (nl < 0) break;
      atLineStart = true;
      i = nl + 1;
    }
  };

  try {
    for await (const piece of stream) {
      options.signal?.throwIfAborted();
      let chunk = piece as Buffer;
      if (offset === 0 && headBytes === 0) {
        if (gzip) checkMagic(chunk.subarray(0, 16));
        bom = checkBom(chunk.subarray(0, 4)) === 'utf-8';
      }
      const nul = chunk.indexOf(0);
      if (nul >= 0 || offset < HEAD_BYTES)
        checkNotBinary(chunk.subarray(0, Math.max(nul + 1, 64 * 1024)), offset);
      if (tail.length > 0) chunk = Buffer.concat([tail, chunk]);
      const complete = utf8CompleteLength(chunk);
      const body = chunk.subarray(0, complete);
      if (!isUtf8(body)) throw invalidUtf8(body, offset, newlines);
      newlines += countNewlines(body);
      countLines(body);
      if (headBytes < HEAD_BYTES) {
        head.push(body);
        headBytes += body.length;
        if (headBytes >= HEAD_BYTES) inspectHead(false);
      }
      offset += body.length;
      tail = chunk.subarray(complete);
      if (options.maxContentBytes !== undefined && offset > options.maxContentBytes) {
        throw new FileFormatError(
          'content-too-large',
          `the file's content is larger than the limit of ${options.maxContentBytes} bytes ` +
            `(VIGIL_UPLOAD_CONTENT_LIMIT)${gzip ? ' once decompressed' : ''}; split it into smaller files`,
          { offset: options.maxContentBytes },
        );
      }
    }
  } catch (err) {
    stream.destroy();
    throw contentError(err, offset);
  }
  if (tail.length > 0) throw invalidUtf8(tail, offset, newlines, true);
  if (offset === 0) throw new FileFormatError('empty-file', 'the file is empty (gzip of nothing)');
  if (!inspection) inspectHead(true);
  const found = inspection!;
  const rowsTotal =
    found.layout === 'zeek-tsv' ? contentLines - hashLines : contentLines - (found.headerRow ? 1 : 0);
  return { inspection: found, gzip, bom, bytes, contentBytes: offset, rowsTotal };
}

function invalidUtf8(body: Buffer, base: number, newlinesBefore: number, truncated = false): FileFormatError {
  const at = truncated ? 0 : Math.max(0, findInvalidUtf8(body));
  const line = newlinesBefore + countNewlines(body, 0, at) + 1;
  const byte = body[at];
  // Latin-1 / Windows-1252 text is the usual culprit: its accented letters are single bytes ≥ 0x80.
  const hint = byte >= 0xa0 && byte <= 0xff ? ' (it looks like Latin-1 or Windows-1252 text)' : '';
  return new FileFormatError(
    'invalid-utf8',
    `the file is not valid UTF-8: byte 0x${byte.toString(16).padStart(2, '0')} at offset ${base + at}, line ${line}` +
      `${truncated ? ' ends in the middle of a character' : ''} (bytes ${hexAround(body, at)})${hint}; ` +
      'save it as UTF-8 and upload it again',
    { offset: base + at, line },
  );
}
