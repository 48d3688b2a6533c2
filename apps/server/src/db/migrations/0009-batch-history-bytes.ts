import { type Kysely, sql } from 'kysely';

/**
 * A chunk's alerts awaiting history (0008) are stored as UTF-8 bytes instead of text (issue #4
 * throughput). A scoring thread encodes them once and hands the bytes over without a copy; as a
 * binary parameter they reach the store as they are. As text, PGlite's driver measured and copied
 * each megabyte-sized string character by character in JavaScript on the server's main thread
 * (1.5 s of a million-row batch), and node-postgres encoded it again. Readers convert back in SQL
 * (`convert_from(history, 'UTF8')`).
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's schema types.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table batch_result_chunks
    alter column history type bytea using convert_to(history, 'UTF8')`.execute(db);
  // Written once and read once: TOAST compression of a few MB a chunk would cost more than it saves.
  await sql`alter table batch_result_chunks alter column history set storage external`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table batch_result_chunks
    alter column history type text using convert_from(history, 'UTF8')`.execute(db);
  await sql`alter table batch_result_chunks alter column history set storage external`.execute(db);
}
