import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSyntheticFlows } from '@vigil/detect';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticCsv } from './batches-fixtures.js';
import { type DashboardServer, flowRecords, scoreFlows, startDashboardServer } from './web-e2e-server.js';

/**
 * The dashboard in a real browser (playwright-core driving Debian's Chromium) against a real server:
 * the core tasks end to end, with a screenshot of each page in apps/web/test-artifacts/.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const WEB = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../web');
const ARTIFACTS = join(WEB, 'test-artifacts');
const missing = !existsSync(CHROMIUM)
  ? `no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`
  : !existsSync(join(WEB, 'dist/index.html'))
    ? 'the dashboard is not built (npm run build)'
    : null;

/** A screenshot of the page (whole, or the window only for pages that scroll inside). */
async function shot(page: Page, name: string, fullPage = true): Promise<void> {
  await page.waitForTimeout(400); // chart animations (300 ms) settle
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage });
}

async function downloaded(page: Page, click: () => Promise<void>): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  const path = await download.path();
  return { name: download.suggestedFilename(), text: await readFile(path, 'utf8') };
}

/** A small local site for the deep scan: a sign-in page with a title and a password form. */
const LOGIN_PAGE =
  '<!doctype html><html><head><title>Example Bank · Sign in</title></head>' +
  '<body style="font-family:sans-serif;background:#eef2ff;padding:40px">' +
  '<h1 style="color:#1e3a8a">Example Bank</h1><p>Sign in to verify your account.</p>' +
  '<form method="post" action="/session"><label>User <input name="user"></label> ' +
  '<label>Password <input type="password" name="pass"></label> <button>Sign in</button></form>' +
  '</body></html>';

