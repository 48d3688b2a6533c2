import { createDataset, type FeatureInfo } from '@vigil/ml';
import { DataFormatError, quoteCell } from '../errors/data-format.error.js';
import type { FlowFeatureColumn, FlowSchema, LabelMapping } from '../schemas/flow-schema.js';
import { matchHeader } from '../schemas/header-match.js';
import { buildReport } from './build-report.js';
import { checkClassNames, resolveDropColumn } from './builder-options.js';
import { CATEGORY_MISSING, CATEGORY_UNSEEN, CategoryVocabulary } from './category-vocabulary.js';
import type {
  DatasetBuilder,
  DatasetBuilderOptions,
  DatasetBuildResult,
  DatasetWarning,
} from './dataset-builder.types.js';
import { classifyNumericCell, FLOAT32_MAX } from './numeric-cell.js';

const INITIAL_CAPACITY = 1024;
// Distinct raw labels remembered; beyond this (garbage labels with unknownLabel 'skip') we stop caching.
const LABEL_CACHE_LIMIT = 10_000;

/** Creates a {@link DatasetBuilder} reading rows of `schema` for one target. */
export function createDatasetBuilder(schema: FlowSchema, options: DatasetBuilderOptions): DatasetBuilder {
  return new FlowDatasetBuilder(schema, options);
}

class FlowDatasetBuilder implements DatasetBuilder {
  readonly features: readonly FeatureInfo[];
  private readonly columnsSpec: readonly FlowFeatureColumn[];
  private readonly mapping: LabelMapping;
  private readonly classNames: readonly string[];
  private readonly vocabularies: (CategoryVocabulary | undefined)[];
  private readonly skipUnknown: boolean;
  private readonly labelCache = new Map<string, number>();

  // Set by setHeader.
  private headerSet = false;
  private nCells = 0;
  private labelPos = -1;
  private sources = new Int32Array(0);
  private ignoredColumns: readonly string[] = [];

  // Growing storage.
  private capacity: number;
  private columns: Float32Array[];
  private labels: Int32Array;
  private n = 0;

  // Counts.
  private skipped = 0;
  private readonly skippedLabels = new Map<string, number>();
  private readonly missing: Float64Array;
  private readonly infinite: Float64Array;
  private readonly unseen: Float64Array;
  private finished = false;

  constructor(
    readonly schema: FlowSchema,
    options: DatasetBuilderOptions,
  ) {
    this.mapping = schema.labels[options.target];
    if (!this.mapping) throw new RangeError(`unknown target "${options.target}"; use binary or category`);
    this.skipUnknown = options.unknownLabel === 'skip';
    const drop = new Set((options.dropColumns ?? []).map((name) => resolveDropColumn(schema, name)));
    this.columnsSpec = schema.features.filter((f) => !drop.has(f.name));
    this.classNames = checkClassNames(options.classNames, this.mapping, schema, options.target);
    const reused = new Map((options.categories ?? []).map((f) => [f.name, f.categories]));
    this.vocabularies = this.columnsSpec.map((f) =>
      f.kind === 'categorical' ? new CategoryVocabulary(reused.get(f.name)) : undefined,
    );
    this.features = this.columnsSpec.map((f, i) => featureInfo(f, this.vocabularies[i]));
    this.capacity = Math.max(INITIAL_CAPACITY, Math.ceil(options.expectedRows ?? 0));
    this.columns = this.columnsSpec.map(() => new Float32Array(this.capacity));
    this.labels = new Int32Array(this.capacity);
    const k = this.columnsSpec.length;
    this.missing = new Float64Array(k);
    this.infinite = new Float64Array(k);
    this.unseen = new Float64Array(k);
  }

  get rows(): number {
    return this.n;
  }

  setHeader(cells: readonly string[]): void {
    if (this.headerSet) throw new Error('dataset builder: setHeader called twice');
    const m = matchHeader(this.schema, cells);
    const dup = m.duplicates[0];
    if (dup) {
      throw new DataFormatError(
        'duplicate-column',
        `row 1: column "${dup.name}" appears twice (columns ${dup.first + 1} and ${dup.second + 1})`,
        {
          row: 1,
          column: dup.name,
          expected: 'each column once',
          got: `columns ${dup.first + 1} and ${dup.second + 1}`,
        },
      );
    }
    const kept = new Set(this.columnsSpec.map((f) => f.name));
    const missing = m.missing.filter((name) => kept.has(name));
    if (!m.positions.has(this.mapping.column)) missing.push(this.mapping.column);
    if (missing.length > 0) {
      const list = missing
        .slice(0, 10)
        .map((c) => `"${c}"`)
        .concat(missing.length > 10 ? [`and ${missing.length - 10} more`] : [])
        .join(', ');
      throw new DataFormatError(
        'missing-columns',
        `row 1: the header lacks ${missing.length} column(s) required by schema "${this.schema.id}": ${list}`,
        { row: 1, expected: `the columns of schema "${this.schema.id}"`, missingColumns: missing },
      );
    }
    this.nCells = cells.length;
    this.labelPos = m.positions.get(this.mapping.column)!;
    this.sources = Int32Array.from(this.columnsSpec, (f) => m.positions.get(f.name) ?? -1);
    this.ignoredColumns = m.unknown;
    this.headerSet = true;
  }

