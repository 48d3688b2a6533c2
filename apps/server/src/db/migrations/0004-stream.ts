import { type Kysely, sql } from 'kysely';

/**
 * Streaming (issue #6): an idempotency key on predictions, so a stream replayed after a crash
 * (Kafka offsets not yet committed, a file replayed) never stores a flow twice, and the dead letters
 * of embedded stream sources (Kafka sources send theirs to a dead-letter topic).
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's schema types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('predictions').addColumn('event_key', 'text').execute();
  // Unique, NULLs distinct: API predictions carry no key; stream writes use ON CONFLICT DO NOTHING.
  await sql`create unique index predictions_event_key on predictions (event_key)`.execute(db);

  await db.schema
    .createTable('stream_dead_letters')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('event_key', 'text', (c) => c.unique())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('stream_dead_letters_created')
    .on('stream_dead_letters')
    .column('created_at')
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('stream_dead_letters').execute();
  await sql`drop index if exists predictions_event_key`.execute(db);
  await db.schema.alterTable('predictions').dropColumn('event_key').execute();
}
