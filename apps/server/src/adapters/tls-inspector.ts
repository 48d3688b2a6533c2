import { X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import type { ScanTls } from '@vigil/contracts';
import type { VettedTarget } from './ssrf-guard.js';

/** What the deep scan reports about a host's TLS certificate (issue #5). */
export type TlsReport = ScanTls;

const DAY = 86_400_000;

/** Signature algorithm from the DER (X509Certificate does not expose it in Node 20). */
function signatureAlgorithm(der: Buffer): string | null {
  const OIDS: Record<string, string> = {
    '2a864886f70d01010b': 'sha256WithRSAEncryption',
    '2a864886f70d01010c': 'sha384WithRSAEncryption',
    '2a864886f70d01010d': 'sha512WithRSAEncryption',
    '2a864886f70d010105': 'sha1WithRSAEncryption',
    '2a864886f70d01010a': 'rsassaPss',
    '2a8648ce3d040302': 'ecdsa-with-SHA256',
    '2a8648ce3d040303': 'ecdsa-with-SHA384',
    '2a8648ce3d040304': 'ecdsa-with-SHA512',
    '2b6570': 'ed25519',
  };
  const hex = der.toString('hex');
  // The signatureAlgorithm sequence follows the TBSCertificate: take the last OID-looking match.
  let found: string | null = null;
  for (const [oid, name] of Object.entries(OIDS)) {
    const at = hex.lastIndexOf(`06${(oid.length / 2).toString(16).padStart(2, '0')}${oid}`);
    if (at >= 0 && (found === null || at > Number(found.split('|')[0]))) found = `${at}|${name}`;
  }
  return found ? found.split('|')[1] : null;
}

export interface TlsInspectOptions {
  timeoutMs?: number;
  now?: Date;
  /** Extra trusted CA certificates (PEM), added to Node's roots: for tests and private PKIs. */
  ca?: string | Buffer | Array<string | Buffer>;
}

/** Connects (to the vetted, pinned address) and reports on the certificate; rejects on network errors. */
export function inspectTls(target: VettedTarget, options: TlsInspectOptions = {}): Promise<TlsReport> {
  const port = Number(target.url.port || 443);
  const now = options.now ?? new Date();
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: target.pinned.address,
      port,
      servername: target.ipHost ? undefined : target.host,
      rejectUnauthorized: false,
      // `ca` replaces the default roots, so the extra CAs are appended to them.
      ca: options.ca === undefined ? undefined : [...tls.rootCertificates, ...[options.ca].flat()],
      timeout: options.timeoutMs ?? 10_000,
    });
    socket.once('timeout', () => socket.destroy(new Error('TLS handshake timed out')));
    socket.once('error', reject);
    socket.once('secureConnect', () => {
      try {
        const peer = socket.getPeerCertificate(false);
        if (!peer?.raw) throw new Error('the server sent no certificate');
        const x509 = new X509Certificate(peer.raw);
        const problems: string[] = [];
        // A wrong name alone shows as ERR_TLS_CERT_ALTNAME_INVALID: the host check below says it in words.
        const chainError = socket.authorized ? null : socket.authorizationError;
        if (chainError && String(chainError) !== 'ERR_TLS_CERT_ALTNAME_INVALID')
          problems.push(String(chainError));
        const mismatch = tls.checkServerIdentity(target.host, peer);
        if (mismatch) problems.push(`host mismatch: ${mismatch.message}`);
        const validFrom = new Date(x509.validFrom);
        const validTo = new Date(x509.validTo);
        const key = x509.publicKey;
        const details = key.asymmetricKeyDetails;
        const keyBits =
          details?.modulusLength ?? (details?.namedCurve ? curveBits(details.namedCurve) : null);
        resolve({
          valid: problems.length === 0,
          problems,
          protocol: socket.getProtocol(),
          cipher: socket.getCipher()?.name ?? null,
          subject: x509.subject.replaceAll('\n', ', '),
          issuer: x509.issuer.replaceAll('\n', ', '),
          subjectAltNames: (x509.subjectAltName ?? '').split(', ').filter(Boolean),
          hostMatches: !mismatch,
          validFrom: validFrom.toISOString(),
          validTo: validTo.toISOString(),
          daysToExpiry: Math.floor((validTo.getTime() - now.getTime()) / DAY),
          ageDays: Math.floor((now.getTime() - validFrom.getTime()) / DAY),
          selfSigned: x509.checkIssued(x509) && x509.verify(key),
          keyType: key.asymmetricKeyType ?? null,
          keyBits,
          signatureAlgorithm: signatureAlgorithm(peer.raw),
          fingerprint256: x509.fingerprint256,
        });
      } catch (err) {
        reject(err);
      } finally {
        socket.destroy();
      }
    });
  });
}

function curveBits(curve: string): number | null {
  const m = /(\d{3})/.exec(curve);
  return m ? Number(m[1]) : null;
}
