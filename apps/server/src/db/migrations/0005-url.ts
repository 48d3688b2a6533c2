import type { Kysely } from 'kysely';

/**
 * URL analysis (issue #5): the host of a scored URL gets its own column, so history can be filtered
 * and grouped by host the way flows are by address. The full URL stays in `record`.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's schema types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('predictions').addColumn('host', 'text').execute();
  await db.schema.createIndex('predictions_host').on('predictions').column('host').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('predictions_host').ifExists().execute();
  await db.schema.alterTable('predictions').dropColumn('host').execute();
}
