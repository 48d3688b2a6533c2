import { parse as parseDomain } from 'tldts';
import { decodePunycode, type IpEncoding, ipEncoding, isMixedScript } from './url-host.js';
import {
  EXECUTABLE_EXTENSIONS,
  HTML_EXTENSIONS,
  PHISHED_BRANDS,
  SERVER_PAGE_EXTENSIONS,
  SUSPICIOUS_TLDS,
  SUSPICIOUS_WORDS,
  URL_SHORTENERS,
} from './url-lists.js';
import { emptyUrlParts, splitUrl, type UrlParts } from './url-parts.js';
import { URL_FEATURE_INDEX as F, URL_FEATURE_COUNT } from './url-schema.js';

/** What the features were computed from, in words an analyst reads (for reasons and history). */
export interface UrlDetails {
  /** Lower-case host as written (brackets kept for IPv6, trailing dot removed). */
  host: string;
  /** The host with its `xn--` labels decoded to Unicode (same as `host` when it has none). */
  unicodeHost: string;
  /** Registrable domain (a private suffix such as github.io counts as a suffix); null for IP hosts. */
  domain: string | null;
  publicSuffix: string | null;
  subdomain: string;
  ipEncoding: IpEncoding;
  /** A phished brand named in the userinfo or subdomain, in the registrable label, or in the path. */
  brandInSubdomain: string | null;
  brandInDomain: string | null;
  brandInPath: string | null;
  /** The brand whose own domain this is. */
  officialBrand: string | null;
  shortener: string | null;
  suspiciousWords: string[];
  /** Lower-case extension of the path's last segment ('' when none). */
  extension: string;
  port: number;
}

// tldts options: the input is already a host name; private suffixes (github.io, blogspot.com, …)
// make `foo.github.io` its own registrable domain, which is who controls the content.
const DOMAIN_OPTIONS = Object.freeze({
  allowPrivateDomains: true,
  extractHostname: false,
  validateHostname: false,
  detectIp: false,
  mixedInputs: false,
});

const BRAND_TOKENS: { token: string; brand: number; standalone: boolean }[] = [];
const OFFICIAL = new Map<string, number>();
PHISHED_BRANDS.forEach((b, i) => {
  for (const token of b.tokens) BRAND_TOKENS.push({ token, brand: i, standalone: token.length <= 5 });
  for (const label of b.official) OFFICIAL.set(label, i);
});

// Every suspicious word and brand token, chained by their first two characters, so one pass over
// the URL finds them all instead of one indexOf per word. Needle k < SUSPICIOUS_WORDS.length is a
// word; the others are BRAND_TOKENS[k - SUSPICIOUS_WORDS.length].
const NEEDLES: readonly string[] = [...SUSPICIOUS_WORDS, ...BRAND_TOKENS.map((t) => t.token)];
const BIGRAM_HEAD = new Int32Array(128 * 128).fill(-1);
const NEXT_NEEDLE = new Int32Array(NEEDLES.length).fill(-1);
for (let k = NEEDLES.length - 1; k >= 0; k--) {
  const key = (NEEDLES[k].charCodeAt(0) << 7) | NEEDLES[k].charCodeAt(1);
  NEXT_NEEDLE[k] = BIGRAM_HEAD[key];
  BIGRAM_HEAD[key] = k;
}
const found = new Uint8Array(NEEDLES.length);

/** Marks in `found` every needle that occurs in the lower-case `s`; returns how many occur. */
function scanNeedles(s: string): number {
  found.fill(0);
  let hits = 0;
  const last = s.length - 1;
  for (let i = 0; i < last; i++) {
    const c0 = s.charCodeAt(i);
    const c1 = s.charCodeAt(i + 1);
    if ((c0 | c1) >= 128) continue;
    for (let k = BIGRAM_HEAD[(c0 << 7) | c1]; k >= 0; k = NEXT_NEEDLE[k]) {
      if (found[k] === 0 && s.startsWith(NEEDLES[k], i)) {
        found[k] = 1;
        hits++;
      }
    }
  }
  return hits;
}

const parts: UrlParts = emptyUrlParts();
const counts = new Int32Array(129);

/**
 * Shannon entropy (bits per character) of `s[from, to)`; non-ASCII characters share one bin. Leaves
 * the character histogram in `counts` for the caller.
 */
function entropy(s: string, from: number, to: number): number {
  const n = to - from;
  if (n <= 0) return 0;
  counts.fill(0);
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    counts[Math.min(c, 128)]++;
  }
  let h = 0;
  for (let k = 0; k < 129; k++) {
    const m = counts[k];
    if (m > 0) {
      const p = m / n;
      h -= p * Math.log2(p);
    }
  }
  return h;
}

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122);
}

