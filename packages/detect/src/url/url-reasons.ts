import type { UrlDetails } from './url-features.js';
import { URL_FEATURE_NAMES, type UrlFeatureName } from './url-schema.js';

type Phrase = (v: number, d: UrlDetails) => string;

const pct = (v: number) => `${Math.round(v * 100)}%`;
const bits = (v: number) => `${v.toFixed(2)} bits per character`;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const tldOf = (d: UrlDetails) => (d.publicSuffix ?? '').slice((d.publicSuffix ?? '').lastIndexOf('.') + 1);
const counted =
  (ch: string, name: string, names = `${name}s`): Phrase =>
  (v) =>
    v === 0 ? `no ${name} ('${ch}') in the URL` : `${plural(v, name, names)} ('${ch}') in the URL`;

const PHRASES: Readonly<Record<UrlFeatureName, Phrase>> = {
  url_length: (v) =>
    v >= 75
      ? `long URL (${v} characters)`
      : v <= 30
        ? `short URL (${v} characters)`
        : `URL of ${v} characters`,
  host_length: (v) => (v >= 30 ? `long host name (${v} characters)` : `host name of ${v} characters`),
  path_length: (v) => (v === 0 ? 'no path' : `path of ${v} characters`),
  query_length: (v) => (v === 0 ? 'no query string' : `query string of ${v} characters`),
  fragment_length: (v) => (v === 0 ? 'no fragment' : `fragment of ${v} characters`),
  scheme_https: (v) => (v ? 'uses HTTPS' : 'plain HTTP, no TLS'),
  has_port: (v, d) => (v ? `explicit port ${d.port}` : 'no explicit port'),
  port_nonstandard: (v, d) => (v ? `non-standard port ${d.port}` : 'standard port'),
  has_userinfo: (v) =>
    v
      ? "text before '@' in the address hides the real host, which follows the '@'"
      : "no '@' before the host",
  host_is_ip: (v, d) =>
    v
      ? `host is an IP address${d.ipEncoding === 'dotted' ? '' : ` (${d.ipEncoding})`}`
      : 'host is a domain name, not an IP address',
  ip_obfuscated: (v, d) =>
    v ? `IP address written in an unusual form (${d.ipEncoding}) to hide it` : 'no disguised IP address',
  host_is_ipv6: (v) => (v ? 'host is an IPv6 address' : 'host is not an IPv6 address'),
  subdomain_depth: (v) =>
    v >= 3 ? `many subdomains (${v})` : v === 0 ? 'no subdomain' : plural(v, 'subdomain'),
  has_www: (v) => (v ? "host starts with 'www'" : "no 'www' in the host"),
  longest_host_label: (v) => `longest host label has ${v} characters`,
  host_hyphens: (v) => (v ? `${plural(v, 'hyphen')} in the host` : 'no hyphen in the host'),
  host_digit_ratio: (v) => (v > 0 ? `${pct(v)} of the host is digits` : 'no digits in the host'),
  host_entropy: (v) => `host name randomness ${bits(v)}`,
  domain_label_length: (v, d) =>
    d.domain ? `domain name ${d.domain} (${v} characters before the suffix)` : 'no domain name',
  domain_hyphens: (v, d) =>
    v ? `${plural(v, 'hyphen')} in the domain name ${d.domain}` : 'no hyphen in the domain name',
  domain_digits: (v, d) =>
    v ? `${plural(v, 'digit')} in the domain name ${d.domain}` : 'no digits in the domain name',
  domain_entropy: (v, d) =>
    d.domain ? `domain name ${d.domain} randomness ${bits(v)}` : `domain name randomness ${bits(v)}`,
  suffix_length: (_v, d) => (d.publicSuffix ? `public suffix .${d.publicSuffix}` : 'no public suffix'),
  suffix_unknown: (v, d) => (v ? `unknown top-level domain .${tldOf(d)}` : 'registered top-level domain'),
  suffix_private: (v, d) =>
    v ? `hosted under a shared platform domain (${d.publicSuffix})` : 'not under a shared hosting platform',
  suffix_suspicious: (v, d) =>
    v ? `top-level domain .${tldOf(d)} is often abused` : 'top-level domain not among the often abused',
  punycode_labels: (v, d) =>
    v ? `internationalised (punycode) host, reads as ${d.unicodeHost}` : 'no punycode in the host',
  host_non_ascii: (v) => (v ? 'non-ASCII characters in the host' : 'host is plain ASCII'),
  host_mixed_scripts: (v) =>
    v ? 'host mixes writing systems, as look-alike (homograph) domains do' : 'host uses one writing system',
  digit_ratio: (v) => `${pct(v)} of the URL is digits`,
  letter_ratio: (v) => `${pct(v)} of the URL is letters`,
  special_ratio: (v) => `${pct(v)} of the URL is punctuation`,
  url_entropy: (v) => `URL randomness ${bits(v)}`,
  dot_count: counted('.', 'dot'),
  hyphen_count: counted('-', 'hyphen'),
  underscore_count: counted('_', 'underscore'),
  tilde_count: counted('~', 'tilde'),
  percent_count: counted('%', 'percent-escape'),
  eq_count: counted('=', 'equals sign'),
  amp_count: counted('&', 'ampersand'),
  at_count: counted('@', 'at sign'),
  slash_count: counted('/', 'slash', 'slashes'),
  double_slash_in_path: (v) => (v ? "'//' inside the path (redirect trick)" : "no '//' inside the path"),
  http_in_path: (v) =>
    v
      ? "another address ('http' or 'www.') inside the path or query"
      : 'no address embedded in the path or query',
  email_in_url: (v) => (v ? 'an e-mail address in the URL' : 'no e-mail address in the URL'),
  path_depth: (v) => (v === 0 ? 'no path segments' : `path ${plural(v, 'level')} deep`),
  path_max_token: (v) => `longest word in the path has ${v} characters`,
  param_count: (v) => (v ? plural(v, 'query parameter') : 'no query parameters'),
  ext_executable: (v, d) =>
    v ? `link to a program or archive (.${d.extension})` : 'not a link to a program or archive',
  ext_server_page: (v, d) => (v ? `server script page (.${d.extension})` : 'not a server script page'),
  ext_html: (v, d) => (v ? `static page (.${d.extension})` : 'not a static .html page'),
  brand_in_subdomain: (v, d) =>
    v
      ? `brand '${d.brandInSubdomain}' in the subdomain, outside its domain`
      : 'no brand name in the subdomain',
  brand_in_domain: (v, d) =>
    v
      ? `brand '${d.brandInDomain}' inside another domain name (${d.domain})`
      : 'no brand name inside the domain name',
  brand_in_path: (v, d) =>
    v ? `brand '${d.brandInPath}' in the path, outside its domain` : 'no brand name in the path',
  brand_official: (v, d) =>
    v ? `domain belongs to '${d.officialBrand}'` : "domain is not a listed brand's own",
  shortener: (v, d) => (v ? `URL shortener (${d.shortener}) hides the destination` : 'not a URL shortener'),
  suspicious_words: (v, d) =>
    v ? `suspicious words: ${d.suspiciousWords.join(', ')}` : 'no suspicious words',
};

/**
 * One feature of a URL in words, for the reasons of a verdict: `feature` is an index into
 * URL_FEATURE_NAMES (or the name), `value` its value in the row, `details` what analyseUrl found.
 */
export function describeUrlFeature(
  feature: number | UrlFeatureName,
  value: number,
  details: UrlDetails,
): string {
  const name = typeof feature === 'number' ? URL_FEATURE_NAMES[feature] : feature;
  const phrase = PHRASES[name];
  if (!phrase) throw new RangeError(`describeUrlFeature: unknown URL feature ${String(feature)}`);
  // Values arrive as float32: counts are whole, ratios and entropies are formatted by the phrase.
  return phrase(Number.isInteger(value) ? value : Math.round(value * 1e4) / 1e4, details);
}
