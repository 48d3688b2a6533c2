import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllowList, SsrfGuard } from '../src/adapters/ssrf-guard.js';
import { inspectTls } from '../src/adapters/tls-inspector.js';

/**
 * The TLS inspector against a private PKI made here with openssl: a root CA, an intermediate it
 * signs, and leaves the intermediate signs (valid, expired). Servers send leaf + intermediate; the
 * inspector is given the root as an extra trusted CA. Every name resolves to 127.0.0.1.
 */

const run = promisify(execFile);
const DAY = 86_400_000;

/** openssl ca's date format (YYYYMMDDHHMMSSZ). */
const asn1Date = (d: Date) => `${d.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;

const EXTENSIONS = `
[ ca_ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ leaf_ext ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`;

class TestPki {
  constructor(private readonly dir: string) {}

  private path(name: string) {
    return join(this.dir, name);
  }

  async root(name: string): Promise<void> {
    await writeFile(this.path('ext.cnf'), `[ req ]\ndistinguished_name = dn\n[ dn ]\n${EXTENSIONS}`);
    // biome-ignore format: openssl argument pairs
    await run('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '30',
      '-keyout', this.path(`${name}.key`), '-out', this.path(`${name}.pem`),
      '-subj', `/O=Vigil Tests/CN=${name}`,
      '-config', this.path('ext.cnf'), '-extensions', 'ca_ext',
    ]);
  }

  /** Signs a new key for `cn` with the CA `issuer`; `days` [from, to] relative to now. */
  async issue(
    issuer: string,
    name: string,
    cn: string,
    opts: { ca?: boolean; san?: string; days: [number, number] },
  ): Promise<void> {
    const cnf = this.path(`${issuer}.cnf`);
    await writeFile(this.path(`${issuer}.index`), '', { flag: 'a' });
    await writeFile(
      cnf,
      `[ ca ]\ndefault_ca = this\n[ this ]\ndatabase = ${this.path(`${issuer}.index`)}\n` +
        `new_certs_dir = ${this.dir}\ncertificate = ${this.path(`${issuer}.pem`)}\n` +
        `private_key = ${this.path(`${issuer}.key`)}\nrand_serial = yes\ndefault_md = sha256\n` +
        `policy = any\nunique_subject = no\ncopy_extensions = copy\n[ any ]\ncommonName = supplied\n` +
        `organizationName = optional\n${EXTENSIONS}`,
    );
    // biome-ignore format: openssl argument pairs
    await run('openssl', [
      'req', '-newkey', 'rsa:2048', '-nodes', '-keyout', this.path(`${name}.key`),
      '-out', this.path(`${name}.csr`), '-subj', `/O=Vigil Tests/CN=${cn}`,
      ...(opts.san ? ['-addext', `subjectAltName=${opts.san}`] : []),
    ]);
    const now = Date.now();
    // biome-ignore format: openssl argument pairs
    await run('openssl', [
      'ca', '-batch', '-notext', '-config', cnf, '-extensions', opts.ca ? 'ca_ext' : 'leaf_ext',
      '-startdate', asn1Date(new Date(now + opts.days[0] * DAY)),
      '-enddate', asn1Date(new Date(now + opts.days[1] * DAY)),
      '-in', this.path(`${name}.csr`), '-out', this.path(`${name}.pem`),
    ]);
  }

  read(name: string, ext: 'pem' | 'key'): Promise<Buffer> {
    return readFile(this.path(`${name}.${ext}`));
  }
}

async function serve(key: Buffer, chain: Buffer[]): Promise<https.Server> {
  const server = https.createServer({ key, cert: Buffer.concat(chain) }, (_req, res) => res.end('ok'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

describe('TLS inspector with a private CA', () => {
  let dir: string;
  let rootPem: Buffer;
  const servers: Record<string, https.Server> = {};
  // Every name resolves to the local servers; the allowlist lets the guard vet 127.0.0.1.
  const guard = new SsrfGuard({
    allow: parseAllowList('127.0.0.1'),
    resolve: async () => [{ address: '127.0.0.1', family: 4 }],
  });
  const target = (name: string, host: string) =>
    guard.vet(`https://${host}:${(servers[name].address() as AddressInfo).port}/`);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-tls-'));
    const pki = new TestPki(dir);
    await pki.root('Vigil Test Root CA');
    await pki.issue('Vigil Test Root CA', 'intermediate', 'Vigil Test Intermediate CA', {
      ca: true,
      days: [-2, 60],
    });
    await pki.issue('intermediate', 'good', 'good.test', {
      san: 'DNS:good.test,DNS:www.good.test',
      days: [-1, 20],
    });
    await pki.issue('intermediate', 'expired', 'expired.test', {
      san: 'DNS:expired.test',
      days: [-40, -10],
    });
    rootPem = await pki.read('Vigil Test Root CA', 'pem');
    const intermediate = await pki.read('intermediate', 'pem');
    for (const name of ['good', 'expired']) {
      servers[name] = await serve(await pki.read(name, 'key'), [await pki.read(name, 'pem'), intermediate]);
    }
  }, 60_000);

  afterAll(async () => {
    for (const s of Object.values(servers)) s.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reports a valid chain from a trusted test CA', async () => {
    const report = await inspectTls(await target('good', 'good.test'), { ca: rootPem });
    expect(report.problems).toEqual([]);
    expect(report.valid).toBe(true);
    expect(report.hostMatches).toBe(true);
    expect(report.subject).toContain('CN=good.test');
    expect(report.issuer).toContain('CN=Vigil Test Intermediate CA');
    expect(report.subjectAltNames).toEqual(['DNS:good.test', 'DNS:www.good.test']);
    expect(report.selfSigned).toBe(false);
    expect(report.daysToExpiry).toBeGreaterThanOrEqual(19);
    expect(report.daysToExpiry).toBeLessThanOrEqual(20);
    expect(report.ageDays).toBe(1);
    expect(report.keyType).toBe('rsa');
    expect(report.keyBits).toBe(2048);
    expect(report.signatureAlgorithm).toBe('sha256WithRSAEncryption');
    expect(report.protocol).toMatch(/^TLSv1\.[23]$/);
  });

  it('does not trust the same chain without the test CA', async () => {
    const report = await inspectTls(await target('good', 'good.test'));
    expect(report.valid).toBe(false);
    expect(report.hostMatches).toBe(true);
    expect(report.problems).toEqual(['UNABLE_TO_GET_ISSUER_CERT_LOCALLY']);
  });

  it('reports an expired certificate with negative days to expiry', async () => {
    const report = await inspectTls(await target('expired', 'expired.test'), { ca: rootPem });
    expect(report.valid).toBe(false);
    expect(report.problems).toEqual(['CERT_HAS_EXPIRED']);
    expect(report.hostMatches).toBe(true);
    expect(report.daysToExpiry).toBeLessThan(0);
    expect(report.daysToExpiry).toBeGreaterThanOrEqual(-11);
    expect(report.daysToExpiry).toBeLessThanOrEqual(-10);
    expect(report.ageDays).toBe(40);
    expect(report.subject).toContain('CN=expired.test');
    expect(report.issuer).toContain('CN=Vigil Test Intermediate CA');
  });

  it('reports a certificate for another host (SAN mismatch)', async () => {
    const report = await inspectTls(await target('good', 'phish.example'), { ca: rootPem });
    expect(report.valid).toBe(false);
    expect(report.hostMatches).toBe(false);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatch(/^host mismatch: .*phish\.example.*DNS:good\.test/);
    // The chain itself is fine: only the name is wrong.
    expect(report.subject).toContain('CN=good.test');
    expect(report.subjectAltNames).not.toContain('DNS:phish.example');
  });
});