  pushRow(cells: readonly string[], rowNumber: number): void {
    if (!this.headerSet) throw new Error('dataset builder: setHeader must come before pushRow');
    if (cells.length !== this.nCells) {
      throw new DataFormatError(
        'ragged-row',
        `row ${rowNumber}: expected ${this.nCells} cells like the header, got ${cells.length}`,
        { row: rowNumber, expected: `${this.nCells} cells`, got: `${cells.length} cells` },
      );
    }
    const rawLabel = cells[this.labelPos];
    let y = this.labelCache.get(rawLabel);
    if (y === undefined) {
      y = this.resolveLabel(rawLabel);
      if (this.labelCache.size < LABEL_CACHE_LIMIT) this.labelCache.set(rawLabel, y);
    }
    if (y < 0) {
      if (!this.skipUnknown) throw this.unknownLabelError(rawLabel, rowNumber);
      this.skipped++;
      this.skippedLabels.set(rawLabel, (this.skippedLabels.get(rawLabel) ?? 0) + 1);
      return;
    }
    if (this.n === this.capacity) this.grow();
    const r = this.n;
    const { columns, sources, vocabularies } = this;
    for (let f = 0; f < columns.length; f++) {
      const src = sources[f];
      if (src < 0) {
        columns[f][r] = Number.NaN;
        continue;
      }
      const cell = cells[src];
      const vocab = vocabularies[f];
      if (vocab !== undefined) {
        const code = vocab.code(cell);
        if (code >= 0) columns[f][r] = code;
        else {
          columns[f][r] = Number.NaN;
          if (code === CATEGORY_MISSING) this.missing[f]++;
          else if (code === CATEGORY_UNSEEN) this.unseen[f]++;
        }
        continue;
      }
      // Fast path: a plain finite number; anything else goes through the classifier. Number(' ') is 0,
      // so a zero is only trusted when the cell does not start with whitespace or is not blank.
      const v = cell.length === 0 ? Number.NaN : +cell;
      if (Math.abs(v) <= FLOAT32_MAX && (v !== 0 || cell.charCodeAt(0) > 32 || cell.trim().length > 0)) {
        columns[f][r] = v;
        continue;
      }
      columns[f][r] = Number.NaN;
      const kind = classifyNumericCell(cell);
      if (kind === 'missing') this.missing[f]++;
      else if (kind === 'infinite') this.infinite[f]++;
      else {
        const column = this.columnsSpec[f].name;
        throw new DataFormatError(
          'not-a-number',
          `row ${rowNumber}, column "${column}": expected a number, got ${quoteCell(cell)}`,
          { row: rowNumber, column, expected: 'a number', got: cell },
        );
      }
    }
    this.labels[r] = y;
    this.n = r + 1;
  }

  finish(): DatasetBuildResult {
    if (this.finished) throw new Error('dataset builder: finish called twice');
    if (!this.headerSet) {
      throw new DataFormatError('empty-file', 'the input is empty: expected a header row, found nothing', {
        row: 1,
        expected: 'a header row',
        got: 'nothing',
      });
    }
    if (this.n === 0) {
      const why =
        this.skipped > 0
          ? `all ${this.skipped} data rows were skipped for unknown labels`
          : 'the header is not followed by any data row';
      throw new DataFormatError('no-rows', `no data rows: ${why}`, {
        row: 2,
        expected: 'at least one data row',
        got: this.skipped > 0 ? `${this.skipped} skipped rows` : 'end of input',
      });
    }
    this.finished = true;
    const n = this.n;
    const columns = this.columns.map((c) => c.slice(0, n));
    this.vocabularies.forEach((v, f) => {
      v?.sortCodes(columns[f], n);
    });
    const features = this.columnsSpec.map((f, i) => featureInfo(f, this.vocabularies[i]));
    const labels = this.labels.slice(0, n);
    // Free the growth buffers now: the caller may hold the builder while using the dataset.
    this.columns = [];
    this.labels = new Int32Array(0);
    const dataset = createDataset({ features, columns, labels, classNames: this.classNames });
    const warnings: DatasetWarning[] = [];
    const stats = buildReport({
      dataset,
      columnsSpec: this.columnsSpec,
      sources: this.sources,
      missing: this.missing,
      infinite: this.infinite,
      unseen: this.unseen,
      skipped: this.skipped,
      skippedLabels: this.skippedLabels,
      ignoredColumns: this.ignoredColumns,
      schemaId: this.schema.id,
      warnings,
    });
    return { dataset, warnings, stats };
  }

  private resolveLabel(raw: string): number {
    const cls = this.mapping.classify(raw);
    return cls === undefined ? -1 : this.classNames.indexOf(cls);
  }

  private unknownLabelError(raw: string, rowNumber: number): DataFormatError {
    const allowed = this.mapping.expected;
    const shown =
      allowed.slice(0, 12).join(', ') + (allowed.length > 12 ? `, … (${allowed.length} values)` : '');
    const column = this.mapping.column;
    return new DataFormatError(
      'unknown-label',
      `row ${rowNumber}, column "${column}": unknown label ${quoteCell(raw)}; expected one of: ${shown}`,
      { row: rowNumber, column, expected: `one of: ${shown}`, got: raw, allowed },
    );
  }

  private grow(): void {
    const capacity = this.capacity * 2;
    this.columns = this.columns.map((c) => {
      const next = new Float32Array(capacity);
      next.set(c);
      return next;
    });
    const labels = new Int32Array(capacity);
    labels.set(this.labels);
    this.labels = labels;
    this.capacity = capacity;
  }
}

function featureInfo(f: FlowFeatureColumn, vocab: CategoryVocabulary | undefined): FeatureInfo {
  return vocab
    ? { name: f.name, kind: 'categorical', categories: [...vocab.values] }
    : { name: f.name, kind: 'numeric' };
}
