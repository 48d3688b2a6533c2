import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { generateSyntheticFlows, SYNTHETIC_FLOW_FEATURES } from '@vigil/detect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const run = promisify(execFile);

interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** Starts `vigil start` and resolves once it prints its address (or fails with its output). */
function start(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, [CLI, 'start'], {
    env: { ...process.env, ...env, PORT: '0', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /Vigil is running: (http:\/\/\S+)/.exec(out);
      if (m) resolve({ child, url: m[1], output: () => out });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`vigil start exited with ${code}:\n${out}`)));
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

async function vigil(env: Record<string, string>, ...args: string[]) {
  const { stdout } = await run(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } });
  return stdout;
}

/** Fresh generated flows (another seed than the model's) as JSON records, with their labels. */
function sampleFlows(n: number): { records: Record<string, string | number>[]; labels: number[] } {
  const data = generateSyntheticFlows({ rows: n, seed: 7, target: 'binary' });
  const records = Array.from({ length: n }, (_, i) =>
    Object.fromEntries(
      SYNTHETIC_FLOW_FEATURES.map((f, j) => {
        const v = data.columns[j][i];
        return [f.name, f.kind === 'categorical' ? (f.categories?.[v] ?? '') : v];
      }),
    ),
  );
  return { records, labels: Array.from(data.labels ?? []) };
}

describe('npm start (vigil start) on a fresh data directory, end to end', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-start-'));
    env = { VIGIL_DATA_DIR: dir };
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('trains a model, creates an admin, serves the API, and restarts without redoing either', async () => {
    const first = await start(env);
    try {
      const password = /password: (\S+)/.exec(first.output())?.[1];
      expect(password).toBeTruthy();
      expect(first.output()).toMatch(/Registered .* as the production model/);

      const login = await fetch(`${first.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password }),
      });
      expect(login.status).toBe(200);
      const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
      const { csrfToken } = await login.json();
      const created = await fetch(`${first.url}/api/v1/api-keys`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
        body: JSON.stringify({ name: 'e2e', role: 'analyst' }),
      });
      expect(created.status).toBe(201);
      const { key } = await created.json();

      const flows = sampleFlows(200);
      const scored = await fetch(`${first.url}/api/v1/predict/flows`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ records: flows.records }),
      });
      expect(scored.status).toBe(200);
      const body = await scored.json();
      const verdicts = body.predictions.map((p: { verdict: string }) => Number(p.verdict === 'attack'));
      const correct = verdicts.filter((v: number, i: number) => v === flows.labels[i]).length;
      expect(correct / flows.labels.length).toBeGreaterThan(0.9);
      expect(body.summary).toMatchObject({ records: 200, stored: 200 });

      // The shipped URL model (models/url) is in production from the first start.
      expect(first.output()).toMatch(/Registered .* as the production URL model/);
      const checked = await fetch(`${first.url}/api/v1/urls/check`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({
          urls: ['http://paypal.com.secure-login.example.tk/webscr?cmd=_login', 'https://www.bbc.co.uk/news'],
        }),
      });
      expect(checked.status).toBe(200);
      const urlVerdicts = (await checked.json()).predictions.map((p: { verdict: string }) => p.verdict);
      expect(urlVerdicts).toEqual(['attack', 'benign']);

      const page = await fetch(`${first.url}/api/v1/docs/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/swagger-ui/i);
      const docs = await fetch(`${first.url}/api/v1/openapi.json`);
      expect((await docs.json()).paths).toHaveProperty('/api/v1/predict/flows');
    } finally {
      expect(await stop(first.child)).toBe(0);
    }

    const second = await start(env);
    try {
      expect(second.output()).not.toMatch(/training the demo model|Created the first admin|URL model/);
    } finally {
      expect(await stop(second.child)).toBe(0);
    }

    expect(await vigil(env, 'users', 'list')).toMatch(/admin\tadmin/);
    expect(await vigil(env, 'api-keys', 'list')).toMatch(/e2e\tanalyst\tlast used 20/);
    expect(await vigil(env, 'audit', 'verify')).toMatch(/audit log intact: \d+ entries/);
  }, 120_000);
});
