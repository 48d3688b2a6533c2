import { describe, expect, it } from 'vitest';
import {
  certificateStatus,
  dnsRows,
  expiryText,
  hopKind,
  isScanActive,
  keyText,
  type Scan,
  type ScanTls,
  scanStateText,
} from './scans';

const TLS: ScanTls = {
  valid: true,
  problems: [],
  protocol: 'TLSv1.3',
  cipher: 'TLS_AES_128_GCM_SHA256',
  subject: 'CN=example.com',
  issuer: 'CN=R3, O=Let’s Encrypt',
  subjectAltNames: ['example.com', 'www.example.com'],
  hostMatches: true,
  validFrom: '2026-01-01T00:00:00Z',
  validTo: '2026-04-01T00:00:00Z',
  daysToExpiry: 40,
  ageDays: 50,
  selfSigned: false,
  keyType: 'rsa',
  keyBits: 2048,
  signatureAlgorithm: 'sha256WithRSAEncryption',
  fingerprint256: 'AA:BB',
};

describe('scan report helpers', () => {
  it('polls only queued and running scans', () => {
    expect(isScanActive({ state: 'queued' })).toBe(true);
    expect(isScanActive({ state: 'running' })).toBe(true);
    expect(isScanActive({ state: 'done' })).toBe(false);
    expect(isScanActive({ state: 'failed' })).toBe(false);
  });

  it('says why a certificate is not valid, without repeating the chain error', () => {
    expect(certificateStatus(TLS)).toEqual({ ok: true, text: 'valid' });
    expect(
      certificateStatus({
        ...TLS,
        valid: false,
        selfSigned: true,
        hostMatches: false,
        problems: ['DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate'],
      }).text,
    ).toBe('not valid: self-signed; does not name this host');
    expect(
      certificateStatus({ ...TLS, valid: false, daysToExpiry: -3, problems: ['CERT_HAS_EXPIRED'] }),
    ).toEqual({
      ok: false,
      text: 'not valid: expired 3 days ago; CERT_HAS_EXPIRED',
    });
    expect(certificateStatus({ ...TLS, valid: false }).text).toBe('not valid: the chain is not trusted');
  });

  it('writes keys, expiry and hop kinds in words', () => {
    expect(keyText(TLS)).toBe('RSA 2048');
    expect(keyText({ ...TLS, keyType: 'ec', keyBits: null })).toBe('EC');
    expect(keyText({ ...TLS, keyType: null })).toBe('—');
    expect(expiryText(1)).toBe('in 1 day');
    expect(expiryText(0)).toBe('expires today');
    expect(expiryText(-1)).toBe('expired 1 day ago');
    expect(hopKind('meta-refresh')).toBe('meta refresh');
    expect(hopKind('script')).toBe('script navigation');
    expect(hopKind('something-new')).toBe('something-new');
  });

  it('lists DNS answers by type, MX by priority, errors last', () => {
    expect(
      dnsRows({
        a: ['93.184.216.34'],
        aaaa: [],
        cname: [],
        mx: [
          { exchange: 'mx2.example.com', priority: 20 },
          { exchange: 'mx1.example.com', priority: 10 },
        ],
        ns: ['a.iana-servers.net'],
        errors: { aaaa: 'ETIMEOUT' },
      }),
    ).toEqual([
      ['A', '93.184.216.34'],
      ['MX', '10 mx1.example.com'],
      ['MX', '20 mx2.example.com'],
      ['NS', 'a.iana-servers.net'],
      ['AAAA', 'error: ETIMEOUT'],
    ]);
  });

  it('names a failed scan’s error in the list', () => {
    const scan = { state: 'failed', error: 'the browser crashed' } as Scan;
    expect(scanStateText(scan)).toBe('failed: the browser crashed');
    expect(scanStateText({ ...scan, state: 'done', error: null })).toBe('done');
  });
});
