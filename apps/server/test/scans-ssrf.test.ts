import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardedFetch } from '../src/adapters/pinned-http-client.js';
import { embeddedIpv4, parseAllowList, SsrfError, SsrfGuard } from '../src/adapters/ssrf-guard.js';

async function reasonOf(guard: SsrfGuard, url: string): Promise<string> {
  try {
    await guard.vet(url);
    return 'allowed';
  } catch (err) {
    expect(err).toBeInstanceOf(SsrfError);
    expect((err as Error).message).toMatch(/refused|cannot resolve/);
    return (err as SsrfError).reason;
  }
}

describe('SSRF guard: refused address classes', () => {
  const guard = new SsrfGuard({ resolve: async () => [{ address: '93.184.216.34', family: 4 }] });
  it.each([
    ['http://127.0.0.1/', 'loopback'],
    ['http://127.255.0.9:8080/x', 'loopback'],
    ['http://[::1]/', 'loopback'],
    ['http://10.1.2.3/', 'private'],
    ['http://172.16.0.1/', 'private'],
    ['http://172.31.255.255/', 'private'],
    ['http://192.168.1.1/', 'private'],
    ['http://[fc00::1]/', 'private'],
    ['http://[fd12:3456::1]/', 'private'],
    ['http://169.254.1.1/', 'link-local'],
    ['http://[fe80::1]/', 'link-local'],
    ['http://100.64.0.1/', 'cgnat'],
    ['http://100.127.255.254/', 'cgnat'],
    ['http://224.0.0.1/', 'multicast'],
    ['http://239.255.255.250/', 'multicast'],
    ['http://[ff02::1]/', 'multicast'],
    ['http://0.0.0.0/', 'unspecified'],
    ['http://0.1.2.3/', 'unspecified'],
    ['http://[::]/', 'unspecified'],
    ['http://240.0.0.1/', 'reserved'],
    ['http://255.255.255.255/', 'broadcast'],
    ['http://169.254.169.254/latest/meta-data/', 'cloud-metadata'],
    ['http://[fd00:ec2::254]/', 'cloud-metadata'],
    // IPv4-mapped, translated, compatible and NAT64 IPv6 forms of refused IPv4 addresses.
    ['http://[::ffff:127.0.0.1]/', 'ipv4-in-ipv6:loopback'],
    ['http://[::ffff:7f00:1]/', 'ipv4-in-ipv6:loopback'],
    ['http://[::ffff:a9fe:a9fe]/', 'ipv4-in-ipv6:cloud-metadata'],
    ['http://[::ffff:10.0.0.1]/', 'ipv4-in-ipv6:private'],
    ['http://[::ffff:0:127.0.0.1]/', 'ipv4-in-ipv6:loopback'],
    ['http://[::127.0.0.1]/', 'ipv4-in-ipv6:loopback'],
    ['http://[64:ff9b::10.0.0.1]/', 'ipv4-in-ipv6:private'],
    // IPv4 literals in every encoding the WHATWG parser (and browsers) accept.
    ['http://2130706433/', 'loopback'],
    ['http://0x7f000001/', 'loopback'],
    ['http://0x7f.0x0.0x0.0x1/', 'loopback'],
    ['http://0177.0.0.1/', 'loopback'],
    ['http://017700000001/', 'loopback'],
    ['http://127.1/', 'loopback'],
    ['http://127.0.1/', 'loopback'],
    ['http://0/', 'unspecified'],
    ['http://0xa9fea9fe/', 'cloud-metadata'],
    ['http://2852039166/', 'cloud-metadata'],
    ['http://0251.0376.0251.0376/', 'cloud-metadata'],
    ['http://127.0.0.1./', 'loopback'],
    ['http://LOCALHOST.localdomain.invalid@127.0.0.1/', 'credentials'],
    ['file:///etc/passwd', 'scheme'],
    ['gopher://127.0.0.1:6379/', 'scheme'],
    ['not a url', 'bad-url'],
  ])('%s → %s', async (url, reason) => {
    expect(await reasonOf(guard, url)).toBe(reason);
  });

  it('allows public addresses', async () => {
    expect(await reasonOf(guard, 'http://8.8.8.8/')).toBe('allowed');
    expect(await reasonOf(guard, 'http://[2606:4700::1111]/')).toBe('allowed');
    expect(await reasonOf(guard, 'https://example.com/')).toBe('allowed');
  });

  it('finds the IPv4 address inside IPv6 forms', () => {
    expect(embeddedIpv4('::ffff:7f00:1')).toBe('127.0.0.1');
    expect(embeddedIpv4('64:ff9b::a00:1')).toBe('10.0.0.1');
    expect(embeddedIpv4('2001:db8::1')).toBeNull();
    expect(embeddedIpv4('::1')).toBeNull();
  });
});

