// Deep URL scans (GET/POST /api/v1/scans): the report's shape as the server writes it, and the
// pure helpers the scans pages use (kept here so they are tested without a browser).

import type { ScanDns, ScanHop, ScanReport, ScanTls } from '@vigil/contracts';
import type { Scan, ScanDetailDto, ScanState } from '../api/types';

// The report's shape is the server's own, from @vigil/contracts (the API documents it as an open object).
export type {
  ScanDns,
  ScanHop,
  ScanReason,
  ScanReport,
  ScanReputation,
  ScanTls,
  ScanVerdict,
} from '@vigil/contracts';
export type { Scan, ScanState };

/** A scan with its report; the API documents the report as an open object, read here as a ScanReport. */
export interface ScanDetail extends Omit<ScanDetailDto, 'report'> {
  report: Partial<ScanReport> | null;
}

/** Whether the scan may still change (the list and detail poll while it may). */
export function isScanActive(scan: Pick<Scan, 'state'>): boolean {
  return scan.state === 'queued' || scan.state === 'running';
}

const HOP_KINDS: Record<ScanHop['via'], string> = {
  initial: 'first request',
  http: 'HTTP redirect',
  'meta-refresh': 'meta refresh',
  script: 'script navigation',
};

/** How a hop of the redirect chain was reached, in words. */
export function hopKind(via: string): string {
  return HOP_KINDS[via as ScanHop['via']] ?? via;
}

/** "valid", or why the certificate is not, in one line. */
export function certificateStatus(tls: ScanTls): { ok: boolean; text: string } {
  const why: string[] = [];
  if (tls.selfSigned) why.push('self-signed');
  if (tls.daysToExpiry < 0) why.push(`expired ${-tls.daysToExpiry} days ago`);
  if (!tls.hostMatches) why.push('does not name this host');
  for (const p of tls.problems) if (!why.some((w) => p.toLowerCase().includes(w))) why.push(p);
  if (tls.valid && why.length === 0) return { ok: true, text: 'valid' };
  return { ok: false, text: `not valid: ${why.join('; ') || 'the chain is not trusted'}` };
}

/** "RSA 2048" / "EC" / "—". */
export function keyText(tls: ScanTls): string {
  if (!tls.keyType) return '—';
  return tls.keyBits ? `${tls.keyType.toUpperCase()} ${tls.keyBits}` : tls.keyType.toUpperCase();
}

/** "in 40 days" / "today" / "expired 3 days ago". */
export function expiryText(days: number): string {
  if (days < 0) return `expired ${-days} day${days === -1 ? '' : 's'} ago`;
  if (days === 0) return 'expires today';
  return `in ${days} day${days === 1 ? '' : 's'}`;
}

/** The DNS answers as rows of [type, value]; errors last as [type, "error: …"]. */
export function dnsRows(dns: ScanDns): [string, string][] {
  const rows: [string, string][] = [
    ...dns.a.map((v): [string, string] => ['A', v]),
    ...dns.aaaa.map((v): [string, string] => ['AAAA', v]),
    ...dns.cname.map((v): [string, string] => ['CNAME', v]),
    ...[...dns.mx]
      .sort((x, y) => x.priority - y.priority)
      .map((m): [string, string] => ['MX', `${m.priority} ${m.exchange}`]),
    ...dns.ns.map((v): [string, string] => ['NS', v]),
  ];
  for (const [type, message] of Object.entries(dns.errors ?? {}))
    rows.push([type.toUpperCase(), `error: ${message}`]);
  return rows;
}

/** The scan's state in words for the list ("refused" is a finished scan whose target was refused). */
export function scanStateText(scan: Scan): string {
  if (scan.state === 'failed') return scan.error ? `failed: ${scan.error}` : 'failed';
  return scan.state;
}
