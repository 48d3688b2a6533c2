import type { Dataset, FeatureInfo } from '@vigil/ml';
import type { FlowSchema, FlowTarget } from '../schemas/flow-schema.js';

/** Options of {@link createDatasetBuilder}. */
export interface DatasetBuilderOptions {
  readonly target: FlowTarget;
  /** Feature columns to leave out, on top of the schema's dropped columns (names matched like headers). */
  readonly dropColumns?: readonly string[];
  /**
   * Vocabularies to reuse, typically a trained model's feature list: categorical features listed here
   * keep their codes and read unseen values as missing. Without it, vocabularies are learned from the
   * rows (sorted, code = index).
   */
  readonly categories?: readonly FeatureInfo[];
  /** Class names to code labels with (a trained model's); must be classes of the target. */
  readonly classNames?: readonly string[];
  /** What to do with a label the schema does not know: stop with an error (default) or skip the row. */
  readonly unknownLabel?: 'error' | 'skip';
  /** Rows to reserve up front when the count is roughly known; growth still happens past it. */
  readonly expectedRows?: number;
}

/** Stable codes of builder warnings. */
export type DatasetWarningCode =
  | 'infinite-values'
  | 'absent-optional-column'
  | 'ignored-columns'
  | 'skipped-rows'
  | 'unseen-categories'
  | 'empty-classes';

/**
 * Something a user should know about the data that did not stop the build. A class only so that
 * `${warning}` prints the message; it serialises to its plain fields.
 */
export class DatasetWarning {
  constructor(
    readonly code: DatasetWarningCode,
    readonly message: string,
    readonly column?: string,
    readonly count?: number,
  ) {}

  toString(): string {
    return this.message;
  }
}

/** Counts gathered while building. */
export interface DatasetBuildStats {
  /** Rows in the dataset. */
  readonly rows: number;
  /** Rows left out because of unknown labels (unknownLabel: 'skip'). */
  readonly skipped: number;
  /** Cells read as missing (empty, NaN, "-", …), infinities excluded. */
  readonly missingCells: number;
  /** Cells holding ±Infinity (or beyond float32), stored as missing. */
  readonly infiniteCells: number;
  /** Categorical cells whose value was not in a reused vocabulary, stored as missing. */
  readonly unseenCategories: number;
  readonly missingByColumn: Readonly<Record<string, number>>;
  readonly infiniteByColumn: Readonly<Record<string, number>>;
  readonly unseenByColumn: Readonly<Record<string, number>>;
  /** Rows per class name, in class order. */
  readonly classCounts: Readonly<Record<string, number>>;
  /** Skipped rows per raw label value. */
  readonly skippedLabels: Readonly<Record<string, number>>;
}

/** What {@link DatasetBuilder.finish} returns. */
export interface DatasetBuildResult {
  readonly dataset: Dataset;
  readonly warnings: readonly DatasetWarning[];
  readonly stats: DatasetBuildStats;
}

/**
 * Turns the header and rows of a flow CSV, already split into cells, into a columnar Dataset. Pure and
 * push-based, so any reader (file stream, HTTP upload, test) can feed it.
 */
export interface DatasetBuilder {
  readonly schema: FlowSchema;
  /** The features the dataset will have, in order (categories filled in by finish()). */
  readonly features: readonly FeatureInfo[];
  /** Rows accepted so far. */
  readonly rows: number;
  /** Reads the header; throws DataFormatError on missing required or duplicate columns. */
  setHeader(cells: readonly string[]): void;
  /**
   * Adds one data row; `rowNumber` is only for messages (readers pass the spreadsheet row: header = 1).
   * Throws DataFormatError on a wrong cell count, a non-numeric cell or an unknown label.
   */
  pushRow(cells: readonly string[], rowNumber: number): void;
  /** The dataset; throws DataFormatError when there was no header or no row. Call once. */
  finish(): DatasetBuildResult;
}
