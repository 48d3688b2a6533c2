import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipartFileBody } from './multipart-upload.js';

describe('multipartFileBody', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-multipart-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads back as the same form: fields, file name and every byte of the file', async () => {
    const path = join(dir, 'flows.csv');
    // Larger than one piece, with bytes that look like a part boundary.
    const content = Buffer.concat([Buffer.from('a,b\r\n--\r\n'), Buffer.alloc(3 << 20, 'x1,2\r\n')]);
    await writeFile(path, content);
    const { body, headers } = await multipartFileBody(
      { name: 'day "one"\nnight', schema: 'cicids2017' },
      'file',
      path,
      'flows "1".csv',
    );
    const chunks: Uint8Array[] = [];
    for await (const c of body) chunks.push(c);
    const bytes = Buffer.concat(chunks);
    expect(bytes.length).toBe(Number(headers['content-length']));
    const form = await new Response(bytes, { headers }).formData();
    expect(form.get('schema')).toBe('cicids2017');
    expect(form.get('name')).toBe('day "one"\nnight');
    const file = form.get('file') as File;
    expect(file.name).toBe('flows "1".csv');
    expect(Buffer.from(await file.arrayBuffer()).equals(content)).toBe(true);
  });
});
