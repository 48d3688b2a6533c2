import { type Kysely, sql } from 'kysely';

/**
 * Deep URL scans (issue #5): one row per scan with its JSON report and PNG screenshot, and the
 * threat indicators imported with `vigil import-threats` for domain reputation.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's schema types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('scans')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) =>
      c.notNull().check(sql`state in ('queued', 'running', 'done', 'failed')`),
    )
    .addColumn('risk_score', 'integer')
    .addColumn('verdict', 'text')
    .addColumn('report', 'jsonb')
    .addColumn('screenshot', 'bytea')
    .addColumn('error', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('started_at', 'timestamptz')
    .addColumn('finished_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('scans_created').on('scans').columns(['created_at', 'id']).execute();

  await db.schema
    .createTable('threat_indicators')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull().check(sql`type in ('url', 'host', 'domain')`))
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('first_seen', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seen', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('threat_indicators_unique', ['type', 'value', 'source'])
    .execute();
  await db.schema
    .createIndex('threat_indicators_value')
    .on('threat_indicators')
    .columns(['value', 'type'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('threat_indicators').ifExists().execute();
  await db.schema.dropTable('scans').ifExists().execute();
}
