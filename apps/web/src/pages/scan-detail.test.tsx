// @vitest-environment happy-dom
import { act } from 'react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ScanDetail, ScanReport } from '../lib/scans';
import { type Rendered, render } from '../test/render';
import { ScanDetailPage } from './scan-detail';

let view: Rendered | undefined;
afterEach(() => {
  view?.unmount();
  vi.unstubAllGlobals();
});

const BASE: ScanDetail = {
  id: '6f1c1f1e-0000-4000-8000-000000000001',
  url: 'http://127.0.0.1/admin',
  state: 'done',
  riskScore: 45,
  verdict: 'suspicious',
  error: null,
  hasScreenshot: false,
  createdBy: 'user:alice',
  createdAt: '2026-11-30T10:00:00Z',
  startedAt: '2026-11-30T10:00:01Z',
  finishedAt: '2026-11-30T10:00:02Z',
  report: null,
};

async function show(scan: ScanDetail | { status: number; error: { code: string; message: string } }) {
  const answer =
    'status' in scan
      ? new Response(JSON.stringify({ error: scan.error }), { status: scan.status })
      : new Response(JSON.stringify(scan), { status: 200 });
  const fetch = vi.fn(async () => answer.clone());
  vi.stubGlobal('fetch', fetch);
  view = render(
    <MemoryRouter initialEntries={[`/scans/${BASE.id}`]}>
      <Routes>
        <Route path="scans/:id" element={<ScanDetailPage />} />
      </Routes>
    </MemoryRouter>,
  );
  await act(async () => {
    await new Promise((r) => setTimeout(r, 10));
  });
  return { container: view.container, fetch };
}

const REFUSED: Partial<ScanReport> = {
  url: BASE.url,
  refused: { reason: 'loopback', message: '127.0.0.1 is a loopback address' },
  redirectChain: [],
  reasons: [
    { code: 'refused', text: '127.0.0.1 is a loopback address', weight: 0 },
    { code: 'ip-host', text: 'the link or its final page uses an IP address as host', weight: 15 },
  ],
  riskScore: 45,
  verdict: 'suspicious',
  screenshot: { available: false, reason: 'the target was refused', bytes: 0 },
  reputation: [],
  passwordForms: [],
  dns: null,
  tls: null,
  tlsError: null,
};

describe('scan detail page', () => {
  it('shows why a refused scan was refused, its reasons, and why there is no screenshot', async () => {
    const { container, fetch } = await show({ ...BASE, report: REFUSED });
    expect(fetch).toHaveBeenCalledWith(`/api/v1/scans/${BASE.id}`, expect.anything());
    expect(container.querySelector('[data-testid="scan-refused"]')?.textContent).toContain(
      '127.0.0.1 is a loopback address',
    );
    const reasons = [...container.querySelectorAll('[data-testid="scan-reasons"] tbody tr')].map(
      (tr) => tr.textContent,
    );
    expect(reasons).toEqual([
      '127.0.0.1 is a loopback address—',
      'the link or its final page uses an IP address as host+15',
    ]);
    expect(container.textContent).toContain('No screenshot: the target was refused');
    expect(container.querySelector('img')).toBeNull();
  });

  it('shows the chain, certificate problems, forms and the screenshot of a done scan', async () => {
    const report: Partial<ScanReport> = {
      ...REFUSED,
      refused: null,
      redirectChain: [
        { url: 'https://a.test/', status: 302, address: '192.0.2.1', location: '/b', via: 'initial', ms: 12 },
        {
          url: 'https://a.test/b',
          status: 200,
          address: '192.0.2.1',
          location: null,
          via: 'meta-refresh',
          ms: 8,
        },
      ],
      tls: {
        valid: false,
        problems: ['DEPTH_ZERO_SELF_SIGNED_CERT'],
        protocol: 'TLSv1.3',
        cipher: null,
        subject: 'CN=a.test',
        issuer: 'CN=a.test',
        subjectAltNames: ['a.test'],
        hostMatches: true,
        validFrom: '2026-11-01T00:00:00Z',
        validTo: '2026-12-05T00:00:00Z',
        daysToExpiry: 5,
        ageDays: 29,
        selfSigned: true,
        keyType: 'rsa',
        keyBits: 2048,
        signatureAlgorithm: 'sha256WithRSAEncryption',
        fingerprint256: 'AA',
      },
      passwordForms: [{ action: 'http://evil.test/post', method: 'post', crossDomain: true, insecure: true }],
    };
    const { container } = await show({ ...BASE, hasScreenshot: true, report });
    const hops = [...container.querySelectorAll('[data-testid="scan-chain"] tbody tr')].map((tr) =>
      [...tr.querySelectorAll('td')].map((td) => td.textContent),
    );
    expect(hops).toEqual([
      ['1', 'first request', '302', 'https://a.test/', '192.0.2.1', '12 ms'],
      ['2', 'meta refresh', '200', 'https://a.test/b', '192.0.2.1', '8 ms'],
    ]);
    expect(container.textContent).toContain('not valid: self-signed; DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(container.textContent).toContain('in 5 days');
    expect(container.querySelector('[data-testid="scan-forms"] tbody tr')?.textContent).toBe(
      'http://evil.test/postPOSTanother site, plain HTTP',
    );
    expect(container.querySelector('img')?.getAttribute('src')).toBe(`/api/v1/scans/${BASE.id}/screenshot`);
    expect(container.querySelector('[data-testid="scan-refused"]')).toBeNull();
  });

  it('says so while the scan runs, and when there is no such scan', async () => {
    const running = await show({ ...BASE, state: 'running', verdict: null, riskScore: null });
    expect(running.container.textContent).toContain('Scanning… this page updates by itself.');
    view?.unmount();
    view = undefined;
    const missing = await show({ status: 404, error: { code: 'NOT_FOUND', message: 'scan x not found' } });
    expect(missing.container.querySelector('[role="alert"]')?.textContent).toContain('No such scan');
  });
});
