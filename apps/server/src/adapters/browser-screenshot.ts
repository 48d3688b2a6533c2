import { access } from 'node:fs/promises';
import type { Browser, BrowserContext, Route } from 'playwright-core';
import { type HttpHop, requestOnce } from './pinned-http-client.js';
import { SsrfError, type SsrfGuard } from './ssrf-guard.js';

/**
 * The deep scan's browser (issue #5): the system Chromium driven by playwright-core, a fresh
 * context per scan (no persistent profile), downloads and service workers refused. Chromium never
 * touches the network itself: every request is intercepted (page.route) and made by the scanner
 * through the SSRF guard, connected to the vetted address, and fulfilled from that answer; Chromium's
 * own resolver maps every name to NOTFOUND and a dead proxy catches anything not intercepted.
 * The whole visit is killed on timeout: its context is closed, and the browser too if the page
 * hung it.
 *
 * One Chromium process is shared by the scans running at the same time (launching one costs about
 * a second, three with four scans on two cores) and closed a few seconds after the last scan, so
 * an idle server holds no browser. Isolation between scans is the context's: each has its own
 * cookies, storage and cache, and none is kept.
 */

export interface BrowserLimits {
  timeoutMs: number;
  maxRequests: number;
  maxResourceBytes: number;
  maxTotalBytes: number;
}

export const DEFAULT_BROWSER_LIMITS: BrowserLimits = {
  timeoutMs: 20_000,
  maxRequests: 150,
  maxResourceBytes: 5 * 1024 * 1024,
  maxTotalBytes: 20 * 1024 * 1024,
};

export interface BlockedRequest {
  url: string;
  reason: string;
}

export interface BrowserVisit {
  /** Main-frame navigations in order; `via` tells an HTTP 3xx from meta refresh and script. */
  navigations: HttpHop[];
  finalUrl: string | null;
  title: string | null;
  /** The final page's DOM as HTML (after scripts ran). */
  html: string | null;
  screenshot: Buffer | null;
  /** Why there is no screenshot (no Chromium, timeout, page error). */
  screenshotError: string | null;
  blocked: BlockedRequest[];
  requests: number;
}

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--host-resolver-rules=MAP * ~NOTFOUND',
  '--proxy-server=http://127.0.0.1:9',
  '--proxy-bypass-list=<-loopback>',
  '--disable-background-networking',
  '--force-webrtc-ip-handling-policy=disable_non_proxied_udp',
  '--disable-features=DnsOverHttps',
];
// How long an unused shared browser stays up before it is closed.
const BROWSER_IDLE_MS = 5_000;

interface SharedBrowser {
  path: string;
  browser: Promise<Browser>;
  users: number;
  idle: NodeJS.Timeout | null;
}
let shared: SharedBrowser | null = null;

function dropShared(entry: SharedBrowser): void {
  if (shared === entry) shared = null;
  if (entry.idle) clearTimeout(entry.idle);
  void entry.browser.then((b) => b.close()).catch(() => {});
}

/** The shared browser for `path` (launched on first use) and the function that gives it back. */
async function acquireBrowser(
  path: string,
  timeoutMs: number,
): Promise<{ browser: Browser; release: () => void }> {
  if (!shared || shared.path !== path) {
    if (shared) dropShared(shared);
    const { chromium } = await import('playwright-core');
    const entry: SharedBrowser = {
      path,
      browser: chromium.launch({
        executablePath: path,
        headless: true,
        timeout: timeoutMs,
        args: CHROMIUM_ARGS,
      }),
      users: 0,
      idle: null,
    };
    shared = entry;
    entry.browser.then(
      (b) => b.on('disconnected', () => dropShared(entry)),
      () => dropShared(entry),
    );
  }
  const entry = shared;
  entry.users++;
  if (entry.idle) clearTimeout(entry.idle);
  entry.idle = null;
  const release = () => {
    entry.users--;
    if (entry.users === 0 && shared === entry)
      entry.idle = setTimeout(() => dropShared(entry), BROWSER_IDLE_MS);
  };
  try {
    return { browser: await entry.browser, release };
  } catch (err) {
    release();
    throw err;
  }
}

/** The Chromium executable to use, or null with why when none is usable. */
export async function findChromium(
  path = process.env.CHROMIUM_PATH || '/usr/bin/chromium',
): Promise<{ path: string | null; why: string | null }> {
  try {
    await access(path);
    return { path, why: null };
  } catch {
    return { path: null, why: `Chromium is not installed (looked for ${path}; set CHROMIUM_PATH)` };
  }
}

function redirectOf(status: number, headers: Record<string, string>): string | null {
  return status >= 300 && status < 400 && headers.location ? headers.location : null;
}

