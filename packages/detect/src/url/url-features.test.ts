import { describe, expect, it } from 'vitest';
import { analyseUrl, extractUrlFeatures } from './url-features.js';
import { splitUrl } from './url-parts.js';
import { describeUrlFeature } from './url-reasons.js';
import {
  URL_FEATURE_COUNT,
  URL_FEATURE_INDEX,
  URL_FEATURE_NAMES,
  URL_FEATURES,
  type UrlFeatureName,
} from './url-schema.js';

/** The named features of a URL as a plain object. */
function features(url: string): Record<UrlFeatureName, number> {
  const { row } = analyseUrl(url);
  return Object.fromEntries(URL_FEATURE_NAMES.map((n, i) => [n, row[i]])) as Record<UrlFeatureName, number>;
}

describe('URL schema', () => {
  it('lists unique, numeric features in a fixed order', () => {
    expect(new Set(URL_FEATURE_NAMES).size).toBe(URL_FEATURE_COUNT);
    expect(URL_FEATURES.every((f) => f.kind === 'numeric')).toBe(true);
    expect(URL_FEATURE_INDEX.url_length).toBe(0);
    expect(URL_FEATURE_NAMES[URL_FEATURE_INDEX.suspicious_words]).toBe('suspicious_words');
  });
});

describe('splitUrl', () => {
  it('splits userinfo, host, port, path, query and fragment as a browser does', () => {
    const p = splitUrl('  HTTPS://user:pw@Example.COM.:8443/a/b.php?x=1&y=2#top ');
    expect(p).toMatchObject({
      scheme: 'https',
      userinfo: 'user:pw',
      hasUserinfo: true,
      host: 'example.com',
      trailingDot: true,
      port: 8443,
      path: '/a/b.php',
      query: 'x=1&y=2',
      fragment: 'top',
    });
    // The last '@' of the authority ends the userinfo; a '@' in the path is not userinfo.
    expect(splitUrl('http://paypal.com@evil.example/').host).toBe('evil.example');
    expect(splitUrl('http://a@b@evil.example/').userinfo).toBe('a@b');
    expect(splitUrl('http://evil.example/x@paypal.com').hasUserinfo).toBe(false);
    // Backslashes and extra slashes, a missing scheme, IPv6 with a port, '#' before '?'.
    expect(splitUrl('http:\\\\evil.example\\path').host).toBe('evil.example');
    expect(splitUrl('evil.example:8080/x')).toMatchObject({ scheme: '', host: 'evil.example', port: 8080 });
    expect(splitUrl('http://[::1]:81/')).toMatchObject({ host: '[::1]', port: 81 });
    expect(splitUrl('http://[::1]/')).toMatchObject({ host: '[::1]', port: -1 });
    expect(splitUrl('http://h/p#a?b')).toMatchObject({ path: '/p', query: '', fragment: 'a?b' });
    expect(splitUrl('http://h:/').port).toBe(-1);
    expect(Number.isNaN(splitUrl('http://h:8o/').port)).toBe(true);
  });
});

