import type { Db } from '../../db/database.js';
import type { ScanState } from '../../db/schema.js';
import type { ScanReport } from './scan-runner.js';

export interface ScanRow {
  id: string;
  url: string;
  state: ScanState;
  riskScore: number | null;
  verdict: string | null;
  report: ScanReport | null;
  error: string | null;
  hasScreenshot: boolean;
  createdBy: string;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

const COLUMNS = [
  'id',
  'url',
  'state',
  'risk_score',
  'verdict',
  'error',
  'created_by',
  'created_at',
  'started_at',
  'finished_at',
] as const;

type Selected = {
  id: string;
  url: string;
  state: ScanState;
  risk_score: number | null;
  verdict: string | null;
  error: string | null;
  created_by: string;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  has_screenshot: boolean;
  report?: unknown;
};

function toRow(r: Selected): ScanRow {
  const report = typeof r.report === 'string' ? JSON.parse(r.report) : (r.report ?? null);
  return {
    id: r.id,
    url: r.url,
    state: r.state,
    riskScore: r.risk_score,
    verdict: r.verdict,
    report: report as ScanReport | null,
    error: r.error,
    hasScreenshot: Boolean(r.has_screenshot),
    createdBy: r.created_by,
    createdAt: new Date(r.created_at),
    startedAt: r.started_at ? new Date(r.started_at) : null,
    finishedAt: r.finished_at ? new Date(r.finished_at) : null,
  };
}

export async function insertScan(
  db: Db,
  scan: { id: string; url: string; createdBy: string; now: Date },
): Promise<void> {
  await db
    .insertInto('scans')
    .values({ id: scan.id, url: scan.url, state: 'queued', created_by: scan.createdBy, created_at: scan.now })
    .execute();
}

export async function selectScan(db: Db, id: string, withReport = true): Promise<ScanRow | undefined> {
  const row = await db
    .selectFrom('scans')
    .select(COLUMNS)
    .select((eb) => eb('screenshot', 'is not', null).as('has_screenshot'))
    .$if(withReport, (q) => q.select('report'))
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toRow(row as Selected) : undefined;
}

export async function listScans(
  db: Db,
  limit: number,
  offset: number,
): Promise<{ items: ScanRow[]; total: number }> {
  const rows = await db
    .selectFrom('scans')
    .select(COLUMNS)
    .select((eb) => eb('screenshot', 'is not', null).as('has_screenshot'))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
  const { n } = await db
    .selectFrom('scans')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return { items: rows.map((r) => toRow(r as Selected)), total: Number(n) };
}

export async function selectScreenshot(db: Db, id: string): Promise<Buffer | null | undefined> {
  const row = await db.selectFrom('scans').select('screenshot').where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  return row.screenshot ? Buffer.from(row.screenshot) : null;
}

export async function markScanRunning(db: Db, id: string, now: Date): Promise<void> {
  await db
    .updateTable('scans')
    .set({ state: 'running', started_at: now, error: null })
    .where('id', '=', id)
    .execute();
}

export async function finishScan(
  db: Db,
  id: string,
  result: { report: ScanReport; screenshot: Buffer | null },
  now: Date,
): Promise<void> {
  await db
    .updateTable('scans')
    .set({
      state: 'done',
      report: JSON.stringify(result.report),
      screenshot: result.screenshot,
      risk_score: result.report.riskScore,
      verdict: result.report.verdict,
      finished_at: now,
    })
    .where('id', '=', id)
    .execute();
}

export async function failScan(db: Db, id: string, error: string, now: Date): Promise<void> {
  await db
    .updateTable('scans')
    .set({ state: 'failed', error, finished_at: now })
    .where('id', '=', id)
    .execute();
}
