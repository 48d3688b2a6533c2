import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type {} from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../errors/app-error.js';

/** Where uploads wait for their job: VIGIL_DATA_DIR/uploads, or the OS temp folder for memory:// */
export function uploadDir(dataDir: string): string {
  return dataDir === 'memory://' ? join(tmpdir(), 'vigil-uploads') : join(dataDir, 'uploads');
}

/** Multipart fields a batch upload accepts besides `file`. */
export const UPLOAD_FIELDS = ['schema', 'urlColumn', 'name'] as const;
export type UploadFields = Partial<Record<(typeof UPLOAD_FIELDS)[number], string>>;

export interface ReceivedUpload {
  path: string;
  bytes: number;
  filename: string;
  fields: UploadFields;
}

/** 1 GiB, 512 MiB, 1.5 KiB, 100 bytes. */
export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let u = 0;
  let v = n;
  while (v >= 1024 && u < units.length - 1 && v % 1 === 0) {
    v /= 1024;
    u++;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[u]}`;
}

function tooLarge(limit: number): AppError {
  return new AppError(
    'PAYLOAD_TOO_LARGE',
    `the file is larger than the upload limit of ${formatBytes(limit)} (${limit} bytes, VIGIL_UPLOAD_LIMIT); split it or compress it with gzip`,
    { path: 'file' },
  );
}

/**
 * Streams a multipart batch upload to a new file under `dir`: the `file` part goes straight to disk
 * (never held in memory) and is cut off at `limit` bytes with 413 PAYLOAD_TOO_LARGE; `schema`,
 * `urlColumn` and `name` fields may come before or after it. On any error the partial file is
 * deleted.
 */
export async function receiveUpload(
  request: FastifyRequest,
  options: { dir: string; limit: number },
): Promise<ReceivedUpload> {
  if (!request.isMultipart()) {
    throw new AppError(
      'UNSUPPORTED_MEDIA_TYPE',
      'send the batch as multipart/form-data with the data in a part named "file"',
    );
  }
  await mkdir(options.dir, { recursive: true });
  const fields: UploadFields = {};
  let received: ReceivedUpload | undefined;
  let path: string | undefined;
  try {
    const parts = request.parts({
      limits: { fileSize: options.limit, files: 1, fields: 10, fieldSize: 4096, parts: 12 },
    });
    for await (const part of parts) {
      if (part.type === 'field') {
        if (!(UPLOAD_FIELDS as readonly string[]).includes(part.fieldname)) {
          throw new AppError(
            'VALIDATION_FAILED',
            `unknown form field "${part.fieldname}"; expected file, ${UPLOAD_FIELDS.join(', ')}`,
            { path: part.fieldname },
          );
        }
        fields[part.fieldname as keyof UploadFields] = String(part.value);
        continue;
      }
      if (part.fieldname !== 'file') {
        part.file.resume();
        throw new AppError(
          'VALIDATION_FAILED',
          `the file must be sent in a part named "file", not "${part.fieldname}"`,
          {
            path: part.fieldname,
          },
        );
      }
      path = join(options.dir, `${randomUUID()}.upload`);
      const out = createWriteStream(path, { flags: 'wx' });
      await pipeline(part.file, out);
      if (part.file.truncated) throw tooLarge(options.limit);
      received = { path, bytes: out.bytesWritten, filename: part.filename, fields };
    }
  } catch (err) {
    if (path) await rm(path, { force: true });
    const code = (err as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge(options.limit);
    if (code === 'FST_FILES_LIMIT') {
      throw new AppError('VALIDATION_FAILED', 'send one file per batch', { path: 'file' });
    }
    if (typeof code === 'string' && code.startsWith('FST_')) {
      throw new AppError('BAD_REQUEST', `malformed multipart upload: ${(err as Error).message}`);
    }
    throw err;
  }
  if (!received) {
    throw new AppError('VALIDATION_FAILED', 'no file: send the data in a multipart part named "file"', {
      path: 'file',
    });
  }
  return received;
}
