import { MODEL_STAGES } from '@vigil/contracts';
import {
  compileEnsemble,
  ensembleFromDocument,
  type ModelDocument,
  ModelDocumentError,
  parseModelDocument,
} from '@vigil/ml';
import type { Db } from '../../db/database.js';
import type { ModelStage } from '../../db/schema.js';
import { AppError } from '../../errors/app-error.js';
import { checkFeatureSpec } from './feature-spec.js';
import {
  type ModelDetailDto,
  type ModelSummaryDto,
  type PromotionResult,
  toSummary,
  toTransition,
} from './model-dto.js';
import {
  insertModel,
  insertTransition,
  lockKind,
  type ModelFilters,
  type ModelRow,
  type ModelRowWithDocument,
  nextVersion,
  selectModel,
  selectModels,
  selectModelWithDocument,
  selectProduction,
  selectTransitions,
  updateStage,
} from './models.repo.js';

export { MODEL_STAGES };

/** Model ids appear in URLs and logs: letters, digits and `._:-` only. */
const MODEL_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const MAX_REASON = 1000;
const VERSION_RETRIES = 3;

export type { ModelDetailDto, ModelSummaryDto, PromotionResult, TransitionDto } from './model-dto.js';

/** A PostgreSQL unique violation on `constraint` (same error fields from pg and PGlite). */
function isUniqueViolation(err: unknown, constraint: string): boolean {
  const e = err as { code?: unknown; constraint?: unknown; message?: unknown };
  return (
    e?.code === '23505' &&
    (e.constraint === constraint || (typeof e.message === 'string' && e.message.includes(constraint)))
  );
}

function checkReason(reason: string | undefined): string {
  const r = reason?.trim() ?? '';
  if (r.length === 0) {
    throw new AppError('VALIDATION_FAILED', 'a reason is required for a stage change', { path: 'reason' });
  }
  if (r.length > MAX_REASON) {
    throw new AppError('VALIDATION_FAILED', `reason: at most ${MAX_REASON} characters`, { path: 'reason' });
  }
  return r;
}

/** Parses, validates and compiles a document; every refusal names what to fix. */
export function validateDocument(input: unknown): { document: ModelDocument; kind: string } {
  let document: ModelDocument;
  try {
    document = parseModelDocument(input);
  } catch (err) {
    if (err instanceof ModelDocumentError) {
      throw new AppError('VALIDATION_FAILED', `invalid model document: ${err.message}`, {
        path: err.path,
      });
    }
    throw err;
  }
  if (!MODEL_ID.test(document.id)) {
    throw new AppError(
      'VALIDATION_FAILED',
      'invalid model document: id must be 1..128 letters, digits or . _ : -',
      { path: 'id' },
    );
  }
  const kind = checkFeatureSpec(document.featureSpec);
  // Compile once now, so a registered model is known to load when it is promoted.
  compileEnsemble(ensembleFromDocument(document));
  return { document, kind };
}

/**
 * The model registry: versions per kind, stages with a transition history (who, when, why), and
 * the one-production-model-per-kind rule applied in one transaction with the store's own index.
 */
