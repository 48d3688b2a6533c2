import { type Kysely, sql } from 'kysely';

/**
 * History follows the batch (issue #4 throughput). A batch's alerts are written into the indexed
 * `predictions` table after the batch is done instead of inside each chunk's checkpoint, because
 * that insert (~80 µs a row on PGlite, eight indexes) cost five times the scoring. Each chunk keeps
 * its alerts as JSON in `history` until they are in `predictions` (then null); `batches.history_state`
 * says where the batch's history is: 'pending' (alerts still in chunks: they go to history once the
 * batch is done), 'written', or 'off' (VIGIL_HISTORY=none), and `history_rows` counts the alerts
 * written. A cancelled or failed batch keeps its alerts with its results until a retry completes it. Batches from before this
 * migration wrote history in their checkpoints: 'written'.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's schema types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('batch_result_chunks').addColumn('history', 'text').execute();
  // Written once and read once: TOAST compression of a few MB a chunk would cost more than it saves.
  await sql`alter table batch_result_chunks alter column history set storage external`.execute(db);
  await db.schema
    .alterTable('batches')
    .addColumn('history_state', 'text', (c) =>
      c.notNull().defaultTo('written').check(sql`history_state in ('pending', 'written', 'off')`),
    )
    .addColumn('history_rows', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('batches').dropColumn('history_rows').dropColumn('history_state').execute();
  await db.schema.alterTable('batch_result_chunks').dropColumn('history').execute();
}