describe('extractUrlFeatures', () => {
  it('counts lengths, character classes and special tokens', () => {
    const f = features('http://a-b.example.com/x_y/~z/%20?q=1&r=2');
    expect(f.url_length).toBe('http://a-b.example.com/x_y/~z/%20?q=1&r=2'.length);
    expect(f.host_length).toBe('a-b.example.com'.length);
    expect(f.path_length).toBe('/x_y/~z/%20'.length);
    expect(f.query_length).toBe(7);
    expect([f.hyphen_count, f.underscore_count, f.tilde_count, f.percent_count]).toEqual([1, 1, 1, 1]);
    expect([f.eq_count, f.amp_count, f.param_count, f.path_depth]).toEqual([2, 1, 2, 3]);
    expect(f.digit_ratio + f.letter_ratio + f.special_ratio).toBeCloseTo(1, 5);
    expect(f.scheme_https).toBe(0);
    expect(features('https://aaaa.com/').url_entropy).toBeLessThan(
      features('https://q7x9k2.com/').url_entropy,
    );
    expect(features('https://aaaa.com/').domain_entropy).toBe(0);
  });

  it('reads the registrable domain, public suffix and subdomain depth', () => {
    const f = features('https://www.a.b.c.example.co.uk/');
    expect([f.subdomain_depth, f.has_www, f.suffix_length, f.domain_label_length]).toEqual([3, 1, 5, 7]);
    for (const [host, www, depth] of [
      ['www2.example.com', 1, 0],
      ['www.example.com', 1, 0],
      ['wwwx.example.com', 0, 1],
      ['www123.example.com', 0, 1],
      ['example.com', 0, 0],
    ] as const) {
      const g = features(`https://${host}/`);
      expect([host, g.has_www, g.subdomain_depth]).toEqual([host, www, depth]);
    }
    expect(analyseUrl('https://www.a.b.c.example.co.uk/').details).toMatchObject({
      domain: 'example.co.uk',
      publicSuffix: 'co.uk',
      subdomain: 'www.a.b.c',
    });
    // A private suffix makes the user's site its own domain.
    const gh = analyseUrl('https://someone.github.io/login');
    expect(gh.details.domain).toBe('someone.github.io');
    expect(gh.row[URL_FEATURE_INDEX.suffix_private]).toBe(1);
    expect(features('http://host.invalidtld/').suffix_unknown).toBe(1);
    expect(features('http://host.tk/').suffix_suspicious).toBe(1);
    expect(features('http://host.com/').suffix_suspicious).toBe(0);
  });

  it('recognises IP hosts in every encoding', () => {
    const cases: [string, 0 | 1, 0 | 1][] = [
      ['http://192.168.0.1/', 1, 0],
      ['http://3232235521/', 1, 1],
      ['http://0xc0a80001/', 1, 1],
      ['http://0300.0250.0.01/', 1, 1],
      ['http://0xc0.168.1/', 1, 1],
      ['http://[2001:db8::1]/', 1, 0],
      ['http://[::ffff:192.168.0.1]/', 1, 1],
      ['http://example.com/', 0, 0],
    ];
    for (const [url, ip, obfuscated] of cases) {
      const f = features(url);
      expect([url, f.host_is_ip, f.ip_obfuscated]).toEqual([url, ip, obfuscated]);
    }
    expect(features('http://[2001:db8::1]/').host_is_ipv6).toBe(1);
    expect(analyseUrl('http://0xc0a80001/').details.ipEncoding).toBe('hex');
    expect(features('http://192.168.0.1/').subdomain_depth).toBe(0);
  });

  it('decodes punycode and flags mixed scripts and raw non-ASCII hosts', () => {
    const homograph = analyseUrl('https://xn--pypal-4ve.com/');
    expect(homograph.row[URL_FEATURE_INDEX.punycode_labels]).toBe(1);
    expect(homograph.row[URL_FEATURE_INDEX.host_mixed_scripts]).toBe(1);
    expect(homograph.details.unicodeHost).toBe('pаypal.com');
    const german = features('https://xn--mnchen-3ya.de/');
    expect([german.punycode_labels, german.host_mixed_scripts]).toEqual([1, 0]);
    const raw = features('https://pаypal.com/');
    expect([raw.host_non_ascii, raw.host_mixed_scripts, raw.punycode_labels]).toEqual([1, 1, 0]);
  });

  it('finds brands outside their own domain, and knows their own', () => {
    const sub = analyseUrl('http://paypal.com.account-check.example.net/');
    expect(sub.details.brandInSubdomain).toBe('paypal');
    expect(sub.row[URL_FEATURE_INDEX.brand_in_subdomain]).toBe(1);
    const dom = analyseUrl('https://secure-paypal-login.com/');
    expect(dom.details.brandInDomain).toBe('paypal');
    const path = analyseUrl('http://evil.example/apple/id/login.html');
    expect(path.details.brandInPath).toBe('apple');
    expect(path.row[URL_FEATURE_INDEX.ext_html]).toBe(1);
    const own = features('https://www.paypal.com/paypal/signin');
    expect([own.brand_official, own.brand_in_subdomain, own.brand_in_domain, own.brand_in_path]).toEqual([
      1, 0, 0, 0,
    ]);
    // A brand in the userinfo counts as outside its domain.
    expect(analyseUrl('http://paypal.com@203.0.113.9/').details.brandInSubdomain).toBe('paypal');
    // Short brand tokens must stand alone: "dhl" in "adhler", "apple" in "pineapple" are no brands.
    expect(features('https://adhler.example/pineapple').brand_in_path).toBe(0);
    expect(features('https://track.example/dhl/parcel').brand_in_path).toBe(1);
    // A brand name on a shared platform is not the brand's own.
    const platform = analyseUrl('https://paypal.github.io/');
    expect([platform.details.officialBrand, platform.details.brandInDomain]).toEqual([null, 'paypal']);
  });

  it('flags shorteners, suspicious words, e-mail addresses and embedded URLs', () => {
    expect(analyseUrl('https://bit.ly/3xYz').details.shortener).toBe('bit.ly');
    expect(features('https://bitly.example/x').shortener).toBe(0);
    const kit = analyseUrl('http://x.example/secure/login.php?cmd=_verify&email=jane.doe@example.org');
    expect(kit.details.suspiciousWords).toEqual(['login', 'verify', 'secure', 'cmd=_']);
    expect(kit.row[URL_FEATURE_INDEX.suspicious_words]).toBe(4);
    expect(kit.row[URL_FEATURE_INDEX.email_in_url]).toBe(1);
    expect(kit.row[URL_FEATURE_INDEX.ext_server_page]).toBe(1);
    expect(features('http://x.example/?u=jane%40example.org').email_in_url).toBe(1);
    expect(features('http://x.example/@user').email_in_url).toBe(0);
    const redirect = features('http://x.example//redirect?to=http://evil.example');
    expect([redirect.double_slash_in_path, redirect.http_in_path]).toEqual([1, 1]);
    expect(features('http://x.example/setup.exe').ext_executable).toBe(1);
  });

  it('handles ports, userinfo, trailing dots and odd input without NaN', () => {
    const f = features('https://user@example.com.:8443/');
    expect([f.has_port, f.port_nonstandard, f.has_userinfo, f.domain_label_length]).toEqual([1, 1, 1, 7]);
    expect(analyseUrl('https://example.com./').details.domain).toBe('example.com');
    expect([
      features('http://example.com:80/').port_nonstandard,
      features('https://example.com:443/').port_nonstandard,
    ]).toEqual([0, 0]);
    expect(features('http://example.com:443/').port_nonstandard).toBe(1);
    for (const odd of [
      '',
      'http://',
      'http://@/',
      '::::',
      'http://[',
      'http://.',
      'x'.repeat(3000),
      '\u0000\uffff',
    ]) {
      const { row } = analyseUrl(odd);
      expect(row.every((v) => Number.isFinite(v))).toBe(true);
    }
  });

  it('writes at an offset and refuses a row that is too short', () => {
    const rows = new Float32Array(URL_FEATURE_COUNT * 2);
    extractUrlFeatures('https://example.com/', rows, URL_FEATURE_COUNT);
    expect(rows[URL_FEATURE_COUNT + URL_FEATURE_INDEX.scheme_https]).toBe(1);
    expect(rows[URL_FEATURE_INDEX.scheme_https]).toBe(0);
    expect(() => extractUrlFeatures('https://example.com/', rows, URL_FEATURE_COUNT + 1)).toThrow(RangeError);
  });
});

describe('describeUrlFeature', () => {
  it('puts features in words an analyst reads', () => {
    const { row, details } = analyseUrl('http://paypal.com.a.b.c.evil.example/login');
    const say = (name: UrlFeatureName) => describeUrlFeature(name, row[URL_FEATURE_INDEX[name]], details);
    expect(say('subdomain_depth')).toBe('many subdomains (5)');
    expect(say('brand_in_subdomain')).toBe("brand 'paypal' in the subdomain, outside its domain");
    expect(say('suspicious_words')).toBe('suspicious words: login');
    expect(say('scheme_https')).toBe('plain HTTP, no TLS');
    const ip = analyseUrl('http://0x7f000001/');
    expect(describeUrlFeature('host_is_ip', 1, ip.details)).toBe('host is an IP address (hex)');
    expect(describeUrlFeature('host_is_ip', 1, analyseUrl('http://10.0.0.1/').details)).toBe(
      'host is an IP address',
    );
    for (let i = 0; i < URL_FEATURE_COUNT; i++) {
      expect(describeUrlFeature(i, row[i], details).length).toBeGreaterThan(5);
    }
  });
});
