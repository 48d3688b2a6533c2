import { describe, expect, it } from 'vitest';
import { queryString } from '../api/client';
import {
  emptyFilters,
  filtersFromSearch,
  filtersToApiQuery,
  filtersToSearch,
  isoToLocalInput,
  localInputToIso,
  validateFilters,
  yesterdayAlertsLink,
} from './history-query';

describe('history filters ↔ query string', () => {
  it('writes only the filters that are set, in a stable order, leaving the default sort out', () => {
    const f = {
      ...emptyFilters(),
      ip: '10.0.0.5',
      verdict: 'attack' as const,
      q: 'port scan',
      minScore: '50',
    };
    expect(filtersToSearch(f).toString()).toBe('verdict=attack&minScore=50&ip=10.0.0.5&q=port+scan');
    expect(filtersToSearch({ ...f, sort: 'risk_score:desc' }).get('sort')).toBe('risk_score:desc');
  });

  it('reads back what it wrote, and ignores unknown keys and bad enum values', () => {
    const f = {
      ...emptyFilters(),
      from: '2026-03-03T00:00:00.000Z',
      to: '2026-03-04T00:00:00.000Z',
      srcIp: '10.0.0.1',
      dstIp: '::1',
      category: 'DoS',
      maxScore: '90',
      modelId: 'm-1',
      kind: 'synthetic-flows',
      sort: 'probability:asc',
    };
    expect(filtersFromSearch(filtersToSearch(f))).toEqual(f);
    const odd = filtersFromSearch(
      new URLSearchParams('verdict=maybe&sort=id:asc&colour=red&ip=%2010.0.0.9%20'),
    );
    expect(odd).toEqual({ ...emptyFilters(), ip: '10.0.0.9' });
  });

  it('sends every filter, the page size and cursor to the API', () => {
    const f = { ...emptyFilters(), verdict: 'benign' as const, ip: '10.0.0.5' };
    expect(queryString(filtersToApiQuery(f, { limit: 50, cursor: 'abc' }))).toBe(
      '?verdict=benign&ip=10.0.0.5&sort=created_at%3Adesc&limit=50&cursor=abc',
    );
    expect(filtersToApiQuery(f)).toEqual({ verdict: 'benign', ip: '10.0.0.5', sort: 'created_at:desc' });
  });

  it('links to yesterday’s alerts (local calendar day) from one address', () => {
    const now = new Date(2026, 2, 4, 15, 30); // 4 March 2026, 15:30 local
    const url = new URL(yesterdayAlertsLink(now, '10.0.0.5'), 'http://x');
    expect(url.pathname).toBe('/history');
    const f = filtersFromSearch(url.searchParams);
    expect(f.verdict).toBe('attack');
    expect(f.ip).toBe('10.0.0.5');
    expect(new Date(f.from).getTime()).toBe(new Date(2026, 2, 3).getTime());
    expect(new Date(f.to).getTime()).toBe(new Date(2026, 2, 4).getTime());
  });

  it('names the field to fix before the request is sent', () => {
    expect(validateFilters(emptyFilters())).toEqual({});
    const errors = validateFilters({
      ...emptyFilters(),
      ip: '10.0.0.999',
      srcIp: 'fe80::1',
      minScore: '70',
      maxScore: '20',
      from: '2026-03-05T00:00:00Z',
      to: '2026-03-04T00:00:00Z',
    });
    expect(Object.keys(errors).sort()).toEqual(['from', 'ip', 'minScore']);
    expect(validateFilters({ ...emptyFilters(), maxScore: '101' }).maxScore).toMatch(/0 to 100/);
  });

  it('converts between datetime-local values and ISO timestamps', () => {
    const iso = localInputToIso('2026-03-04T05:06');
    expect(new Date(iso).getTime()).toBe(new Date(2026, 2, 4, 5, 6).getTime());
    expect(isoToLocalInput(iso)).toBe('2026-03-04T05:06');
    expect(localInputToIso('')).toBe('');
    expect(isoToLocalInput('nonsense')).toBe('');
  });
});
