import type { ScanReason, ScanVerdict } from '@vigil/contracts';
import type { TlsReport } from '../../adapters/tls-inspector.js';
import type { PasswordForm } from './html-extract.js';
import type { Reputation } from './reputation.js';

/** The deep scan's final verdict (issue #5): model score, reputation and scan signals, in words. */
export type { ScanReason, ScanVerdict };

export interface VerdictInput {
  /** The lexical model's risk 0–100 for the submitted URL; null when no URL model is in production. */
  lexicalRisk: number | null;
  lexicalReasons: string[];
  reputation: Reputation[];
  passwordForms: PasswordForm[];
  tls: TlsReport | null;
  finalIsHttps: boolean;
  redirects: number;
  crossSiteRedirect: boolean;
  ipHost: boolean;
}

export const MALICIOUS_AT = 70;
export const SUSPICIOUS_AT = 40;
/** Base risk when no URL model is available. */
const NO_MODEL_RISK = 30;
const YOUNG_CERT_DAYS = 30;

export function scanVerdict(input: VerdictInput): {
  riskScore: number;
  verdict: ScanVerdict;
  reasons: ScanReason[];
} {
  const reasons: ScanReason[] = [];
  const add = (code: string, text: string, weight: number) => reasons.push({ code, text, weight });
  const base = input.lexicalRisk ?? NO_MODEL_RISK;
  if (input.lexicalRisk === null)
    add('no-url-model', 'no production URL model: the lexical score is missing', 0);
  else {
    const words = input.lexicalReasons.slice(0, 3).join('; ');
    add('lexical', `the URL model rates the link ${input.lexicalRisk}/100${words ? ` (${words})` : ''}`, 0);
  }
  let risk = base;
  const blocked = input.reputation.flatMap((r) => r.matches);
  for (const form of input.passwordForms) {
    if (form.crossDomain) {
      add('password-form-cross-domain', `a password form posts to another site: ${form.action}`, 30);
    }
    if (form.insecure)
      add('password-form-insecure', `a password form posts over plain HTTP: ${form.action}`, 20);
  }
  if (input.passwordForms.length > 0 && !input.finalIsHttps) {
    add('password-page-http', 'the page asks for a password over plain HTTP', 15);
  }
  const tls = input.tls;
  if (tls) {
    if (tls.selfSigned) add('tls-self-signed', 'the certificate is self-signed', 20);
    else if (!tls.valid) add('tls-invalid', `the certificate is not valid: ${tls.problems.join('; ')}`, 15);
    if (tls.daysToExpiry < 0) add('tls-expired', `the certificate expired ${-tls.daysToExpiry} days ago`, 10);
    if (!tls.hostMatches) add('tls-host-mismatch', 'the certificate does not name this host', 10);
    if (tls.ageDays >= 0 && tls.ageDays < YOUNG_CERT_DAYS) {
      add('tls-young', `the certificate was issued ${tls.ageDays} days ago`, 10);
    }
  }
  if (input.redirects > 3) add('many-redirects', `${input.redirects} redirects before the final page`, 10);
  if (input.crossSiteRedirect) add('cross-site-redirect', 'the link ends on another site than it names', 5);
  if (input.ipHost) add('ip-host', 'the link or its final page uses an IP address as host', 15);
  for (const r of reasons) risk += r.weight;
  if (blocked.length > 0) {
    const where = blocked.slice(0, 3).map((m) => `${m.type} ${m.value} (${m.source})`);
    add('blocklisted', `on a threat list: ${where.join(', ')}`, 0);
    risk = Math.max(risk, 95);
  } else if (input.reputation.length > 0 && input.reputation.every((r) => r.allowlisted)) {
    add('allowlisted', `${input.reputation[0].domain} is a well-known domain`, 0);
    risk = Math.min(risk, 20);
  }
  const riskScore = Math.max(0, Math.min(100, Math.round(risk)));
  const verdict: ScanVerdict =
    riskScore >= MALICIOUS_AT ? 'malicious' : riskScore >= SUSPICIOUS_AT ? 'suspicious' : 'benign';
  return { riskScore, verdict, reasons };
}
