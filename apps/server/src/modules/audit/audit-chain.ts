import { createHash } from 'node:crypto';

/** The hash before the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** What the chain hash covers: every column but `seq` and `hash` itself. */
export interface ChainedFields {
  at: Date;
  actor: string;
  action: string;
  target: string | null;
  outcome: string;
  ip: string | null;
  details: Record<string, unknown>;
}

/** JSON with object keys sorted at every level, so the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * SHA-256 over the previous entry's hash and this entry's content: changing, removing or
 * reordering any entry breaks every hash after it. Timestamps are hashed in milliseconds, the
 * precision both the store and JavaScript keep.
 */
export function chainHash(prevHash: string, e: ChainedFields): string {
  const content = canonicalJson({
    at: e.at.toISOString(),
    actor: e.actor,
    action: e.action,
    target: e.target,
    outcome: e.outcome,
    ip: e.ip,
    details: e.details,
  });
  return createHash('sha256').update(prevHash).update('\n').update(content).digest('hex');
}
