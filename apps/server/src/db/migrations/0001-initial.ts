import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's schema types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('admin', 'analyst', 'viewer')`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('disabled_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('prefix', 'text', (c) => c.notNull().unique())
    .addColumn('key_hash', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('admin', 'analyst', 'viewer')`))
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('seq', 'bigserial', (c) => c.primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull().check(sql`outcome in ('success', 'denied', 'failure')`))
    .addColumn('ip', 'text')
    .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull().unique())
    .execute();
  // Append-only at the database level too: updates and deletes of audit rows are refused.
  await sql`
    create function audit_log_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_log is append-only';
    end $$`.execute(db);
  await sql`
    create trigger audit_log_no_change before update or delete on audit_log
    for each row execute function audit_log_append_only()`.execute(db);

  await db.schema
    .createTable('models')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('algorithm', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) =>
      c.notNull().check(sql`stage in ('experimental', 'staging', 'production', 'archived')`),
    )
    .addColumn('document', 'jsonb', (c) => c.notNull())
    .addColumn('metrics', 'jsonb', (c) => c.notNull())
    .addColumn('feature_spec', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addUniqueConstraint('models_kind_version', ['kind', 'version'])
    .execute();
  // One production model per kind, enforced by the store, not only by the service.
  await sql`create unique index models_one_production on models (kind) where stage = 'production'`.execute(
    db,
  );

  await db.schema
    .createTable('model_transitions')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('model_id', 'text', (c) => c.notNull().references('models.id').onDelete('cascade'))
    .addColumn('from_stage', 'text')
    .addColumn('to_stage', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('model_transitions_model').on('model_transitions').column('model_id').execute();

  await db.schema
    .createTable('predictions')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('verdict', 'text', (c) => c.notNull().check(sql`verdict in ('benign', 'attack')`))
    .addColumn('probability', 'double precision', (c) => c.notNull())
    .addColumn('category', 'text')
    .addColumn('risk_score', 'integer', (c) => c.notNull())
    .addColumn('src_ip', 'text')
    .addColumn('dst_ip', 'text')
    .addColumn('src_port', 'integer')
    .addColumn('dst_port', 'integer')
    .addColumn('protocol', 'text')
    .addColumn('source', 'text')
    .addColumn('top_features', 'jsonb', (c) => c.notNull())
    .addColumn('record', 'jsonb', (c) => c.notNull())
    .execute();
  // Free-text search over the fields an analyst types: addresses, category, model, source.
  await sql`
    alter table predictions add column search tsvector generated always as (
      to_tsvector('simple',
        coalesce(src_ip, '') || ' ' || coalesce(dst_ip, '') || ' ' || coalesce(category, '') || ' ' ||
        verdict || ' ' || model_id || ' ' || coalesce(protocol, '') || ' ' || coalesce(source, ''))
    ) stored`.execute(db);
  await sql`create index predictions_search on predictions using gin (search)`.execute(db);
  await db.schema
    .createIndex('predictions_created')
    .on('predictions')
    .columns(['created_at', 'id'])
    .execute();
  await db.schema
    .createIndex('predictions_verdict')
    .on('predictions')
    .columns(['verdict', 'created_at'])
    .execute();
  await db.schema.createIndex('predictions_src').on('predictions').column('src_ip').execute();
  await db.schema.createIndex('predictions_dst').on('predictions').column('dst_ip').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'predictions',
    'model_transitions',
    'models',
    'audit_log',
    'api_keys',
    'sessions',
    'users',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
  await sql`drop function if exists audit_log_append_only()`.execute(db);
}
