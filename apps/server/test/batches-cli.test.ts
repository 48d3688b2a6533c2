import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticBatchModel, syntheticCsv } from './batches-fixtures.js';

// The built CLI, run as a user runs it (npm test builds before Vitest starts).
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const run = promisify(execFile);

let dir: string;
let env: Record<string, string>;

async function vigil(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], {
      env: { ...process.env, ...env },
      maxBuffer: 1 << 26,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** `vigil serve` on a free port; resolves with its address once it listens. */
function serve(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CLI, 'serve'], {
    env: { ...process.env, ...env, PORT: '0', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve({ child, url: m[1] });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`vigil serve exited with ${code}:\n${out}`)));
  });
}

describe('vigil batch and vigil analyze-data', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-batch-cli-'));
    env = { VIGIL_DATA_DIR: join(dir, 'data'), VIGIL_RATE_LIMIT: '0' };
    await writeFile(join(dir, 'model.json'), JSON.stringify(await syntheticBatchModel('cli-batch-model')));
    await writeFile(join(dir, 'flows.csv'), syntheticCsv(3000, 8));
    await writeFile(join(dir, 'photo.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46]));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('analyze-data checks, scores and summarises a file without storing it', async () => {
    const text = await vigil('analyze-data', join(dir, 'flows.csv'), '--model', join(dir, 'model.json'));
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/flows\.csv: csv, schema synthetic-flows, 14 columns/);
    expect(text.stdout).toMatch(/Rows: 3,000 \(3,000 scored, 0 bad\)/);
    expect(text.stdout).toMatch(/Risk score histogram/);
    expect(text.stdout).toMatch(/scored in [\d.]+ s \([\d,]+ rows\/s\)/);
    const json = await vigil(
      'analyze-data',
      join(dir, 'flows.csv'),
      '--model',
      join(dir, 'model.json'),
      '--json',
    );
    const { format, summary } = JSON.parse(json.stdout);
    expect(format).toMatchObject({ layout: 'csv', schema: 'synthetic-flows', rowsTotal: 3000 });
    expect(summary.verdicts.benign + summary.verdicts.attack).toBe(3000);

    const bad = await vigil('analyze-data', join(dir, 'photo.jpg'), '--model', join(dir, 'model.json'));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/photo\.jpg: the file contains binary data \(a NUL byte at offset 4\)/);
  });

  it('batch submit --wait uploads to a running server and follows the batch to its summary', async () => {
    const registered = await vigil(
      'models',
      'register',
      join(dir, 'model.json'),
      '--stage',
      'production',
      '--reason',
      'cli test',
    );
    expect(registered.code, registered.stderr).toBe(0);
    // With the production model in the store, analyze-data needs no --model.
    const local = await vigil('analyze-data', join(dir, 'flows.csv'), '--json');
    expect(local.code, local.stderr).toBe(0);
    const key = (await vigil('api-keys', 'create', 'cli-batch', '--role', 'analyst')).stdout.trim();
    expect(key).toMatch(/^vgl_/);

    const server = await serve();
    try {
      const submitted = await vigil(
        'batch',
        'submit',
        join(dir, 'flows.csv'),
        '--wait',
        '--server',
        server.url,
        '--api-key',
        key,
      );
      expect(submitted.code, submitted.stderr).toBe(0);
      expect(submitted.stderr).toMatch(/batch 1 queued \(3000 rows\)/);
      expect(submitted.stderr).toMatch(/batch 1: 100% \(3000\/3000\)/);
      expect(submitted.stdout).toMatch(
        /batch 1 "flows\.csv" \(synthetic-flows, csv\): done, 3,000\/3,000 rows, 0 bad/,
      );
      expect(submitted.stdout).toMatch(/Rows: 3,000 \(3,000 scored, 0 bad\)/);
      expect(submitted.stdout).toMatch(/Top sources/);

      const status = await vigil('batch', 'status', '1', '--json', '--server', server.url, '--api-key', key);
      expect(JSON.parse(status.stdout).batch).toMatchObject({ id: 1, state: 'done', rowsDone: 3000 });
      const noKey = await vigil('batch', 'status', '1', '--server', server.url);
      expect(noKey.code).toBe(1);
      expect(noKey.stderr).toMatch(/an API key is needed/);
    } finally {
      server.child.kill('SIGTERM');
      await new Promise((r) => server.child.once('exit', r));
    }
  });
});
