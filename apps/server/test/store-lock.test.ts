import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/db/database.js';

describe('embedded store lock', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-lock-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a second opener of the same folder, and frees it on close', async () => {
    const db = join(dir, 'db');
    const first = await openStore({ dataDir: db });
    await expect(openStore({ dataDir: db })).rejects.toThrow(`in use by process ${process.pid}`);
    await first.close();
    const again = await openStore({ dataDir: db });
    await again.close();
  });

  it('takes over a lock left by a process that died', async () => {
    const db = join(dir, 'db2');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    await writeFile(`${db}.lock`, dead.stdout.toString());
    const store = await openStore({ dataDir: db });
    await store.close();
  });
});
