import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ScanHop } from '@vigil/contracts';
import { SsrfError, type SsrfGuard, type VettedTarget } from './ssrf-guard.js';

/**
 * HTTP(S) GET through the SSRF guard: each hop's host is resolved and vetted once, the socket
 * connects to that pinned address (the `lookup` hook returns it, so no second DNS answer is used),
 * TLS still verifies against the host name (servername = host). Redirects are followed by hand,
 * every hop vetted again; time and body size are capped.
 */

/** One request of a redirect chain, as the scan report shows it. */
export type HttpHop = ScanHop;

export interface FetchLimits {
  maxRedirects: number;
  /** Whole chain, ms. */
  timeoutMs: number;
  maxBodyBytes: number;
}

export const DEFAULT_FETCH_LIMITS: FetchLimits = {
  maxRedirects: 10,
  timeoutMs: 20_000,
  maxBodyBytes: 5 * 1024 * 1024,
};

export interface FetchResult {
  hops: HttpHop[];
  /** The last response (null when none was received). */
  final: {
    url: string;
    status: number;
    headers: Record<string, string>;
    body: Buffer;
    truncated: boolean;
    target: VettedTarget;
  } | null;
  /** Why the chain stopped early (refused hop, too many redirects, timeout, network error). */
  error: { reason: string; message: string } | null;
}

function pinnedLookup(target: VettedTarget): LookupFunction {
  const { address, family } = target.pinned;
  return ((_host: string, options: { all?: boolean }, cb: (...args: unknown[]) => void) => {
    if (options?.all) cb(null, [{ address, family }]);
    else cb(null, address, family);
  }) as unknown as LookupFunction;
}

export interface OneResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  truncated: boolean;
}

export interface RequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer | null;
}

const DEFAULT_HEADERS = {
  'user-agent': 'Mozilla/5.0 (compatible; VigilScanner/1.0)',
  accept: 'text/html,application/xhtml+xml,*/*;q=0.8',
};

/** One request (no redirect following) to an already vetted target, connecting to its pinned address. */
export function requestOnce(
  target: VettedTarget,
  limits: Pick<FetchLimits, 'maxBodyBytes'>,
  signal: AbortSignal,
  init: RequestInit = {},
): Promise<OneResponse> {
  const { url } = target;
  const isHttps = url.protocol === 'https:';
  const headers: Record<string, string> = { ...(init.headers ?? DEFAULT_HEADERS) };
  // Never ask for compressed bodies: they are passed on (to the browser) as they are read.
  for (const h of Object.keys(headers)) if (h.toLowerCase() === 'accept-encoding') delete headers[h];
  const options: https.RequestOptions = {
    method: init.method ?? 'GET',
    lookup: pinnedLookup(target),
    headers,
    signal,
    agent: false,
  };
  if (isHttps) {
    // The deep scan reports certificate problems rather than refusing to look (tls-inspector.ts).
    options.rejectUnauthorized = false;
    if (!target.ipHost) options.servername = target.host;
  }
  return new Promise((resolve, reject) => {
    const req = (isHttps ? https : http).request(url, options, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) {
        if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      }
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400) {
        res.resume();
        resolve({ status, headers, body: Buffer.alloc(0), truncated: false });
        return;
      }
      res.on('data', (chunk: Buffer) => {
        if (truncated) return;
        const room = limits.maxBodyBytes - size;
        if (chunk.length >= room) {
          chunks.push(chunk.subarray(0, room));
          size += room;
          truncated = true;
          res.destroy();
          resolve({ status, headers, body: Buffer.concat(chunks), truncated });
          return;
        }
        chunks.push(chunk);
        size += chunk.length;
      });
      res.on('end', () => resolve({ status, headers, body: Buffer.concat(chunks), truncated }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body ?? undefined);
  });
}

/** GETs the URL, following up to `maxRedirects` redirects, each hop vetted by the guard. */
export async function guardedFetch(
  guard: SsrfGuard,
  startUrl: string,
  limits: FetchLimits = DEFAULT_FETCH_LIMITS,
  outer?: AbortSignal,
): Promise<FetchResult> {
  const timeout = AbortSignal.timeout(limits.timeoutMs);
  const signal = outer ? AbortSignal.any([outer, timeout]) : timeout;
  const hops: HttpHop[] = [];
  let url = startUrl;
  let via: HttpHop['via'] = 'initial';
  for (let hop = 0; ; hop++) {
    const started = performance.now();
    const entry: HttpHop = { url, status: null, address: null, location: null, via, ms: 0 };
    hops.push(entry);
    let target: VettedTarget;
    try {
      target = await guard.vet(url);
      entry.address = target.pinned.address;
      const res = await requestOnce(target, limits, signal);
      entry.status = res.status;
      entry.ms = Math.round(performance.now() - started);
      const location = res.status >= 300 && res.status < 400 ? res.headers.location : undefined;
      if (!location) {
        return { hops, final: { url, ...res, target }, error: null };
      }
      entry.location = location;
      if (hop >= limits.maxRedirects) {
        return {
          hops,
          final: null,
          error: { reason: 'too-many-redirects', message: `more than ${limits.maxRedirects} redirects` },
        };
      }
      url = new URL(location, url).href;
      via = 'http';
    } catch (err) {
      entry.ms = Math.round(performance.now() - started);
      const e = err as Error;
      const reason =
        err instanceof SsrfError
          ? err.reason
          : timeout.aborted
            ? 'timeout'
            : signal.aborted
              ? 'aborted'
              : 'network';
      const message = reason === 'timeout' ? `no answer within ${limits.timeoutMs} ms` : e.message;
      entry.error = message;
      return { hops, final: null, error: { reason, message } };
    }
  }
}
