// The deep-scan report (issue #5): stored as JSON and served by GET /api/v1/scans/:id, where the
// OpenAPI document describes it as an open object. The server writes exactly these types and the
// dashboard reads them.

/** One request of the redirect chain. */
export interface ScanHop {
  url: string;
  status: number | null;
  /** The address connected to. */
  address: string | null;
  /** Location header of a 3xx. */
  location: string | null;
  /** How this hop was reached: the first request, an HTTP 3xx, or (browser) meta refresh / script. */
  via: 'initial' | 'http' | 'meta-refresh' | 'script';
  ms: number;
  error?: string;
}

/** The DNS answers for the host. Missing record types are empty lists. */
export interface ScanDns {
  a: string[];
  aaaa: string[];
  cname: string[];
  mx: { exchange: string; priority: number }[];
  ns: string[];
  /** Per record type, why the query failed (other than "no such record"). */
  errors: Record<string, string>;
}

/** The final host's TLS certificate. */
export interface ScanTls {
  /** Chain valid against Node's trusted roots, plus any extra `ca` (and host name matched). */
  valid: boolean;
  /** Why not: the chain error (e.g. DEPTH_ZERO_SELF_SIGNED_CERT, CERT_HAS_EXPIRED) or the name mismatch. */
  problems: string[];
  protocol: string | null;
  cipher: string | null;
  subject: string;
  issuer: string;
  subjectAltNames: string[];
  hostMatches: boolean;
  validFrom: string;
  validTo: string;
  daysToExpiry: number;
  /** Days since validFrom (young certificates are a phishing signal). */
  ageDays: number;
  selfSigned: boolean;
  keyType: string | null;
  keyBits: number | null;
  signatureAlgorithm: string | null;
  fingerprint256: string;
}

/** A form on the page that asks for a password. */
export interface ScanPasswordForm {
  /** The form's action resolved against the page URL (the page itself when absent). */
  action: string;
  method: string;
  /** Posts to another registrable domain (or host, for IP hosts) than the page's. */
  crossDomain: boolean;
  /** Posts over plain HTTP. */
  insecure: boolean;
}

export interface ScanReputationMatch {
  type: 'url' | 'host' | 'domain';
  value: string;
  source: string;
}

/** Reputation of one host of the scan (the submitted URL's and the final one's). */
export interface ScanReputation {
  /** The registrable domain is on the allowlist (and no blocklist matched). */
  allowlisted: boolean;
  blocklisted: boolean;
  matches: ScanReputationMatch[];
  host: string;
  domain: string | null;
}

export type ScanVerdict = 'malicious' | 'suspicious' | 'benign';

/** One reason of the verdict, in words. */
export interface ScanReason {
  /** Stable code, e.g. `blocklisted`, `password-form-cross-domain`. */
  code: string;
  text: string;
  /** Points added to (or, negative, taken from) the risk score. */
  weight: number;
}

/** The URL model's verdict on the submitted URL. */
export interface ScanLexicalScore {
  riskScore: number;
  probability: number;
  reasons: string[];
  modelId: string;
}

export interface ScanReport {
  url: string;
  finalUrl: string | null;
  /** Set when the scan was refused (SSRF guard) or could not fetch the page. */
  refused: { reason: string; message: string } | null;
  fetchError: { reason: string; message: string } | null;
  dns: ScanDns | null;
  redirectChain: ScanHop[];
  tls: ScanTls | null;
  tlsError: string | null;
  status: number | null;
  headers: Record<string, string>;
  bodyBytes: number;
  bodyTruncated: boolean;
  title: string | null;
  passwordForms: ScanPasswordForm[];
  screenshot: { available: boolean; reason: string | null; bytes: number };
  browser: { blockedRequests: { url: string; reason: string }[]; requests: number } | null;
  reputation: ScanReputation[];
  lexical: ScanLexicalScore | null;
  riskScore: number;
  verdict: ScanVerdict;
  reasons: ScanReason[];
  durationMs: number;
}
