import { type Kysely, sql } from 'kysely';

/** The packed per-row columns of 0006, base64 text until now. */
const PACKED = ['verdicts', 'probabilities', 'risk', 'category_idx'];

/**
 * A chunk's packed results and its alerts awaiting history (0008) are stored as bytes, not text
 * (issue #4 throughput): the typed arrays as they are (no base64), the tuples' and alerts' JSON as
 * UTF-8. A scoring thread hands them over without a copy, and as binary parameters they reach the
 * store unchanged. 0006 chose base64 text because PGlite's driver wrote a bytea parameter out as hex,
 * one byte at a time in JavaScript; Vigil's PGlite dialect now passes byte arrays as binary
 * parameters. As text, the alerts and tuples (~230 MB per million rows) were measured and copied
 * character by character on the server's main thread (~1.5 s per million rows, profiled).
 * Readers decode the JSON columns in SQL (`convert_from(tuples, 'UTF8')`).
 *
 * New chunks spill their alerts awaiting history to a file beside the upload instead
 * (batch-pending-alerts.ts); `history_bytes` is that file's length, null when there is none.
 * `history` keeps the alerts of chunks stored before this migration until they are in history.
 * (down() cannot bring spilled alerts back into the store: run it with no batch history pending.)
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's schema types.
export async function up(db: Kysely<any>): Promise<void> {
  const alter = [
    ...PACKED.map((c) => `alter column ${c} type bytea using decode(${c}, 'base64')`),
    `alter column tuples type bytea using convert_to(tuples, 'UTF8')`,
    `alter column history type bytea using convert_to(history, 'UTF8')`,
  ];
  await sql.raw(`alter table batch_result_chunks ${alter.join(', ')}`).execute(db);
  await db.schema.alterTable('batch_result_chunks').addColumn('history_bytes', 'integer').execute();
  // Written once and read once: TOAST compression of a few MB a chunk would cost more than it saves.
  for (const column of [...PACKED, 'tuples', 'history']) {
    await sql.raw(`alter table batch_result_chunks alter column ${column} set storage external`).execute(db);
  }
}

// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('batch_result_chunks').dropColumn('history_bytes').execute();
  const alter = [
    ...PACKED.map((c) => `alter column ${c} type text using encode(${c}, 'base64')`),
    `alter column tuples type text using convert_from(tuples, 'UTF8')`,
    `alter column history type text using convert_from(history, 'UTF8')`,
  ];
  await sql.raw(`alter table batch_result_chunks ${alter.join(', ')}`).execute(db);
  for (const column of [...PACKED, 'tuples', 'history']) {
    await sql.raw(`alter table batch_result_chunks alter column ${column} set storage external`).execute(db);
  }
}
