import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { ModelStage } from '../../db/schema.js';

/** A registered model as stored, without its (large) document. */
export interface ModelRow {
  id: string;
  kind: string;
  version: number;
  algorithm: string;
  stage: ModelStage;
  metrics: Record<string, unknown>;
  feature_spec: Record<string, unknown>;
  created_at: Date;
  created_by: string;
}

export interface ModelRowWithDocument extends ModelRow {
  document: Record<string, unknown>;
}

export interface TransitionRow {
  id: number;
  model_id: string;
  from_stage: ModelStage | null;
  to_stage: ModelStage;
  actor: string;
  reason: string;
  at: Date;
}

export interface ModelFilters {
  kind?: string;
  stage?: ModelStage;
}

const SUMMARY_COLUMNS = [
  'id',
  'kind',
  'version',
  'algorithm',
  'stage',
  'metrics',
  'feature_spec',
  'created_at',
  'created_by',
] as const;

/** Every function takes a Kysely handle, so callers pass the store or an open transaction. */
export async function selectModels(db: Db, filters: ModelFilters): Promise<ModelRow[]> {
  let q = db.selectFrom('models').select(SUMMARY_COLUMNS);
  if (filters.kind !== undefined) q = q.where('kind', '=', filters.kind);
  if (filters.stage !== undefined) q = q.where('stage', '=', filters.stage);
  return q.orderBy('kind').orderBy('version', 'desc').execute();
}

export async function selectModel(db: Db, id: string): Promise<ModelRow | undefined> {
  return db.selectFrom('models').select(SUMMARY_COLUMNS).where('id', '=', id).executeTakeFirst();
}

export async function selectModelWithDocument(db: Db, id: string): Promise<ModelRowWithDocument | undefined> {
  return db
    .selectFrom('models')
    .select([...SUMMARY_COLUMNS, 'document'])
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Locks the rows of one kind until the transaction ends, so promotions of a kind run one at a time. */
export async function lockKind(trx: Db, kind: string): Promise<void> {
  await trx.selectFrom('models').select('id').where('kind', '=', kind).orderBy('id').forUpdate().execute();
}

/** The production model of `kind` with its document, or of every kind when `kind` is undefined. */
export async function selectProduction(db: Db, kind?: string): Promise<ModelRowWithDocument[]> {
  let q = db
    .selectFrom('models')
    .select([...SUMMARY_COLUMNS, 'document'])
    .where('stage', '=', 'production');
  if (kind !== undefined) q = q.where('kind', '=', kind);
  return q.execute();
}

export async function nextVersion(db: Db, kind: string): Promise<number> {
  const row = await db
    .selectFrom('models')
    .select(sql<number>`coalesce(max(version), 0) + 1`.as('next'))
    .where('kind', '=', kind)
    .executeTakeFirstOrThrow();
  return Number(row.next);
}

export async function insertModel(
  db: Db,
  row: {
    id: string;
    kind: string;
    version: number;
    algorithm: string;
    stage: ModelStage;
    document: unknown;
    metrics: unknown;
    featureSpec: unknown;
    createdAt: Date;
    createdBy: string;
  },
): Promise<void> {
  await db
    .insertInto('models')
    .values({
      id: row.id,
      kind: row.kind,
      version: row.version,
      algorithm: row.algorithm,
      stage: row.stage,
      document: JSON.stringify(row.document),
      metrics: JSON.stringify(row.metrics),
      feature_spec: JSON.stringify(row.featureSpec),
      created_at: row.createdAt,
      created_by: row.createdBy,
    })
    .execute();
}

export async function updateStage(db: Db, id: string, stage: ModelStage): Promise<void> {
  await db.updateTable('models').set({ stage }).where('id', '=', id).execute();
}

export async function insertTransition(
  db: Db,
  t: { modelId: string; from: ModelStage | null; to: ModelStage; actor: string; reason: string; at: Date },
): Promise<void> {
  await db
    .insertInto('model_transitions')
    .values({
      model_id: t.modelId,
      from_stage: t.from,
      to_stage: t.to,
      actor: t.actor,
      reason: t.reason,
      at: t.at,
    })
    .execute();
}

/** Transitions of one model, oldest first. */
export async function selectTransitions(db: Db, modelId: string): Promise<TransitionRow[]> {
  return db
    .selectFrom('model_transitions')
    .selectAll()
    .where('model_id', '=', modelId)
    .orderBy('id')
    .execute();
}

/**
 * Newest transition id and number of transitions: a cheap "did any stage change?" probe. The count
 * also moves when a transaction that drew a lower id commits after a higher one.
 */
export async function transitionProbe(db: Db): Promise<string> {
  const row = await db
    .selectFrom('model_transitions')
    .select([sql<number>`coalesce(max(id), 0)`.as('max'), sql<number>`count(*)`.as('n')])
    .executeTakeFirstOrThrow();
  return `${Number(row.max)}:${Number(row.n)}`;
}

/** Id of the production model of every kind that has one (no documents). */
export async function selectProductionIds(db: Db): Promise<{ id: string; kind: string }[]> {
  return db.selectFrom('models').select(['id', 'kind']).where('stage', '=', 'production').execute();
}
