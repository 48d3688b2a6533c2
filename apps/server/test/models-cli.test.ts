import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedDatabaseDir, openStore } from '../src/db/database.js';

// The built CLI, run as a user runs it (npm test builds before Vitest starts).
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const run = promisify(execFile);

let dir: string;
let env: NodeJS.ProcessEnv;

async function vigil(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env, maxBuffer: 1 << 26 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function modelId(file: string): Promise<string> {
  return JSON.parse(await readFile(file, 'utf8')).id;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-models-cli-'));
  // The embedded store in a temp data directory, whatever the caller's environment says.
  env = { ...process.env, VIGIL_DATA_DIR: join(dir, 'data') };
  delete env.DATABASE_URL;
  // Two demo models (different seeds, so different ids), trained as a user would.
  const demos = await Promise.all(
    [1, 2].map((seed) =>
      vigil('demo', '--rows', '2000', '--seed', String(seed), '--out', join(dir, `m${seed}`)),
    ),
  );
  for (const d of demos) expect(d.code, d.stderr).toBe(0);
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('vigil models', () => {
  const actor = `cli:${userInfo().username}`;

  // Each CLI run opens the embedded store (a few seconds): generous limits, never a timing check.
  it('registers, lists, promotes with demotion, and records it all in the audit log', {
    timeout: 180_000,
  }, async () => {
    const m1 = join(dir, 'm1', 'model.json');
    const m2 = join(dir, 'm2', 'model.json');
    const id1 = await modelId(m1);
    const id2 = await modelId(m2);

    const reg1 = await vigil('models', 'register', m1);
    expect(reg1.code, reg1.stderr).toBe(0);
    expect(reg1.stdout).toContain(`registered ${id1} (synthetic-flows v1): experimental -> experimental`);
    const reg2 = await vigil('models', 'register', m2, '--stage', 'staging', '--reason', 'candidate');
    expect(reg2.code, reg2.stderr).toBe(0);
    expect(reg2.stdout).toContain(`registered ${id2} (synthetic-flows v2): experimental -> staging`);

    const listed = await vigil('models', 'list', '--json');
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject([
      { id: id2, kind: 'synthetic-flows', version: 2, stage: 'staging', createdBy: actor },
      { id: id1, kind: 'synthetic-flows', version: 1, stage: 'experimental', createdBy: actor },
    ]);
    const text = await vigil('models', 'list', '--stage', 'staging');
    expect(text.stdout).toMatch(/^ID\s+KIND\s+VERSION\s+STAGE/);
    expect(text.stdout).toContain(id2);
    expect(text.stdout).not.toContain(id1);

    const p1 = await vigil('models', 'promote', id1, '--stage', 'production', '--reason', 'first');
    expect(p1.code, p1.stderr).toBe(0);
    const p2 = await vigil('models', 'promote', id2, '--stage', 'production', '--reason', 'better F1');
    expect(p2.code, p2.stderr).toBe(0);
    expect(p2.stdout).toContain(`${id1} moved from production to staging`);

    const shown = await vigil('models', 'show', id1, '--json');
    const history = JSON.parse(shown.stdout).transitions.map((t: { to: string; reason: string }) => [
      t.to,
      t.reason,
    ]);
    expect(history).toEqual([
      ['experimental', 'registered'],
      ['production', 'first'],
      ['staging', `replaced in production by ${id2} (v2): better F1`],
    ]);
    const prod = JSON.parse((await vigil('models', 'list', '--stage', 'production', '--json')).stdout);
    expect(prod.map((m: { id: string }) => m.id)).toEqual([id2]);

    const store = await openStore({ dataDir: embeddedDatabaseDir(join(dir, 'data')) });
    try {
      const rows = await store.db
        .selectFrom('audit_log')
        .select(['actor', 'action', 'target', 'outcome'])
        .orderBy('seq')
        .execute();
      expect(rows).toEqual([
        { actor, action: 'model.register', target: id1, outcome: 'success' },
        { actor, action: 'model.register', target: id2, outcome: 'success' },
        { actor, action: 'model.promote', target: id1, outcome: 'success' },
        { actor, action: 'model.promote', target: id2, outcome: 'success' },
      ]);
    } finally {
      await store.close();
    }
  });

  it('explains a missing file, an invalid document, a duplicate, an unknown id and a missing reason', {
    timeout: 180_000,
  }, async () => {
    const missing = await vigil('models', 'register', join(dir, 'nope.json'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`vigil: cannot read model file ${join(dir, 'nope.json')}: no such file`);

    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"format": "vigil-model", "formatVersion": 1}');
    const invalid = await vigil('models', 'register', bad);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/vigil: invalid model document: id: expected a non-empty string/);

    const dup = await vigil('models', 'register', join(dir, 'm1', 'model.json'));
    expect(dup.stderr).toMatch(/vigil: a model with id ".+" is already registered/);

    const unknown = await vigil('models', 'promote', 'no-such-model', '--stage', 'staging', '--reason', 'x');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('vigil: no model with id "no-such-model"');

    const noReason = await vigil('models', 'promote', 'no-such-model', '--stage', 'staging');
    expect(noReason.code).toBe(1);
    expect(noReason.stderr).toContain("required option '--reason <text>' not specified");
    const badStage = await vigil('models', 'list', '--stage', 'live');
    expect(badStage.stderr).toMatch(/Allowed choices are experimental, staging, production, archived/);
  });
});