/** First position of `token` in `s` at or after `from` (standing alone when asked), or -1. */
function findToken(s: string, token: string, standalone: boolean): number {
  let at = s.indexOf(token);
  if (!standalone) return at;
  while (at >= 0) {
    const before = at > 0 ? s.charCodeAt(at - 1) : 0;
    const after = at + token.length < s.length ? s.charCodeAt(at + token.length) : 0;
    if (!isAlnum(before) && !isAlnum(after)) return at;
    at = s.indexOf(token, at + 1);
  }
  return -1;
}

function countChar(s: string, code: number): number {
  let k = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === code) k++;
  return k;
}

/**
 * Computes the URL's lexical features into `out[offset … offset + URL_FEATURE_COUNT)` in
 * URL_FEATURE_NAMES order, and fills `details` when given. No network, no DNS: the URL text only.
 * Works on any string (a URL without a scheme is read as http); values are never NaN.
 */
export function extractUrlFeatures(url: string, out: Float32Array, offset = 0, details?: UrlDetails): void {
  if (out.length < offset + URL_FEATURE_COUNT) {
    throw new RangeError(`extractUrlFeatures: row needs ${URL_FEATURE_COUNT} values from offset ${offset}`);
  }
  if (details) details.suspiciousWords.length = 0;
  const p = splitUrl(url, parts);
  const u = p.url;
  const n = u.length;
  const o = offset;
  const host = p.host;
  const restStart = p.authorityEnd;
  const lower = u.toLowerCase();

  out[o + F.url_length] = n;
  out[o + F.host_length] = host.length;
  out[o + F.path_length] = p.path.length;
  out[o + F.query_length] = p.query.length;
  out[o + F.fragment_length] = p.fragment.length;
  out[o + F.scheme_https] = p.scheme === 'https' ? 1 : 0;
  const hasPort = p.port !== -1;
  out[o + F.has_port] = hasPort ? 1 : 0;
  const standardPort = p.scheme === 'https' ? 443 : 80;
  out[o + F.port_nonstandard] = hasPort && p.port !== standardPort ? 1 : 0;
  out[o + F.has_userinfo] = p.hasUserinfo ? 1 : 0;

  // Character classes, special tokens and entropy of the whole URL from one histogram.
  out[o + F.url_entropy] = entropy(u, 0, n);
  let digits = 0;
  let letters = 0;
  for (let c = 48; c <= 57; c++) digits += counts[c];
  for (let c = 65; c <= 90; c++) letters += counts[c] + counts[c + 32];
  out[o + F.digit_ratio] = n > 0 ? digits / n : 0;
  out[o + F.letter_ratio] = n > 0 ? letters / n : 0;
  out[o + F.special_ratio] = n > 0 ? (n - digits - letters) / n : 0;
  out[o + F.dot_count] = counts[46];
  out[o + F.hyphen_count] = counts[45];
  out[o + F.underscore_count] = counts[95];
  out[o + F.tilde_count] = counts[126];
  out[o + F.percent_count] = counts[37];
  out[o + F.eq_count] = counts[61];
  out[o + F.amp_count] = counts[38];
  out[o + F.at_count] = counts[64];
  out[o + F.slash_count] = counts[47];

  // Host: IP encodings, labels, registrable domain and suffix.
  const ip = ipEncoding(host);
  const isIp = ip !== 'none';
  out[o + F.host_is_ip] = isIp ? 1 : 0;
  out[o + F.ip_obfuscated] = isIp && ip !== 'dotted' && ip !== 'ipv6' ? 1 : 0;
  out[o + F.host_is_ipv6] = ip === 'ipv6' || ip === 'ipv4-mapped-ipv6' ? 1 : 0;
  let hostDigits = 0;
  let hostHyphens = 0;
  let nonAscii = 0;
  let longestLabel = 0;
  let labelStart = 0;
  let punycode = 0;
  let mixed = false;
  let unicodeHost = host;
  for (let i = 0; i <= host.length; i++) {
    const c = i < host.length ? host.charCodeAt(i) : 46;
    if (c === 46) {
      const len = i - labelStart;
      if (len > longestLabel) longestLabel = len;
      if (!isIp && len > 4 && host.startsWith('xn--', labelStart)) {
        punycode++;
        const decoded = decodePunycode(host.slice(labelStart + 4, i));
        if (decoded !== null) {
          if (isMixedScript(decoded)) mixed = true;
          if (details) unicodeHost = unicodeHost.replace(host.slice(labelStart, i), decoded);
        }
      }
      labelStart = i + 1;
    } else if (c >= 48 && c <= 57) hostDigits++;
    else if (c === 45) hostHyphens++;
    else if (c >= 128) nonAscii++;
  }
  if (nonAscii > 0 && !mixed) {
    for (const label of host.split('.')) if (isMixedScript(label)) mixed = true;
  }
  out[o + F.longest_host_label] = longestLabel;
  out[o + F.host_hyphens] = hostHyphens;
  out[o + F.host_digit_ratio] = host.length > 0 ? hostDigits / host.length : 0;
  out[o + F.host_entropy] = entropy(host, 0, host.length);
  out[o + F.punycode_labels] = punycode;
  out[o + F.host_non_ascii] = nonAscii > 0 ? 1 : 0;
  out[o + F.host_mixed_scripts] = mixed ? 1 : 0;

  let domain: string | null = null;
  let label = '';
  let suffix: string | null = null;
  let subdomain = '';
  let isPrivate = false;
  if (!isIp && host.length > 0) {
    const d = parseDomain(host, DOMAIN_OPTIONS);
    domain = d.domain;
    label = d.domainWithoutSuffix ?? '';
    suffix = d.publicSuffix;
    subdomain = d.subdomain ?? '';
    isPrivate = d.isPrivate === true;
    out[o + F.suffix_unknown] = d.isIcann || isPrivate ? 0 : 1;
  } else out[o + F.suffix_unknown] = 0;
  const www = startsWithWww(subdomain);
  let depth = subdomain.length === 0 ? 0 : countChar(subdomain, 46) + 1;
  if (www) depth--;
  out[o + F.subdomain_depth] = depth;
  out[o + F.has_www] = www ? 1 : 0;
  out[o + F.domain_label_length] = label.length;
  out[o + F.domain_hyphens] = countChar(label, 45);
  let labelDigits = 0;
  for (let i = 0; i < label.length; i++) {
    const c = label.charCodeAt(i);
    if (c >= 48 && c <= 57) labelDigits++;
  }
  out[o + F.domain_digits] = labelDigits;
  out[o + F.domain_entropy] = entropy(label, 0, label.length);
  out[o + F.suffix_length] = suffix?.length ?? 0;
  out[o + F.suffix_private] = isPrivate ? 1 : 0;
  const tld = suffix === null ? '' : suffix.slice(suffix.lastIndexOf('.') + 1);
  out[o + F.suffix_suspicious] = SUSPICIOUS_TLDS.has(tld) ? 1 : 0;

  // Path and query.
  const rest = lower.length === n ? lower.slice(restStart) : u.slice(restStart).toLowerCase();
  out[o + F.double_slash_in_path] = countSubstring(p.path, '//');
  out[o + F.http_in_path] = countSubstring(rest, 'http') + countSubstring(rest, 'www.');
  out[o + F.email_in_url] = hasEmail(rest) || hasEmail(p.userinfo) ? 1 : 0;
  let depthPath = 0;
  let maxToken = 0;
  let token = 0;
  let segStart = 0;
  const path = p.path;
  for (let i = 0; i <= path.length; i++) {
    const c = i < path.length ? path.charCodeAt(i) : 47;
    if (c === 47 || c === 92) {
      if (i > segStart) depthPath++;
      segStart = i + 1;
    }
    if (isAlnum(c)) {
      token++;
      if (token > maxToken) maxToken = token;
    } else token = 0;
  }
  out[o + F.path_depth] = depthPath;
  out[o + F.path_max_token] = maxToken;
  out[o + F.param_count] = p.query.length === 0 ? 0 : countChar(p.query, 38) + 1;
  const lastSlash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  const dot = path.lastIndexOf('.');
  const extension = dot > lastSlash && dot < path.length - 1 ? path.slice(dot + 1).toLowerCase() : '';
  out[o + F.ext_executable] = EXECUTABLE_EXTENSIONS.has(extension) ? 1 : 0;
  out[o + F.ext_server_page] = SERVER_PAGE_EXTENSIONS.has(extension) ? 1 : 0;
  out[o + F.ext_html] = HTML_EXTENSIONS.has(extension) ? 1 : 0;

  // Brands: where a phished brand is named, unless this is that brand's own domain.
  const official = isPrivate ? undefined : OFFICIAL.get(label);
  out[o + F.brand_official] = official === undefined ? 0 : 1;
  let inSub = -1;
  let inDomain = -1;
  let inPath = -1;
  const hits = scanNeedles(lower);
  const nWords = SUSPICIOUS_WORDS.length;
  let words = 0;
  for (let w = 0; w < nWords; w++) {
    if (found[w] === 1) {
      words++;
      details?.suspiciousWords.push(SUSPICIOUS_WORDS[w]);
    }
  }
  if (hits > words) {
    // Rare: a brand token occurs somewhere; find out where.
    const authority = p.hasUserinfo ? `${p.userinfo.toLowerCase()}@${subdomain}` : subdomain;
    for (let t = 0; t < BRAND_TOKENS.length; t++) {
      if (found[nWords + t] === 0) continue;
      const { token: word, brand, standalone } = BRAND_TOKENS[t];
      if (brand === official) continue;
      if (inSub < 0 && findToken(authority, word, standalone) >= 0) inSub = brand;
      if (inDomain < 0 && findToken(label, word, standalone) >= 0) inDomain = brand;
      if (inPath < 0 && findToken(rest, word, standalone) >= 0) inPath = brand;
    }
  }
  out[o + F.brand_in_subdomain] = inSub >= 0 ? 1 : 0;
  out[o + F.brand_in_domain] = inDomain >= 0 ? 1 : 0;
  out[o + F.brand_in_path] = inPath >= 0 ? 1 : 0;
  const shortener = domain !== null && URL_SHORTENERS.has(domain);
  out[o + F.shortener] = shortener ? 1 : 0;
  out[o + F.suspicious_words] = words;

  if (details) {
    const name = (i: number) => (i >= 0 ? PHISHED_BRANDS[i].name : null);
    details.host = host;
    details.unicodeHost = unicodeHost;
    details.domain = domain;
    details.publicSuffix = suffix;
    details.subdomain = subdomain;
    details.ipEncoding = ip;
    details.brandInSubdomain = name(inSub);
    details.brandInDomain = name(inDomain);
    details.brandInPath = name(inPath);
    details.officialBrand = official === undefined ? null : name(official);
    details.shortener = shortener ? domain : null;
    details.extension = extension;
    details.port = p.port;
  }
}

