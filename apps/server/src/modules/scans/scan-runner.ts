import { isIP } from 'node:net';
import type { ScanLexicalScore, ScanReport } from '@vigil/contracts';
import {
  type BrowserVisit,
  DEFAULT_BROWSER_LIMITS,
  findChromium,
  visitPage,
} from '../../adapters/browser-screenshot.js';
import { resolveDnsAnswers } from '../../adapters/dns-resolver.js';
import { DEFAULT_FETCH_LIMITS, type FetchLimits, guardedFetch } from '../../adapters/pinned-http-client.js';
import { SsrfError, type SsrfGuard } from '../../adapters/ssrf-guard.js';
import { inspectTls } from '../../adapters/tls-inspector.js';
import { extractPageFacts, siteOf } from './html-extract.js';
import type { ReputationService } from './reputation.js';
import { scanVerdict } from './scan-verdict.js';

/** The full deep-scan report stored as JSON and served by GET /api/v1/scans/:id (issue #5). */
export type { ScanReport };

/** Wall-clock budget of one scan; the browser is cut short to stay within it. */
export const SCAN_BUDGET_MS = 30_000;

export type LexicalScore = ScanLexicalScore;

export interface ScanRunnerDeps {
  guard: SsrfGuard;
  reputation: ReputationService;
  /** The production URL model's verdict on a URL, or null when there is none. */
  lexical: (url: string) => Promise<LexicalScore | null>;
  fetchLimits?: FetchLimits;
  /** false: never start a browser; a string: that Chromium; absent: CHROMIUM_PATH or /usr/bin/chromium. */
  chromium?: string | false;
  dnsServers?: string[];
}

