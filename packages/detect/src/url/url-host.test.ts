import { describe, expect, it } from 'vitest';
import { decodePunycode, ipEncoding, isMixedScript } from './url-host.js';

describe('ipEncoding', () => {
  it.each([
    ['127.0.0.1', 'dotted'],
    ['192.168.1.1', 'dotted'],
    ['192.168.1.1.', 'dotted'],
    ['0.0.0.0', 'dotted'],
    ['0', 'decimal'],
    ['3232235777', 'decimal'],
    ['2130706433', 'decimal'],
    ['0x7f000001', 'hex'],
    ['0X7F000001', 'hex'],
    ['0x7f.0x0.0x0.0x1', 'hex'],
    ['0177.0.0.01', 'octal'],
    ['017700000001', 'octal'],
    ['0x7f.1', 'mixed'],
    ['127.1', 'mixed'],
    ['127.0.1', 'mixed'],
    ['0x7f.0.0.1', 'mixed'],
    ['0177.0x0.0.1', 'mixed'],
    ['[::1]', 'ipv6'],
    ['[2001:db8::8a2e:370:7334]', 'ipv6'],
    ['[::ffff:127.0.0.1]', 'ipv4-mapped-ipv6'],
    ['[::ffff:7f00:1]', 'ipv4-mapped-ipv6'],
    ['[0:0:0:0:0:ffff:7f00:1]', 'ipv4-mapped-ipv6'],
  ])('%s is %s', (host, encoding) => {
    expect(ipEncoding(host)).toBe(encoding);
  });

  it.each([
    'example.com',
    'deadbeef',
    '1.2.3.example',
    '0xa.com',
    '256.1.1.1',
    '1.2.3.4.5',
    '4294967296',
    '1..2.3',
    '08.1.1.1',
    '',
    '.',
    '[example]',
    '[::1',
    'xn--80ak6aa92e.com',
  ])('%s is not an IP address', (host) => {
    expect(ipEncoding(host)).toBe('none');
  });

  it('accepts the largest value the last part can hold', () => {
    expect(ipEncoding('4294967295')).toBe('decimal');
    expect(ipEncoding('1.16777215')).toBe('mixed');
    expect(ipEncoding('1.16777216')).toBe('none');
  });
});

describe('decodePunycode', () => {
  it('decodes IDN labels (RFC 3492)', () => {
    expect(decodePunycode('pypal-4ve')).toBe('pаypal'); // Cyrillic а
    expect(decodePunycode('mnchen-3ya')).toBe('münchen');
    expect(decodePunycode('80ak6aa92e')).toBe('аррӏе'); // Cyrillic look-alike of "apple"
    expect(decodePunycode('wgv71a119e')).toBe('日本語');
    expect(decodePunycode('bcher-kva')).toBe('bücher');
  });

  it('refuses input that is not Punycode', () => {
    expect(decodePunycode('abc-!!')).toBeNull();
    expect(decodePunycode('abc-z')).toBeNull();
    expect(decodePunycode('ü-abc')).toBeNull();
  });
});

describe('isMixedScript', () => {
  it('flags Latin mixed with Cyrillic, Greek or Armenian', () => {
    expect(isMixedScript('pаypal')).toBe(true);
    expect(isMixedScript('gοogle')).toBe(true); // Greek omicron
    expect(isMixedScript('аррӏе')).toBe(false); // all Cyrillic: one script
  });

  it('accepts one script, accented Latin and Latin with CJK', () => {
    expect(isMixedScript('paypal')).toBe(false);
    expect(isMixedScript('münchen-2024')).toBe(false);
    expect(isMixedScript('日本語')).toBe(false);
    expect(isMixedScript('abc日本')).toBe(false);
    expect(isMixedScript('яндекс日本')).toBe(true);
  });
});
