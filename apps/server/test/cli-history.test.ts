import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedDatabaseDir, migrateToLatest, openStore, type Store } from '../src/db/database.js';
import { expectedOrder, type SeedRow, seedPredictions, variedRows } from './seed-predictions.js';

// The built CLI, run as a user runs it (npm test builds before Vitest starts), on an embedded store.
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const run = promisify(execFile);
const T0 = Date.parse('2026-02-01T00:00:00Z');

let dir: string;
let rows: SeedRow[];

async function vigil(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, VIGIL_DATA_DIR: dir, DATABASE_URL: '', LOG_LEVEL: 'silent' };
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env, maxBuffer: 1 << 26 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function withDirStore<T>(fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore({ dataDir: embeddedDatabaseDir(dir) });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-history-'));
  rows = await withDirStore(async (store) => {
    await migrateToLatest(store.db);
    return seedPredictions(store.db, variedRows(90, T0));
  });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('vigil history and clear-history', () => {
  it('prints the filtered history as CSV (formula-safe) or NDJSON', async () => {
    const csv = await vigil('history', '--verdict', 'attack');
    expect(csv.code, csv.stderr).toBe(0);
    const records: Record<string, string>[] = parseCsv(csv.stdout, { columns: true });
    const attacks = rows.filter((r) => r.verdict === 'attack');
    expect(records.map((r) => Number(r.id))).toEqual(expectedOrder(attacks, 'created_at', 'desc'));
    expect(records.some((r) => r.category === "'=cmd()")).toBe(true);
    expect(records.some((r) => r.category === '=cmd()')).toBe(false);

    const nd = await vigil('history', '--format', 'ndjson', '--min-score', '60', '--sort', 'risk_score:asc');
    expect(nd.code, nd.stderr).toBe(0);
    const ids = nd.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l).id);
    expect(ids).toEqual(
      expectedOrder(
        rows.filter((r) => r.riskScore >= 60),
        'risk_score',
        'asc',
      ),
    );
  });

  it('rejects bad filters naming the option', async () => {
    const inverted = await vigil('history', '--min-score', '90', '--max-score', '10');
    expect(inverted.code).toBe(1);
    expect(inverted.stderr).toMatch(/--min-score: minScore must not exceed maxScore/);
    const format = await vigil('history', '--format', 'xlsx');
    expect(format.code).toBe(1);
    expect(format.stderr).toMatch(/--format:/);
    const before = await vigil('clear-history', '--before', 'last week');
    expect(before.code).toBe(1);
    expect(before.stderr).toMatch(/--before: expected an ISO 8601 date/);
    const missing = await vigil('clear-history');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/--before/);
  });

  it('clear-history deletes older rows, says how many, and audits it', async () => {
    const cutoff = '2026-02-01T00:00:10Z';
    const gone = rows.filter((r) => r.createdAtUs < Date.parse(cutoff) * 1000).length;
    expect(gone).toBeGreaterThan(0);
    const r = await vigil('clear-history', '--before', cutoff);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(`deleted ${gone} predictions created before 2026-02-01T00:00:10.000Z`);
    const again = await vigil('clear-history', '--before', '2026-02-01');
    expect(again.stdout.trim()).toBe('deleted 0 predictions created before 2026-02-01T00:00:00.000Z');

    await withDirStore(async (store) => {
      const left = await store.db
        .selectFrom('predictions')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(left.n).toBe(rows.length - gone);
      const audit = await store.db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'predictions.clear')
        .orderBy('seq')
        .execute();
      expect(audit).toHaveLength(2);
      expect(audit[0].actor).toMatch(/^cli:/);
      expect(audit[0].details).toEqual({ before: '2026-02-01T00:00:10.000Z', deleted: gone });
    });
  });
});