export async function runScan(
  deps: ScanRunnerDeps,
  url: string,
  signal?: AbortSignal,
): Promise<{ report: ScanReport; screenshot: Buffer | null }> {
  const started = performance.now();
  const limits = deps.fetchLimits ?? DEFAULT_FETCH_LIMITS;
  const lexical = await deps.lexical(url);
  const report: ScanReport = {
    url,
    finalUrl: null,
    refused: null,
    fetchError: null,
    dns: null,
    redirectChain: [],
    tls: null,
    tlsError: null,
    status: null,
    headers: {},
    bodyBytes: 0,
    bodyTruncated: false,
    title: null,
    passwordForms: [],
    screenshot: { available: false, reason: null, bytes: 0 },
    browser: null,
    reputation: [],
    lexical,
    riskScore: 0,
    verdict: 'benign',
    reasons: [],
    durationMs: 0,
  };
  let screenshot: Buffer | null = null;
  const finish = async () => {
    const urls = [...new Set([url, ...(report.finalUrl ? [report.finalUrl] : [])])];
    report.reputation = await Promise.all(urls.map((u) => deps.reputation.check(u)));
    const hosts = report.redirectChain.map((h) => new URL(h.url).hostname.replace(/^\[|\]$/g, ''));
    const verdict = scanVerdict({
      lexicalRisk: lexical?.riskScore ?? null,
      lexicalReasons: lexical?.reasons ?? [],
      reputation: report.reputation,
      passwordForms: report.passwordForms,
      tls: report.tls,
      finalIsHttps: (report.finalUrl ?? url).startsWith('https:'),
      redirects: Math.max(0, report.redirectChain.length - 1),
      crossSiteRedirect: report.finalUrl !== null && siteOf(report.finalUrl) !== siteOf(url),
      ipHost: [new URL(url).hostname, ...hosts].some((h) => isIP(h.replace(/^\[|\]$/g, '')) !== 0),
    });
    if (report.refused) verdict.reasons.unshift({ code: 'refused', text: report.refused.message, weight: 0 });
    Object.assign(report, verdict, { durationMs: Math.round(performance.now() - started) });
    return { report, screenshot };
  };

  // 1. The guard first: a refused target is never contacted, not even by DNS queries beyond the vetting.
  let host: string;
  try {
    const target = await deps.guard.vet(url);
    host = target.host;
  } catch (err) {
    if (!(err instanceof SsrfError)) throw err;
    report.refused = { reason: err.reason, message: err.message };
    report.screenshot.reason = 'the target was refused';
    return finish();
  }
  if (isIP(host) === 0) report.dns = await resolveDnsAnswers(host, { servers: deps.dnsServers });

  // 2. The HTTP chain, each hop vetted and pinned.
  const fetched = await guardedFetch(deps.guard, url, limits, signal);
  report.redirectChain = fetched.hops;
  const refusedHop = fetched.error && fetched.hops.at(-1)?.error && isRefusal(fetched.error.reason);
  if (refusedHop && fetched.error) report.refused = fetched.error;
  else report.fetchError = fetched.error;
  const final = fetched.final;
  if (final) {
    report.finalUrl = final.url;
    report.status = final.status;
    report.headers = final.headers;
    report.bodyBytes = final.body.length;
    report.bodyTruncated = final.truncated;
    const facts = extractPageFacts(final.body.toString('utf8'), final.url);
    report.title = facts.title;
    report.passwordForms = facts.passwordForms;
    if (final.url.startsWith('https:')) {
      try {
        report.tls = await inspectTls(final.target, { timeoutMs: 10_000 });
      } catch (err) {
        report.tlsError = (err as Error).message;
      }
    }
  }

  // 3. The browser: screenshot, and navigations HTTP cannot see (meta refresh, script).
  if (report.refused) report.screenshot.reason = 'the target was refused';
  else if (deps.chromium === false) report.screenshot.reason = 'the browser is disabled';
  else {
    const found = await findChromium(deps.chromium || undefined);
    if (!found.path) report.screenshot.reason = found.why;
    else {
      // The browser gets what is left of the scan's time budget (at least a few seconds).
      const left = Math.max(5_000, SCAN_BUDGET_MS - (performance.now() - started));
      const limits = {
        ...DEFAULT_BROWSER_LIMITS,
        timeoutMs: Math.min(DEFAULT_BROWSER_LIMITS.timeoutMs, left),
      };
      const visit = await visitPage(deps.guard, url, { chromiumPath: found.path, signal, limits });
      screenshot = visit.screenshot;
      if (mergeVisit(report, visit) && report.finalUrl?.startsWith('https:')) {
        report.tls = null;
        report.tlsError = null;
        try {
          report.tls = await inspectTls(await deps.guard.vet(report.finalUrl), { timeoutMs: 10_000 });
        } catch (err) {
          report.tlsError = (err as Error).message;
        }
      }
    }
  }
  return finish();
}

function isRefusal(reason: string): boolean {
  return !['network', 'timeout', 'aborted', 'too-many-redirects'].includes(reason);
}

/**
 * Adds the browser's findings: its longer chain, the title and forms of the page it ended on.
 * True when the browser ended on another URL than plain HTTP did.
 */
function mergeVisit(report: ScanReport, visit: BrowserVisit): boolean {
  report.browser = { blockedRequests: visit.blocked, requests: visit.requests };
  report.screenshot = {
    available: visit.screenshot !== null,
    reason: visit.screenshotError,
    bytes: visit.screenshot?.length ?? 0,
  };
  const extra = visit.navigations.filter((n) => n.via === 'meta-refresh' || n.via === 'script');
  if (extra.length > 0 || visit.navigations.length > report.redirectChain.length) {
    report.redirectChain = visit.navigations;
  }
  if (visit.finalUrl && visit.finalUrl !== report.finalUrl && /^https?:/.test(visit.finalUrl)) {
    report.finalUrl = visit.finalUrl;
    report.title = visit.title ?? report.title;
    if (visit.html !== null)
      report.passwordForms = extractPageFacts(visit.html, visit.finalUrl).passwordForms;
    return true;
  }
  return false;
}