async function startLoginSite(): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(LOGIN_PAGE);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/login` };
}

function e2e(body: () => void): void {
  if (!missing) describe('dashboard end to end (Chromium)', body);
  else if (process.env.CI === 'true')
    describe('dashboard end to end (Chromium)', () => {
      it('needs Chromium and the built dashboard', () => {
        throw new Error(
          `CI=true but ${missing}: .ci/run installs Chromium and npm test builds the dashboard`,
        );
      });
    });
  else describe.skip(`dashboard end to end (skipped: ${missing})`, body);
}

e2e(() => {
  let server: DashboardServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let site: { server: http.Server; url: string };
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    site = await startLoginSite();
    // The deep scan may fetch the local site (127.0.0.1 only; every other private address stays refused).
    server = await startDashboardServer({ scanAllowPrivate: '127.0.0.1/32' });
    await scoreFlows(server, flowRecords(400, 21));
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    site?.server.close();
  });

  it('signs in and shows the overview with data', async () => {
    await page.goto(server.url);
    await page.getByLabel('Username').waitFor();
    await shot(page, '01-sign-in');
    await page.getByLabel('Username').fill(server.admin.username);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('wrong username or password').waitFor();
    await page.getByLabel('Password').fill(server.admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    const nav = await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
    expect(nav).toEqual([
      'Overview',
      'Live alerts',
      'Check',
      'Batches',
      'URL scans',
      'History',
      'Models',
      'Admin',
    ]);
    const flows = page.locator('.kpi', { hasText: 'Flows scored' }).locator('.kpi-value');
    await expect.poll(() => flows.textContent()).toBe('400');
    await page.locator('canvas').first().waitFor();
    expect(await page.locator('section[aria-label="Detections over time"] canvas').count()).toBe(1);
    await shot(page, '02-overview');
  });

  it('exports a chart as PNG and its data as CSV', async () => {
    const csv = await downloaded(page, () =>
      page.getByRole('button', { name: 'Download the data of Detections over time as CSV' }).click(),
    );
    expect(csv.name).toBe('detections-over-time.csv');
    expect(csv.text.split('\r\n')[0]).toBe('bucket_start_utc,benign,attack');
    const png = await downloaded(page, () =>
      page.getByRole('button', { name: 'Download Risk score distribution as PNG' }).click(),
    );
    expect(png.name).toBe('risk-score-distribution.png');
  });

  it('remembers the widget layout per user', async () => {
    await page.getByRole('button', { name: 'Customise' }).click();
    await page.getByRole('button', { name: 'Remove Top destinations' }).click();
    await page.getByRole('button', { name: 'Move Risk score distribution earlier' }).click();
    await page.reload();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    expect(await page.locator('section[aria-label="Top destinations"]').count()).toBe(0);
    const titles = await page.locator('.widgets > section h2').allTextContents();
    expect(titles.indexOf('Risk score distribution')).toBeLessThan(titles.indexOf('Alerts by category'));
  });

  it('shows live alerts as they arrive, with a detail drawer', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Live alerts' }).click();
    await page.getByText('Connected: alerts appear as they arrive').waitFor();
    const rows = page.locator('[data-testid="live-table"] tbody tr');
    // The page opens with the alerts the server remembers (its snapshot), then streams new ones.
    const snapshot = await fetch(`${server.url}/api/v1/live/alerts?limit=200`, { headers: server.analyst });
    const before = ((await snapshot.json()) as { alerts: unknown[] }).alerts.length;
    await expect.poll(() => rows.count()).toBe(before);
    const attacks = await scoreFlows(server, flowRecords(200, 77));
    expect(attacks).toBeGreaterThan(0);
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(Math.min(500, before + attacks));
    await page.getByRole('button', { name: 'Pause' }).click();
    await scoreFlows(server, flowRecords(50, 78));
    await page.getByRole('button', { name: /Resume \(\d+ new\)/ }).waitFor();
    await shot(page, '03-live', false);
    await rows.first().getByRole('button').click();
    await page.getByRole('dialog').getByText('Why: top contributing features').waitFor();
    await shot(page, '04-live-detail', false);
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
  });

  it('checks one flow and one URL', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Check' }).click();
    await page.getByRole('button', { name: 'Paste JSON' }).click();
    const ds = generateSyntheticFlows({ rows: 1, seed: 5 });
    const record = Object.fromEntries(
      ds.features.map((f, j) => [f.name, f.categories ? f.categories[ds.columns[j][0]] : ds.columns[j][0]]),
    );
    await page.locator('textarea').fill(JSON.stringify({ ...record, src_ip: '10.9.9.9' }));
    await page.getByRole('button', { name: 'Score flow' }).click();
    await page.getByTestId('flow-result').getByText('Scored 1 flow with').waitFor();
    await page
      .getByLabel('URL', { exact: true })
      .fill('http://paypal.com.secure-login-x1.tk/login.php?cmd=_verify');
    await page.getByRole('button', { name: 'Check URL' }).click();
    await page.getByTestId('url-result').waitFor();
    expect(await page.getByTestId('url-result').textContent()).toMatch(/attack|benign/);
    await shot(page, '05-check');
  });

  it('deep-scans a local URL from the Overview in three clicks and shows its screenshot', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('link', { name: /Check a URL/ }).click(); // 1
    await page.getByLabel('URL', { exact: true }).fill(site.url);
    await page.getByRole('button', { name: 'Check URL' }).click(); // 2
    await page.getByTestId('url-result').waitFor();
    await page.getByTestId('deep-scan').getByRole('button', { name: 'Deep scan' }).click(); // 3
    await page.getByRole('link', { name: 'Open the scan report' }).click();
    await page.getByRole('heading', { name: 'URL scan', exact: true }).waitFor();
    await expect
      .poll(() => page.getByTestId('scan-state').textContent(), { timeout: 60_000, interval: 500 })
      .toBe('done');
    const img = page.getByTestId('scan-screenshot');
    await img.waitFor();
    await expect
      .poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth), { timeout: 10_000 })
      .toBeGreaterThan(100);
    await page.getByText('Example Bank · Sign in').waitFor();
    expect(await page.getByTestId('scan-forms').textContent()).toContain(new URL('/session', site.url).href);
    expect(await page.getByTestId('scan-chain').textContent()).toContain('127.0.0.1');
    expect(await page.getByTestId('scan-reasons').locator('tbody tr').count()).toBeGreaterThan(0);
    await shot(page, '05b-scan-detail');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'URL scans' }).click();
    const row = page.getByTestId('scans-table').locator('tbody tr', { hasText: site.url });
    await expect.poll(() => row.textContent()).toMatch(/^done/);
    await shot(page, '05c-scans');
  });

  it('uploads a batch and sees it reach 100 %', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Batches' }).click();
    await page.getByLabel(/^File/).setInputFiles({
      name: 'office-flows.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(syntheticCsv(1500, 3)),
    });
    await page.getByRole('button', { name: 'Upload and score' }).click();
    await page.getByText(/Queued batch/).waitFor();
    const bar = page.locator('[data-testid^="batch-progress-"]').first();
    await expect.poll(() => bar.getAttribute('value'), { timeout: 60_000 }).toBe('100');
    await page.getByText('1,500 of 1,500 rows').first().waitFor();
    await page.locator('section[aria-label^="Batch"] canvas').first().waitFor();
    const results = await downloaded(page, () =>
      page.getByRole('link', { name: 'Download results (CSV)' }).click(),
    );
    expect(results.text.trim().split('\n')).toHaveLength(1501);
    await shot(page, '06-batches');
  });

  it('goes from the Overview to yesterday’s alerts from one address', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' }).click();
    await page.getByLabel(/Yesterday.s alerts from an address/).fill('10.0.0');
    await page.getByRole('button', { name: 'Find' }).click();
    await page.getByText('Enter an IPv4 or IPv6 address').waitFor();
    await page.getByLabel(/Yesterday.s alerts from an address/).fill('10.0.0.3');
    await page.getByRole('button', { name: 'Find' }).click();
    await page.getByRole('heading', { name: 'History' }).waitFor();
    const url = new URL(page.url());
    expect(url.searchParams.get('verdict')).toBe('attack');
    expect(url.searchParams.get('ip')).toBe('10.0.0.3');
    const from = new Date(url.searchParams.get('from') ?? '');
    expect(Date.parse(url.searchParams.get('to') ?? '') - from.getTime()).toBeGreaterThanOrEqual(
      23 * 3_600_000,
    );
    // Everything here was scored today, so yesterday is empty, and the page says what to do.
    await page.getByText('No prediction matches these filters.').waitFor();
    await shot(page, '07-history-empty');
  });

  it('finds today’s alerts from one address and exports them', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'History' }).click();
    await page.getByTestId('history-table').waitFor();
    await page.getByLabel('Verdict').selectOption('attack');
    await page.getByLabel('Address (either side)').fill('10.0.0.3');
    await page.getByRole('button', { name: 'Today' }).click();
    await expect.poll(() => page.url()).toContain('ip=10.0.0.3');
    const rows = page.locator('[data-testid="history-table"] tbody tr');
    // The URL changes before the new page of results arrives: wait for the filtered rows.
    await expect
      .poll(async () => {
        const texts = await rows.allTextContents();
        return texts.length > 0 && texts.every((t) => t.includes('10.0.0.3'));
      })
      .toBe(true);
    const csv = await downloaded(page, () => page.getByRole('link', { name: 'Export CSV' }).click());
    const lines = csv.text.trim().split('\n');
    expect(lines.length - 1).toBeGreaterThanOrEqual(await rows.count());
    expect(lines.slice(1).every((l) => l.includes('10.0.0.3') && l.includes('attack'))).toBe(true);
    await shot(page, '07-history');
    await rows.first().getByRole('button').click();
    await page.getByRole('dialog').getByText('Flow record').waitFor();
    await shot(page, '07-history-detail', false);
    await page.keyboard.press('Escape');
  });

  it('promotes a model with a reason', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
    const row = page.locator('tr', { hasText: server.staging });
    await row.getByRole('button', { name: 'Promote…' }).click();
    await page.getByRole('dialog').getByLabel('Move to stage').selectOption('production');
    await page.getByRole('dialog').getByRole('button', { name: 'Move to production' }).click();
    await page.getByText('Give a reason').waitFor();
    await page.getByRole('dialog').getByLabel('Reason (required)').fill('better recall on last week, e2e');
    await page.getByRole('dialog').getByRole('button', { name: 'Move to production' }).click();
    await page.getByText(/moved from staging to production/).waitFor();
    const active = await fetch(`${server.url}/api/v1/models/active`, { headers: server.analyst });
    const ids = ((await active.json()) as { items: { id: string }[] }).items.map((m) => m.id);
    expect(ids).toContain(server.staging);
    expect(ids).not.toContain(server.production);
    await shot(page, '08-models');
    await row.getByRole('link').first().click();
    await page.getByRole('heading', { name: 'Stage history' }).waitFor();
    await page.getByTestId('transitions').getByText('better recall on last week, e2e').waitFor();
    for (const title of ['ROC curve', 'Precision-recall curve', 'Confusion matrix', 'Feature importance']) {
      await page.locator(`section[aria-label="${title}"] canvas`).first().waitFor();
    }
    await shot(page, '09-model-detail');
  });

  it('creates an API key shown once, and shows the audit log', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('tab', { name: 'API keys' }).click();
    await page.getByLabel('Name (what uses it)').fill('zeek-forwarder');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = await page.getByTestId('new-key').inputValue();
    expect(key).toMatch(/^vgl_/);
    await shot(page, '10-admin-keys');
    await page.getByRole('button', { name: 'I have saved it' }).click();
    expect(await page.content()).not.toContain(key);
    await page.getByRole('tab', { name: 'Audit log' }).click();
    await page.getByTestId('audit-table').getByText('model.promote').first().waitFor();
    await shot(page, '11-admin-audit');
    await page.getByRole('tab', { name: 'Users' }).click();
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    await shot(page, '12-admin-users');
  });

  it('raised no script error in any page', () => {
    expect(pageErrors).toEqual([]);
  });
});
