import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { URL_FEATURE_NAMES, URL_SCHEMA_VERSION } from '@vigil/detect';
import { parseModelDocument } from '@vigil/ml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelRegistry } from '../src/modules/models/model-registry.service.js';
import { DEFAULT_URL_MODEL_PATH, installDefaultUrlModel } from '../src/modules/urls/default-url-model.js';
import { openTestStore, type TestStore } from './support/stores.js';
import { generateUrls } from './url-fixtures.js';

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

describe('vigil train --schema url', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-url-cli-'));
    const rows = generateUrls(1200, 3).map(
      ({ url, label }) => `"${url}",${label === 'malicious' ? 'phishing' : 'legitimate'}`,
    );
    await writeFile(join(dir, 'urls.csv'), `url,status\n${rows.join('\n')}\nhttps://x.example/,unsure\n`);
    await writeFile(join(dir, 'one-class.csv'), 'url\nhttps://a.example/\nhttps://b.example/x\n');
    await writeFile(join(dir, 'domains.csv'), 'rank,domain\n1,example.org\n2,example.net\n');
    await writeFile(join(dir, 'small.yml'), 'gbdt:\n  nEstimators: 20\n  maxDepth: 4\nthreads: 1\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('trains on labelled URLs with a domain-grouped split and writes a url model', async () => {
    const out = join(dir, 'model');
    const res = await vigil(
      'train',
      '--schema',
      'url',
      '--data',
      join(dir, 'urls.csv'),
      '--benign-domains',
      join(dir, 'domains.csv'),
      '--config',
      join(dir, 'small.yml'),
      '--out',
      out,
    );
    expect(res.stderr).toMatch(/1 rows skipped: unknown label "unsure"/);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/12\d\d URLs .* registrable domains, 2 of them benign home pages/);
    expect(res.stdout).toMatch(/ROC AUC/);
    const doc = parseModelDocument(await readFile(join(out, 'model.json'), 'utf8'));
    expect(doc.featureSpec.schema).toBe('url');
    expect(doc.featureSpec.schemaVersion).toBe(URL_SCHEMA_VERSION);
    expect(doc.featureSpec.features.map((f) => f.name)).toEqual([...URL_FEATURE_NAMES]);
    expect(doc.featureSpec.target.classNames).toEqual(['benign', 'malicious']);
    expect(doc.training.params).toMatchObject({ splitBy: 'group' });
  }, 60_000);

  it('explains what a URL file lacks and refuses category targets', async () => {
    const noLabel = await vigil(
      'train',
      '--schema',
      'url',
      '--data',
      join(dir, 'one-class.csv'),
      '--out',
      join(dir, 'x'),
    );
    expect(noLabel.code).toBe(1);
    expect(noLabel.stderr).toMatch(
      /one-class\.csv: the header has no label column.*--label benign\|malicious/,
    );
    const badLabel = await vigil(
      'train',
      '--schema',
      'url',
      '--data',
      join(dir, 'urls.csv'),
      '--label',
      'evil',
    );
    expect(badLabel.code).toBe(1);
    expect(badLabel.stderr).toMatch(/expected "benign" or "malicious", got "evil"/);
    const category = await vigil(
      'train',
      '--schema',
      'url',
      '--target',
      'category',
      '--data',
      join(dir, 'urls.csv'),
    );
    expect(category.code).toBe(1);
    expect(category.stderr).toMatch(/binary models only/);
  });
});

describe('the shipped default URL model', () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore('pglite');
  });
  afterAll(async () => {
    await store?.dispose();
  });

  it('is a valid url model, installed once, and left alone once an admin took it out of production', async () => {
    const doc = parseModelDocument(await readFile(DEFAULT_URL_MODEL_PATH, 'utf8'));
    expect(doc.featureSpec.schema).toBe('url');
    const registry = new ModelRegistry(store.db);
    expect(await installDefaultUrlModel(registry, join(tmpdir(), 'no-such-model.json'))).toMatch(
      /no shipped one/,
    );
    expect(await installDefaultUrlModel(registry)).toMatch(/as the production URL model/);
    expect(await installDefaultUrlModel(registry)).toBeNull();
    await registry.promote(doc.id, 'archived', 'admin', 'replaced by our own');
    expect(await installDefaultUrlModel(registry)).toMatch(/left as is/);
    expect(await registry.production('url')).toHaveLength(0);
  });
});
