import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

/** A request body for fetch (with `duplex: 'half'`) and the headers that go with it. */
export interface MultipartBody {
  body: AsyncIterable<Uint8Array>;
  headers: { 'content-type': string; 'content-length': string };
}

/** Read size of the file part: fetch sends each piece as it comes. */
const PIECE_BYTES = 1 << 20;

/** A header parameter value: quotes and line breaks percent-encoded, as browsers encode FormData. */
const quoted = (s: string) => `"${s.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}"`;

/**
 * A multipart/form-data body of text `fields` and one file part `fileField` read from `path`,
 * streamed from disk. Why not FormData with `openAsBlob`: fetch reads a Blob in 64 KiB pieces
 * through web streams, and sent a 114 MB file over loopback in 0.3–0.6 s; streamed in 1 MiB pieces
 * it takes 0.2 s (measured side by side). The length is known up front, so the server sees a
 * Content-Length and can refuse an over-limit upload before reading it.
 */
export async function multipartFileBody(
  fields: Readonly<Record<string, string>>,
  fileField: string,
  path: string,
  filename: string,
): Promise<MultipartBody> {
  const boundary = `----vigil-${randomBytes(16).toString('hex')}`;
  let head = '';
  for (const [name, value] of Object.entries(fields)) {
    head += `--${boundary}\r\nContent-Disposition: form-data; name=${quoted(name)}\r\n\r\n${value}\r\n`;
  }
  head +=
    `--${boundary}\r\nContent-Disposition: form-data; name=${quoted(fileField)}; filename=${quoted(filename)}\r\n` +
    'Content-Type: application/octet-stream\r\n\r\n';
  const start = Buffer.from(head, 'utf8');
  const end = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
  const { size } = await stat(path);
  async function* body(): AsyncGenerator<Uint8Array> {
    yield start;
    for await (const piece of createReadStream(path, { highWaterMark: PIECE_BYTES })) yield piece as Buffer;
    yield end;
  }
  return {
    body: body(),
    headers: {
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'content-length': String(start.length + size + end.length),
    },
  };
}