export class ModelRegistry {
  constructor(
    private readonly db: Db,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async list(filters: ModelFilters = {}): Promise<ModelSummaryDto[]> {
    return (await selectModels(this.db, filters)).map(toSummary);
  }

  async get(id: string, options: { includeDocument?: boolean } = {}): Promise<ModelDetailDto> {
    return this.detail(this.db, id, options.includeDocument ?? false);
  }

  /** Production models with their documents (for loading), one per kind. */
  async production(kind?: string) {
    return selectProduction(this.db, kind);
  }

  /**
   * Registers a model document (JSON text or parsed data) as the next version of its kind, in stage
   * `experimental`, optionally moving it straight on to `options.stage` in the same transaction.
   */
  async register(
    input: unknown,
    actor: string,
    options: { stage?: ModelStage; reason?: string } = {},
  ): Promise<PromotionResult> {
    const { document, kind } = validateDocument(input);
    const target = options.stage ?? 'experimental';
    const reason = target === 'experimental' ? undefined : checkReason(options.reason);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction().execute(async (trx) => {
          if (await selectModel(trx, document.id)) throw duplicate(document.id);
          const at = this.clock();
          await insertModel(trx, {
            id: document.id,
            kind,
            version: await nextVersion(trx, kind),
            algorithm: document.algorithm,
            stage: 'experimental',
            document,
            metrics: document.metrics,
            featureSpec: document.featureSpec,
            createdAt: at,
            createdBy: actor,
          });
          await insertTransition(trx, {
            modelId: document.id,
            from: null,
            to: 'experimental',
            actor,
            reason: 'registered',
            at,
          });
          if (reason === undefined) {
            return { model: await this.detail(trx, document.id, false), from: 'experimental', demoted: null };
          }
          return this.move(trx, document.id, target, actor, reason);
        });
      } catch (err) {
        if (isUniqueViolation(err, 'models_pkey')) throw duplicate(document.id);
        // Two registrations of one kind drew the same version: the later one tries again.
        if (isUniqueViolation(err, 'models_kind_version') && attempt < VERSION_RETRIES) continue;
        throw mapConflict(err, kind);
      }
    }
  }

  /**
   * Moves a model to `stage`. Promoting to production demotes the kind's current production model
   * to staging (with its own transition) in the same transaction.
   */
  async promote(id: string, stage: ModelStage, actor: string, reason: string): Promise<PromotionResult> {
    const why = checkReason(reason);
    if (!MODEL_STAGES.includes(stage)) {
      throw new AppError('VALIDATION_FAILED', `stage must be one of ${MODEL_STAGES.join(', ')}`, {
        path: 'stage',
      });
    }
    const model = await selectModel(this.db, id);
    if (!model) throw notFound(id);
    try {
      return await this.db.transaction().execute((trx) => this.move(trx, id, stage, actor, why));
    } catch (err) {
      throw mapConflict(err, model.kind);
    }
  }

  private async move(
    trx: Db,
    id: string,
    stage: ModelStage,
    actor: string,
    reason: string,
  ): Promise<PromotionResult> {
    const before = await selectModel(trx, id);
    if (!before) throw notFound(id);
    // Promotions of one kind queue here, so each sees the production model the previous one left.
    await lockKind(trx, before.kind);
    const model = (await selectModel(trx, id))!;
    if (model.stage === stage) {
      throw new AppError('CONFLICT', `model ${id} is already in ${stage}`, { path: 'stage' });
    }
    const at = this.clock();
    let demoted: string | null = null;
    if (stage === 'production') {
      const [current] = await selectProduction(trx, model.kind);
      if (current) {
        demoted = current.id;
        await updateStage(trx, current.id, 'staging');
        await insertTransition(trx, {
          modelId: current.id,
          from: 'production',
          to: 'staging',
          actor,
          reason: `replaced in production by ${id} (v${model.version}): ${reason}`,
          at,
        });
      }
    }
    await updateStage(trx, id, stage);
    await insertTransition(trx, { modelId: id, from: model.stage, to: stage, actor, reason, at });
    return { model: await this.detail(trx, id, false), from: model.stage, demoted };
  }

  private async detail(db: Db, id: string, includeDocument: boolean): Promise<ModelDetailDto> {
    const row: ModelRow | undefined = includeDocument
      ? await selectModelWithDocument(db, id)
      : await selectModel(db, id);
    if (!row) throw notFound(id);
    const transitions = (await selectTransitions(db, id)).map(toTransition);
    const dto: ModelDetailDto = {
      ...toSummary(row),
      metrics: row.metrics,
      featureSpec: row.feature_spec,
      transitions,
    };
    if (includeDocument) dto.document = (row as ModelRowWithDocument).document;
    return dto;
  }
}

function notFound(id: string): AppError {
  return new AppError('NOT_FOUND', `no model with id "${id}"`, { path: 'id' });
}

function duplicate(id: string): AppError {
  return new AppError('CONFLICT', `a model with id "${id}" is already registered`, { path: 'id' });
}

function mapConflict(err: unknown, kind: string): unknown {
  if (isUniqueViolation(err, 'models_one_production')) {
    return new AppError(
      'CONFLICT',
      `another model of kind "${kind}" was promoted to production at the same time; try again`,
    );
  }
  return err;
}