/** True when the first label is `www`, optionally followed by up to two digits (www2, www10). */
function startsWithWww(subdomain: string): boolean {
  if (!subdomain.startsWith('www')) return false;
  let i = 3;
  while (i < subdomain.length && i < 5 && subdomain.charCodeAt(i) >= 48 && subdomain.charCodeAt(i) <= 57) i++;
  return i === subdomain.length || subdomain.charCodeAt(i) === 46;
}

function countSubstring(s: string, sub: string): number {
  let k = 0;
  for (let at = s.indexOf(sub); at >= 0; at = s.indexOf(sub, at + sub.length)) k++;
  return k;
}

/** An e-mail address (`name@host.tld`, or `%40` for the `@`), as kits pre-fill the victim's. */
function hasEmail(s: string): boolean {
  for (let at = s.indexOf('@'); at >= 0; at = s.indexOf('@', at + 1)) {
    if (at > 0 && isAlnum(s.charCodeAt(at - 1)) && emailDomainAt(s, at + 1)) return true;
  }
  for (let at = s.indexOf('%40'); at >= 0; at = s.indexOf('%40', at + 3)) {
    if (at > 0 && isAlnum(s.charCodeAt(at - 1)) && emailDomainAt(s, at + 3)) return true;
  }
  return false;
}

function emailDomainAt(s: string, from: number): boolean {
  let i = from;
  let dots = 0;
  while (i < s.length && (isAlnum(s.charCodeAt(i)) || s.charCodeAt(i) === 45 || s.charCodeAt(i) === 46)) {
    if (s.charCodeAt(i) === 46 && i > from) dots++;
    i++;
  }
  return i > from + 2 && dots > 0 && s.charCodeAt(i - 1) !== 46;
}

/** An empty details object to pass to {@link extractUrlFeatures}. */
export function emptyUrlDetails(): UrlDetails {
  return {
    host: '',
    unicodeHost: '',
    domain: null,
    publicSuffix: null,
    subdomain: '',
    ipEncoding: 'none',
    brandInSubdomain: null,
    brandInDomain: null,
    brandInPath: null,
    officialBrand: null,
    shortener: null,
    suspiciousWords: [],
    extension: '',
    port: -1,
  };
}

/** The features of one URL as a new row plus the details behind them (for explanations and tests). */
export function analyseUrl(url: string): { row: Float32Array; details: UrlDetails } {
  const row = new Float32Array(URL_FEATURE_COUNT);
  const details = emptyUrlDetails();
  extractUrlFeatures(url, row, 0, details);
  return { row, details };
}
