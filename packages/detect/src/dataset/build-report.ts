import { classCounts, type Dataset } from '@vigil/ml';
import type { FlowFeatureColumn } from '../schemas/flow-schema.js';
import { type DatasetBuildStats, DatasetWarning } from './dataset-builder.types.js';

/** What the builder counted, handed over once at finish. */
export interface BuildCounts {
  readonly dataset: Dataset;
  readonly columnsSpec: readonly FlowFeatureColumn[];
  /** Header position per feature, -1 when an optional column was absent. */
  readonly sources: Int32Array;
  readonly missing: Float64Array;
  readonly infinite: Float64Array;
  readonly unseen: Float64Array;
  readonly skipped: number;
  readonly skippedLabels: ReadonlyMap<string, number>;
  readonly ignoredColumns: readonly string[];
  readonly schemaId: string;
  /** Filled with the warnings. */
  readonly warnings: DatasetWarning[];
}

/** Turns the builder's counters into stats and the warnings a user should see. */
export function buildReport(c: BuildCounts): DatasetBuildStats {
  const { dataset, columnsSpec, warnings } = c;
  const byColumn = (counts: Float64Array): Record<string, number> => {
    const out: Record<string, number> = {};
    counts.forEach((v, f) => {
      if (v > 0) out[columnsSpec[f].name] = v;
    });
    return out;
  };
  const sum = (a: Float64Array): number => a.reduce((s, v) => s + v, 0);

  columnsSpec.forEach((col, f) => {
    if (c.sources[f] < 0) {
      warnings.push(
        new DatasetWarning(
          'absent-optional-column',
          `optional column "${col.name}" is absent from the file; the feature is all missing`,
          col.name,
        ),
      );
    }
    if (c.infinite[f] > 0) {
      warnings.push(
        new DatasetWarning(
          'infinite-values',
          `column "${col.name}": ${c.infinite[f]} infinite value(s) read as missing`,
          col.name,
          c.infinite[f],
        ),
      );
    }
    if (c.unseen[f] > 0) {
      warnings.push(
        new DatasetWarning(
          'unseen-categories',
          `column "${col.name}": ${c.unseen[f]} value(s) not in the reused vocabulary, read as missing`,
          col.name,
          c.unseen[f],
        ),
      );
    }
  });
  if (c.ignoredColumns.length > 0) {
    const shown = c.ignoredColumns.slice(0, 8).map((n) => `"${n}"`);
    if (c.ignoredColumns.length > 8) shown.push(`… (${c.ignoredColumns.length} in all)`);
    warnings.push(
      new DatasetWarning(
        'ignored-columns',
        `${c.ignoredColumns.length} column(s) unknown to schema "${c.schemaId}" were ignored: ${shown.join(', ')}`,
        undefined,
        c.ignoredColumns.length,
      ),
    );
  }
  const skippedLabels: Record<string, number> = {};
  for (const [label, count] of c.skippedLabels) skippedLabels[label] = count;
  if (c.skipped > 0) {
    const top = [...c.skippedLabels]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([label, count]) => `${JSON.stringify(label)} (${count})`);
    warnings.push(
      new DatasetWarning(
        'skipped-rows',
        `${c.skipped} row(s) with unknown labels were skipped: ${top.join(', ')}`,
        undefined,
        c.skipped,
      ),
    );
  }
  const counts = classCounts(dataset);
  const classNames = dataset.classNames ?? [];
  const perClass: Record<string, number> = {};
  classNames.forEach((name, k) => {
    perClass[name] = counts[k] ?? 0;
  });
  const empty = classNames.filter((name) => perClass[name] === 0);
  if (empty.length > 0) {
    warnings.push(
      new DatasetWarning(
        'empty-classes',
        `no rows for class(es): ${empty.join(', ')}`,
        undefined,
        empty.length,
      ),
    );
  }
  return {
    rows: dataset.nRows,
    skipped: c.skipped,
    missingCells: sum(c.missing),
    infiniteCells: sum(c.infinite),
    unseenCategories: sum(c.unseen),
    missingByColumn: byColumn(c.missing),
    infiniteByColumn: byColumn(c.infinite),
    unseenByColumn: byColumn(c.unseen),
    classCounts: perClass,
    skippedLabels,
  };
}
