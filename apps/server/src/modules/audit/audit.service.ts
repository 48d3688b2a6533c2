import type { AuditEntry as AuditEntryDto } from '@vigil/contracts';
import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { AuditEntry, AuditRecorder } from './audit.types.js';
import { type ChainedFields, chainHash, GENESIS_HASH } from './audit-chain.js';

/** An audit log entry as the API shows it. */
export type AuditRecordDto = AuditEntryDto;

export interface AuditQuery {
  actor?: string;
  action?: string;
  outcome?: 'success' | 'denied' | 'failure';
  from?: Date;
  to?: Date;
  /** Entries with seq below this (newest first paging). */
  beforeSeq?: number;
  limit: number;
}

export type AuditVerification =
  | { ok: true; entries: number; lastHash: string }
  | { ok: false; entries: number; brokenAt: number; reason: string };

// Any constant: the advisory lock that serialises appends across processes sharing a PostgreSQL.
const AUDIT_LOCK_KEY = 7_317_001;

/**
 * The append-only, hash-chained audit log. Appends are serialised (an advisory transaction lock,
 * so several server processes keep one chain); the table's trigger refuses updates and deletes;
 * `verify` recomputes the chain and names the first entry that does not match.
 */
export class AuditService implements AuditRecorder {
  constructor(
    private readonly db: Db,
    private readonly clock: () => Date,
  ) {}

  async record(entry: AuditEntry): Promise<void> {
    // Stored timestamps keep microseconds but JS Dates milliseconds: hash what both can read back.
    const at = new Date(Math.floor(this.clock().getTime()));
    const fields: ChainedFields & { outcome: AuditEntry['outcome'] } = {
      at,
      actor: entry.actor,
      action: entry.action,
      target: entry.target ?? null,
      outcome: entry.outcome,
      ip: entry.ip ?? null,
      details: JSON.parse(JSON.stringify(entry.details ?? {})),
    };
    await this.db.transaction().execute(async (tx) => {
      await sql`select pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`.execute(tx);
      const last = await tx
        .selectFrom('audit_log')
        .select('hash')
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirst();
      const prev_hash = last?.hash ?? GENESIS_HASH;
      await tx
        .insertInto('audit_log')
        .values({
          ...fields,
          details: JSON.stringify(fields.details),
          prev_hash,
          hash: chainHash(prev_hash, fields),
        })
        .execute();
    });
  }

  async list(q: AuditQuery): Promise<{ items: AuditRecordDto[]; nextBeforeSeq: number | null }> {
    let query = this.db
      .selectFrom('audit_log')
      .select(['seq', 'at', 'actor', 'action', 'target', 'outcome', 'ip', 'details', 'hash']);
    if (q.actor) query = query.where('actor', '=', q.actor);
    if (q.action) query = query.where('action', '=', q.action);
    if (q.outcome) query = query.where('outcome', '=', q.outcome);
    if (q.from) query = query.where('at', '>=', q.from);
    if (q.to) query = query.where('at', '<', q.to);
    if (q.beforeSeq !== undefined) query = query.where('seq', '<', q.beforeSeq);
    const rows = await query
      .orderBy('seq', 'desc')
      .limit(q.limit + 1)
      .execute();
    const more = rows.length > q.limit;
    const page = more ? rows.slice(0, q.limit) : rows;
    return {
      items: page.map((r) => ({ ...r, seq: Number(r.seq), at: r.at.toISOString() })),
      nextBeforeSeq: more ? Number(page[page.length - 1].seq) : null,
    };
  }

  /** Walks the whole chain in order, a page at a time. */
  async verify(pageSize = 5_000): Promise<AuditVerification> {
    let prev = GENESIS_HASH;
    let afterSeq = 0;
    let entries = 0;
    for (;;) {
      const rows = await this.db
        .selectFrom('audit_log')
        .selectAll()
        .where('seq', '>', afterSeq)
        .orderBy('seq')
        .limit(pageSize)
        .execute();
      for (const row of rows) {
        entries++;
        const seq = Number(row.seq);
        if (row.prev_hash !== prev) {
          return {
            ok: false,
            entries,
            brokenAt: seq,
            reason: 'prev_hash does not match the previous entry (an entry was removed or reordered)',
          };
        }
        const expected = chainHash(prev, row);
        if (expected !== row.hash) {
          return {
            ok: false,
            entries,
            brokenAt: seq,
            reason: 'content does not match its hash (the entry was changed)',
          };
        }
        prev = row.hash;
        afterSeq = seq;
      }
      if (rows.length < pageSize) return { ok: true, entries, lastHash: prev };
    }
  }
}

export function createAuditService(db: Db, clock: () => Date = () => new Date()): AuditService {
  return new AuditService(db, clock);
}

declare module 'fastify' {
  interface FastifyInstance {
    audit: AuditService;
  }
}
