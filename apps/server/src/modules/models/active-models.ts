import type { CompiledModel, ModelDocument } from '@vigil/ml';

/** A registered model loaded for scoring: its document and the compiled ensemble. */
export interface ActiveModel {
  readonly id: string;
  readonly kind: string;
  readonly version: number;
  readonly document: ModelDocument;
  readonly compiled: CompiledModel;
}

/**
 * The production model per kind (flow schema id or `url`), kept in memory and swapped atomically
 * when another model is promoted: a request holds the ActiveModel it started with, so a swap never
 * changes a model under a running request.
 */
export interface ActiveModels {
  /** The production model for `kind`, or undefined when none is promoted. */
  get(kind: string): ActiveModel | undefined;
  /** Reloads `kind` from the registry (after a promotion). */
  refresh(kind: string): Promise<void>;
  /** All loaded production models. */
  list(): ActiveModel[];
}

declare module 'fastify' {
  interface FastifyInstance {
    activeModels: ActiveModels;
  }
}