describe('SSRF guard: names resolving to refused addresses', () => {
  it('refuses localhost through the real resolver', async () => {
    expect(await reasonOf(new SsrfGuard(), 'http://localhost:9/')).toMatch(/loopback$/);
  });

  it('refuses a name when any of its answers is refused', async () => {
    const guard = new SsrfGuard({
      resolve: async () => [
        { address: '93.184.216.34', family: 4 },
        { address: '10.0.0.5', family: 4 },
      ],
    });
    expect(await reasonOf(guard, 'http://mixed.example/')).toBe('private');
  });

  it('refuses AAAA answers in mapped form', async () => {
    const guard = new SsrfGuard({ resolve: async () => [{ address: '::ffff:169.254.169.254', family: 6 }] });
    expect(await reasonOf(guard, 'http://meta.example/')).toBe('ipv4-in-ipv6:cloud-metadata');
  });

  it('reports a name that does not resolve', async () => {
    const guard = new SsrfGuard({ resolve: async () => [] });
    expect(await reasonOf(guard, 'http://nothing.example/')).toBe('dns');
  });

  it('the allowlist opens only the listed ranges', async () => {
    const guard = new SsrfGuard({ allow: parseAllowList('127.0.0.1/32, ::1') });
    expect(await reasonOf(guard, 'http://127.0.0.1/')).toBe('allowed');
    expect(await reasonOf(guard, 'http://[::1]/')).toBe('allowed');
    expect(await reasonOf(guard, 'http://127.0.0.2/')).toBe('loopback');
    expect(await reasonOf(guard, 'http://169.254.169.254/')).toBe('cloud-metadata');
    expect(() => parseAllowList('127.0.0.1/40')).toThrow(/CIDR/);
  });
});

describe('guarded fetch: pinned address and redirect hops', () => {
  let server: http.Server;
  let port = 0;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/to-loopback') {
        res.writeHead(302, { location: 'http://127.0.0.2:9/secret' }).end();
      } else if (req.url === '/to-metadata') {
        res.writeHead(301, { location: 'http://0xa9fea9fe/latest/meta-data/' }).end();
      } else if (req.url?.startsWith('/loop')) {
        const n = Number(req.url.slice(5) || 0);
        res.writeHead(302, { location: `/loop${n + 1}` }).end();
      } else if (req.url === '/big') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(Buffer.alloc(64 * 1024, 97));
      } else {
        res.writeHead(200, { 'content-type': 'text/html', host: String(req.headers.host) });
        res.end(`<title>ok</title>${req.headers.host}`);
      }
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const allowOne = () => new SsrfGuard({ allow: parseAllowList('127.0.0.1/32') });

  it('refuses a redirect from an allowed host to a loopback address', async () => {
    const result = await guardedFetch(allowOne(), `http://127.0.0.1:${port}/to-loopback`);
    expect(result.final).toBeNull();
    expect(result.error?.reason).toBe('loopback');
    expect(result.hops.map((h) => h.status)).toEqual([302, null]);
    expect(result.hops[1].url).toBe('http://127.0.0.2:9/secret');
  });

  it('refuses a redirect to the metadata address written in hex', async () => {
    const result = await guardedFetch(allowOne(), `http://127.0.0.1:${port}/to-metadata`);
    expect(result.error?.reason).toBe('cloud-metadata');
  });

  it('stops after the redirect limit', async () => {
    const limits = { maxRedirects: 3, timeoutMs: 5000, maxBodyBytes: 1000 };
    const result = await guardedFetch(allowOne(), `http://127.0.0.1:${port}/loop`, limits);
    expect(result.error?.reason).toBe('too-many-redirects');
    expect(result.hops).toHaveLength(4);
  });

  it('caps the body size', async () => {
    const limits = { maxRedirects: 3, timeoutMs: 5000, maxBodyBytes: 1000 };
    const result = await guardedFetch(allowOne(), `http://127.0.0.1:${port}/big`, limits);
    expect(result.final?.body.length).toBe(1000);
    expect(result.final?.truncated).toBe(true);
  });

  it('connects to the vetted address, not a second DNS answer (rebinding)', async () => {
    let calls = 0;
    // First answer: the allowed test server; any later lookup would say 10.0.0.1.
    const guard = new SsrfGuard({
      allow: parseAllowList('127.0.0.1/32'),
      resolve: async () => [{ address: calls++ === 0 ? '127.0.0.1' : '10.0.0.1', family: 4 }],
    });
    const result = await guardedFetch(guard, `http://rebind.test:${port}/`);
    expect(result.error).toBeNull();
    expect(calls).toBe(1);
    expect(result.hops[0].address).toBe('127.0.0.1');
    expect(result.final?.body.toString()).toContain(`rebind.test:${port}`);
  });

  it('a resolver that changes its answer between hops is vetted again', async () => {
    let calls = 0;
    const guard = new SsrfGuard({
      allow: parseAllowList('127.0.0.1/32'),
      resolve: async () => [{ address: calls++ === 0 ? '127.0.0.1' : '10.0.0.1', family: 4 }],
    });
    const result = await guardedFetch(guard, `http://rebind.test:${port}/loop`);
    expect(result.error?.reason).toBe('private');
    expect(result.hops[0].status).toBe(302);
  });
});
