import { type Kysely, sql } from 'kysely';

/**
 * Batch results in compact chunks (issue #4 throughput): one row per chunk of consecutive input
 * rows instead of one `predictions` row per input row. Per-row values are packed typed arrays in
 * base64 text (verdict codes uint8, probabilities float32 LE, risk scores uint8, category indexes
 * uint16 LE into `categories`): `text`, not `bytea`, because the embedded PGlite store serialises a
 * bytea parameter ~14× slower than text (140 ms vs 10 ms per 880 KB, measured). `tuples` is the
 * JSON of the 5-tuple (or URL and domain) columns; `aggregates`
 * holds the chunk's counts, histogram and top-K talkers, so a summary merges chunks without a scan.
 * The chunk is written in the checkpoint's transaction; the key makes a replayed chunk a no-op.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's schema types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('batch_result_chunks')
    .addColumn('batch_id', 'bigint', (c) => c.notNull().references('batches.id').onDelete('cascade'))
    .addColumn('first_row', 'integer', (c) => c.notNull())
    .addColumn('row_count', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('verdicts', 'text', (c) => c.notNull())
    .addColumn('probabilities', 'text', (c) => c.notNull())
    .addColumn('risk', 'text', (c) => c.notNull())
    .addColumn('category_idx', 'text', (c) => c.notNull())
    .addColumn('categories', 'jsonb', (c) => c.notNull())
    .addColumn('tuples', 'text', (c) => c.notNull())
    .addColumn('aggregates', 'jsonb', (c) => c.notNull())
    .addPrimaryKeyConstraint('batch_result_chunks_pk', ['batch_id', 'first_row'])
    .execute();
  // The packed columns are read whole and compress little: skip TOAST compression (CPU).
  for (const column of ['verdicts', 'probabilities', 'risk', 'category_idx', 'tuples']) {
    await sql.raw(`alter table batch_result_chunks alter column ${column} set storage external`).execute(db);
  }
}

// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('batch_result_chunks').ifExists().execute();
}
