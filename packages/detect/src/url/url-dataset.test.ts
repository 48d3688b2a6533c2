import { describe, expect, it } from 'vitest';
import { classifyUrlLabel, createUrlDatasetBuilder } from './url-dataset.js';
import { URL_FEATURE_COUNT, URL_FEATURE_INDEX } from './url-schema.js';

describe('URL dataset builder', () => {
  it('maps label spellings of common URL data sets', () => {
    for (const v of ['benign', 'Legitimate', ' good ', '0']) expect(classifyUrlLabel(v)).toBe('benign');
    for (const v of ['phishing', 'MALICIOUS', 'defacement', 'malware', '1'])
      expect(classifyUrlLabel(v)).toBe('malicious');
    expect(classifyUrlLabel('maybe')).toBeUndefined();
  });

  it('builds features, labels and one group per registrable domain', () => {
    const b = createUrlDatasetBuilder();
    expect(b.push('https://www.example.com/a', 'benign')).toBe(true);
    expect(b.push('https://shop.example.com/b', 'benign')).toBe(true);
    expect(b.push('http://login.evil.example.net/x', 'malicious')).toBe(true);
    expect(b.push('evil.example.net/y', 'malicious')).toBe(true); // no scheme: read as http
    expect(b.push('https://www.example.com/a', 'benign')).toBe(false); // duplicate
    expect(b.push('  ', 'benign')).toBe(false);
    expect(b.push(`https://example.org/${'a'.repeat(2100)}`, 'benign')).toBe(false);
    expect(b.rows).toBe(4);
    const { dataset, groups, stats } = b.finish();
    expect(dataset.nRows).toBe(4);
    expect(dataset.features.length).toBe(URL_FEATURE_COUNT);
    expect(dataset.classNames).toEqual(['benign', 'malicious']);
    expect(Array.from(dataset.labels ?? [])).toEqual([0, 0, 1, 1]);
    expect(Array.from(groups)).toEqual([0, 0, 1, 1]);
    expect(dataset.columns[URL_FEATURE_INDEX.scheme_https][3]).toBe(0);
    expect(stats).toMatchObject({ rows: 7, kept: 4, duplicates: 1, empty: 1, tooLong: 1, domains: 2 });
    expect(stats.perClass).toEqual({ benign: 2, malicious: 2 });
  });

  it('caps the URLs kept per registrable domain', () => {
    const b = createUrlDatasetBuilder({ maxPerDomain: 2 });
    for (let i = 0; i < 5; i++) b.push(`https://big.example/${i}`, 'benign');
    b.push('https://small.example/', 'malicious');
    const { dataset, stats } = b.finish();
    expect(dataset.nRows).toBe(3);
    expect(stats.overDomainCap).toBe(3);
  });
});