const META_REFRESH = /<meta[^>]+http-equiv\s*=\s*["']?refresh/i;

export async function visitPage(
  guard: SsrfGuard,
  url: string,
  options: { chromiumPath: string; limits?: BrowserLimits; signal?: AbortSignal },
): Promise<BrowserVisit> {
  const limits = options.limits ?? DEFAULT_BROWSER_LIMITS;
  const visit: BrowserVisit = {
    navigations: [],
    finalUrl: null,
    title: null,
    html: null,
    screenshot: null,
    screenshotError: null,
    blocked: [],
    requests: 0,
  };
  const abort = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, abort.signal]) : abort.signal;
  let browser: Browser | null = null;
  let context: BrowserContext | null = null;
  let release: (() => void) | null = null;
  let totalBytes = 0;
  /** The last main-frame document: status and whether it asked for a meta refresh. */
  let lastDoc: { status: number; metaRefresh: boolean } | null = null;
  const killer = setTimeout(() => {
    abort.abort(new Error(`the page did not finish within ${limits.timeoutMs} ms`));
    // Closing the context ends the visit; a browser that cannot even do that is killed.
    const hung = browser;
    const closing = context?.close() ?? Promise.resolve();
    const deadline = setTimeout(() => void hung?.close().catch(() => {}), 2_000);
    void closing.catch(() => {}).finally(() => clearTimeout(deadline));
  }, limits.timeoutMs);
  try {
    ({ browser, release } = await acquireBrowser(options.chromiumPath, limits.timeoutMs));
    context = await browser.newContext({
      acceptDownloads: false,
      serviceWorkers: 'block',
      viewport: { width: 1280, height: 800 },
      ignoreHTTPSErrors: true,
    });
    const page = await context.newPage();
    page.on('download', (d) => void d.cancel().catch(() => {}));

    const budget = () => Math.max(0, Math.min(limits.maxResourceBytes, limits.maxTotalBytes - totalBytes));
    const handle = async (route: Route) => {
      const request = route.request();
      const reqUrl = request.url();
      if (reqUrl.startsWith('data:') || reqUrl.startsWith('blob:')) return route.continue();
      const isNav = request.isNavigationRequest() && request.frame() === page.mainFrame();
      const started = performance.now();
      const hop: HttpHop | null = isNav
        ? {
            url: reqUrl,
            status: null,
            address: null,
            location: null,
            via:
              lastDoc === null
                ? 'initial'
                : lastDoc.status >= 300 && lastDoc.status < 400
                  ? 'http'
                  : lastDoc.metaRefresh
                    ? 'meta-refresh'
                    : 'script',
            ms: 0,
          }
        : null;
      if (hop) visit.navigations.push(hop);
      const block = (reason: string) => {
        visit.blocked.push({ url: reqUrl, reason });
        if (hop) hop.error = reason;
        return route.abort('blockedbyclient');
      };
      if (++visit.requests > limits.maxRequests) return block('too-many-requests');
      if (totalBytes >= limits.maxTotalBytes) return block('page-too-large');
      try {
        const headers = await request.allHeaders();
        let target = await guard.vet(reqUrl);
        if (hop) hop.address = target.pinned.address;
        let res = await requestOnce(target, { maxBodyBytes: budget() }, signal, {
          method: request.method(),
          headers,
          body: request.postDataBuffer(),
        });
        totalBytes += res.body.length;
        if (hop) {
          hop.status = res.status;
          hop.location = res.headers.location ?? null;
          hop.ms = Math.round(performance.now() - started);
        }
        const location = redirectOf(res.status, res.headers);
        if (hop && location) {
          // Chromium does not hand the requests of a fulfilled redirect back to the route, so the
          // hop is replayed as a navigation (intercepted and vetted again), labelled as HTTP.
          lastDoc = { status: res.status, metaRefresh: false };
          const next = new URL(location, reqUrl).href;
          const html = `<meta http-equiv="refresh" content="0;url=${next.replaceAll('"', '%22')}">`;
          return route.fulfill({ status: 200, contentType: 'text/html', body: html });
        }
        // Subresources: follow redirects here, each hop vetted, and answer with the last response.
        let current = reqUrl;
        for (let n = 0; location && redirectOf(res.status, res.headers); n++) {
          if (n >= 10) return block('too-many-redirects');
          current = new URL(redirectOf(res.status, res.headers) as string, current).href;
          target = await guard.vet(current);
          res = await requestOnce(target, { maxBodyBytes: budget() }, signal, { headers });
          totalBytes += res.body.length;
        }
        if (hop)
          lastDoc = { status: res.status, metaRefresh: META_REFRESH.test(res.body.toString('latin1')) };
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) {
          if (!['content-length', 'transfer-encoding', 'content-encoding', 'connection'].includes(k))
            out[k] = v;
        }
        return route.fulfill({ status: res.status, headers: out, body: res.body });
      } catch (err) {
        return block(err instanceof SsrfError ? `${err.reason}: ${err.message}` : (err as Error).message);
      }
    };
    await page.route('**/*', handle);

    await page.goto(url, { waitUntil: 'load', timeout: limits.timeoutMs });
    // Meta refreshes and scripted redirects start after load: wait until the network is quiet
    // (500 ms without requests) but at most 1.5 s, then for the last document to load.
    await page.waitForLoadState('networkidle', { timeout: 1_500 }).catch(() => {});
    await page.waitForLoadState('load', { timeout: limits.timeoutMs }).catch(() => {});
    visit.finalUrl = page.url();
    visit.title = (await page.title().catch(() => '')) || null;
    visit.html = await page.content().catch(() => null);
    visit.screenshot = await page.screenshot({ type: 'png', timeout: limits.timeoutMs });
  } catch (err) {
    visit.screenshotError = signal.aborted
      ? `the page did not finish within ${limits.timeoutMs} ms`
      : (err as Error).message.split('\n')[0];
  } finally {
    clearTimeout(killer);
    await context?.close().catch(() => {});
    release?.();
  }
  return visit;
}
