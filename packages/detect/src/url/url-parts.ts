/** The parts of a URL as written, split the way a browser reads http(s) URLs, without normalising. */
export interface UrlParts {
  /** The URL with surrounding whitespace and control characters removed. */
  url: string;
  /** Lower case; '' when the URL has none (read as http). */
  scheme: string;
  /** Text before an `@` in the authority ('' when absent). */
  userinfo: string;
  hasUserinfo: boolean;
  /** Lower case, brackets kept for IPv6, one trailing dot removed. */
  host: string;
  /** True when the host was written with a trailing dot (`example.com.`). */
  trailingDot: boolean;
  /** Explicit port, -1 when none; NaN when the port is not a number. */
  port: number;
  /** Index in `url` where the authority ends and the path begins. */
  authorityEnd: number;
  path: string;
  /** Without the leading `?`. */
  query: string;
  /** Without the leading `#`. */
  fragment: string;
}

/** A fresh, empty parts object to reuse across calls of {@link splitUrl}. */
export function emptyUrlParts(): UrlParts {
  return {
    url: '',
    scheme: '',
    userinfo: '',
    hasUserinfo: false,
    host: '',
    trailingDot: false,
    port: -1,
    authorityEnd: 0,
    path: '',
    query: '',
    fragment: '',
  };
}

function isSchemeChar(c: number, first: boolean): boolean {
  const lower = c | 32;
  if (lower >= 97 && lower <= 122) return true;
  if (first) return false;
  return (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46;
}

/**
 * Splits a URL into scheme, userinfo, host, port, path, query and fragment, as a browser would for
 * http(s): backslashes count as slashes, any number of slashes may follow the scheme, the last `@`
 * of the authority ends the userinfo. A URL without a scheme is read as `http://` + the text.
 * Writes into `out` (reused to spare an allocation per URL) and returns it.
 */
export function splitUrl(input: string, out: UrlParts = emptyUrlParts()): UrlParts {
  let start = 0;
  let end = input.length;
  while (start < end && input.charCodeAt(start) <= 32) start++;
  while (end > start && input.charCodeAt(end - 1) <= 32) end--;
  const url = start === 0 && end === input.length ? input : input.slice(start, end);
  const n = url.length;
  out.url = url;

  let i = 0;
  let scheme = '';
  while (i < n && isSchemeChar(url.charCodeAt(i), i === 0)) i++;
  if (i > 0 && i < n && url.charCodeAt(i) === 58 /* : */) {
    const candidate = url.slice(0, i).toLowerCase();
    // "host:8080/path" has no scheme: a scheme is followed by slashes or is a known one.
    const next = url.charCodeAt(i + 1);
    if (next === 47 || next === 92 || candidate === 'http' || candidate === 'https') {
      scheme = candidate;
      i++;
    } else i = 0;
  } else i = 0;
  out.scheme = scheme;
  while (i < n && (url.charCodeAt(i) === 47 || url.charCodeAt(i) === 92)) i++;

  const authStart = i;
  while (i < n) {
    const c = url.charCodeAt(i);
    if (c === 47 || c === 92 || c === 63 || c === 35) break;
    i++;
  }
  const authEnd = i;
  out.authorityEnd = authEnd;
  const at = url.lastIndexOf('@', authEnd - 1);
  let hostStart = authStart;
  if (at >= authStart) {
    out.userinfo = url.slice(authStart, at);
    out.hasUserinfo = true;
    hostStart = at + 1;
  } else {
    out.userinfo = '';
    out.hasUserinfo = false;
  }
  let hostEnd = authEnd;
  out.port = -1;
  const bracket = url.charCodeAt(hostStart) === 91 ? url.indexOf(']', hostStart) : -1;
  const colon = url.lastIndexOf(':', authEnd - 1);
  if (colon >= hostStart && colon > bracket) {
    hostEnd = colon;
    out.port = parsePort(url, colon + 1, authEnd);
  }
  let host = url.slice(hostStart, hostEnd).toLowerCase();
  out.trailingDot = host.length > 1 && host.charCodeAt(host.length - 1) === 46;
  if (out.trailingDot) host = host.slice(0, -1);
  out.host = host;

  let q = url.indexOf('?', authEnd);
  const h = url.indexOf('#', authEnd);
  if (h >= 0 && q > h) q = -1;
  const pathEnd = q >= 0 ? q : h >= 0 ? h : n;
  out.path = url.slice(authEnd, pathEnd);
  out.query = q >= 0 ? url.slice(q + 1, h >= 0 ? h : n) : '';
  out.fragment = h >= 0 ? url.slice(h + 1) : '';
  return out;
}

function parsePort(s: string, from: number, to: number): number {
  if (from === to) return -1; // "host:" means the default port
  let v = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return Number.NaN;
    v = v * 10 + (c - 48);
  }
  return v;
}
