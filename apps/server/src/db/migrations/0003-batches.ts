import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's schema types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('batches')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('file_path', 'text', (c) => c.notNull())
    .addColumn('file_bytes', 'bigint', (c) => c.notNull())
    .addColumn('format', 'jsonb', (c) => c.notNull())
    .addColumn('state', 'text', (c) =>
      c.notNull().check(sql`state in ('queued', 'running', 'paused', 'done', 'failed', 'cancelled')`),
    )
    .addColumn('rows_total', 'bigint')
    .addColumn('rows_done', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('rows_bad', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('bad_rows', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('model_id', 'text')
    .addColumn('error', 'text')
    .addColumn('job_id', 'text')
    .addColumn('runs', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('started_at', 'timestamptz')
    .addColumn('finished_at', 'timestamptz')
    // The current run: when it started and from which row, for rows/s and the ETA.
    .addColumn('run_started_at', 'timestamptz')
    .addColumn('run_start_rows', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('batches_created').on('batches').columns(['created_at', 'id']).execute();

  // Batch results are predictions tagged with their batch and input row; the unique index makes a
  // chunk written twice (a worker died after the commit but before the queue heard of it) a no-op.
  await db.schema
    .alterTable('predictions')
    .addColumn('batch_id', 'bigint', (c) => c.references('batches.id').onDelete('cascade'))
    .addColumn('batch_row', 'integer')
    .execute();
  await db.schema
    .createIndex('predictions_batch_row')
    .on('predictions')
    .columns(['batch_id', 'batch_row'])
    .unique()
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('predictions_batch_row').ifExists().execute();
  await db.schema.alterTable('predictions').dropColumn('batch_row').execute();
  await db.schema.alterTable('predictions').dropColumn('batch_id').execute();
  await db.schema.dropTable('batches').ifExists().execute();
}
