import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { getFlowSchema } from '@vigil/detect';
import { parseModelDocument } from '@vigil/ml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The built CLI, run as a user runs it (npm test builds before Vitest starts).
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const run = promisify(execFile);

async function vigil(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { maxBuffer: 1 << 26 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

// NSL-KDD-shaped rows with a learnable rule: attacks are rejected connections or floods.
const nsl = getFlowSchema('nsl-kdd');
const HEADER = [...nsl.features.map((f) => f.name), 'label', 'difficulty'];

function nslCsv(rows: number, seed: number): string {
  let s = seed;
  const rand = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const lines = [HEADER.join(',')];
  for (let i = 0; i < rows; i++) {
    const attack = rand() < 0.4;
    const values: Record<string, string> = {
      protocol_type: rand() < 0.8 ? 'tcp' : 'udp',
      service: rand() < 0.5 ? 'http' : 'ftp_data',
      flag: attack && rand() < 0.7 ? 'REJ' : 'SF',
      src_bytes: String(Math.round(attack ? rand() * 50 : 200 + rand() * 5000)),
      dst_bytes: String(Math.round(attack ? 0 : rand() * 20000)),
      count: String(Math.round(attack ? 100 + rand() * 400 : rand() * 20)),
      label: attack ? (rand() < 0.5 ? 'neptune' : 'portsweep') : 'normal',
      difficulty: '20',
    };
    lines.push(HEADER.map((h) => values[h] ?? '0').join(','));
  }
  return `${lines.join('\n')}\n`;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-cli-'));
  await writeFile(join(dir, 'train.csv'), nslCsv(3000, 1));
  await writeFile(join(dir, 'test.csv'), nslCsv(1000, 2));
  await writeFile(join(dir, 'small.yml'), 'gbdt:\n  nEstimators: 30\n  maxDepth: 4\nthreads: 2\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('vigil CLI', () => {
  it('demo trains on synthetic flows, prints the report and saves a loadable model', async () => {
    const out = join(dir, 'demo');
    const r = await vigil('demo', '--rows', '4000', '--seed', '7', '--out', out);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/vigil:|warning/); // stderr carries only the progress lines
    expect(r.stdout).toMatch(/Held-out test metrics \(\d+ rows\)/);
    expect(r.stdout).toMatch(/Confusion matrix/);
    const doc = parseModelDocument(await readFile(join(out, 'model.json'), 'utf8'));
    expect(doc.featureSpec.schema).toBe('synthetic-flows');
    const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8'));
    // Stratified per class, so each part is within a row or two of its 70/15/15 share.
    const { train, validation, test } = report.split;
    expect(train + validation + test).toBe(4000);
    expect(Math.abs(test - 600)).toBeLessThanOrEqual(2);
    expect(report.metrics.nRows).toBe(test);
    expect(report.metrics.accuracy).toBeGreaterThan(0.85);
  });

  it('train then evaluate: the saved model scores a second file of the same schema', async () => {
    const out = join(dir, 'nsl');
    const trained = await vigil(
      'train',
      '--data',
      join(dir, 'train.csv'),
      '--config',
      join(dir, 'small.yml'),
      '--out',
      out,
    );
    expect(trained.code).toBe(0);
    expect(trained.stdout).toMatch(/Trained gbdt on 3000 rows \(nsl-kdd, target binary/);
    expect(trained.stdout).toMatch(/top features \(gain\)/);
    const doc = parseModelDocument(await readFile(join(out, 'model.json'), 'utf8'));
    expect(doc.ensemble.trees).toHaveLength(30);

    const evaluated = await vigil(
      'evaluate',
      '--model',
      join(out, 'model.json'),
      '--data',
      join(dir, 'test.csv'),
      '--json',
    );
    expect(evaluated.code).toBe(0);
    const report = JSON.parse(evaluated.stdout);
    expect(report.nRows).toBe(1000);
    expect(report.classNames).toEqual(['benign', 'attack']);
    expect(report.accuracy).toBeGreaterThan(0.95);
  });

  it('rejects a config with an unknown key, naming the key and the file', async () => {
    const config = join(dir, 'typo.yml');
    await writeFile(config, 'gbdt:\n  maxDepht: 4\n');
    const r = await vigil(
      'train',
      '--data',
      join(dir, 'train.csv'),
      '--config',
      config,
      '--out',
      join(dir, 'x'),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(config);
    expect(r.stderr).toContain('maxDepht');
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });

  it('reports a malformed row with its row and column, without a stack trace', async () => {
    const bad = join(dir, 'bad.csv');
    const text = nslCsv(20, 3).split('\n');
    text[5] = text[5].replace(/^0,/, 'zero,');
    await writeFile(bad, text.join('\n'));
    const r = await vigil('train', '--data', bad, '--out', join(dir, 'y'));
    expect(r.code).toBe(1);
    // Rows are numbered as lines of the file (header = line 1), as an editor shows them.
    expect(r.stderr).toMatch(/bad.csv: row 6, column "duration": expected a number, got "zero"/);
    expect(r.stderr).toMatch(/duration/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('rejects an unknown --target before reading any data', async () => {
    const r = await vigil('train', '--data', join(dir, 'missing.csv'), '--target', 'multiclass');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/expected "binary" or "category", got "multiclass"/);
  });

  it('says which file is missing', async () => {
    const r = await vigil('evaluate', '--model', join(dir, 'nope.json'), '--data', join(dir, 'test.csv'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('nope.json');
  });
});
