import type { ClassificationReport } from '@vigil/ml';
import type { TrainOutcome } from './training.service.js';

const pct = (x: number | null): string => (x === null ? '—' : x.toFixed(4));

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) =>
    cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Metrics, per-class scores and the confusion matrix as aligned plain text. */
export function renderClassificationReport(r: ClassificationReport): string {
  const headline: string[][] = [['accuracy', pct(r.accuracy)]];
  if (r.binary) {
    headline.push(
      ['precision (attack)', pct(r.binary.precision)],
      ['recall (attack)', pct(r.binary.recall)],
      ['F1 (attack)', pct(r.binary.f1)],
      ['false positive rate', pct(r.fpr)],
      ['ROC AUC', pct(r.rocAuc)],
      ['PR AUC', pct(r.prAuc)],
      ['threshold', r.threshold === null ? '—' : String(r.threshold)],
    );
  } else {
    headline.push(
      ['macro F1', pct(r.macro.f1)],
      ['weighted F1', pct(r.weighted.f1)],
      ['mean one-vs-rest FPR', pct(r.fpr)],
      ['ROC AUC (macro one-vs-rest)', pct(r.rocAuc)],
    );
  }
  headline.push(['log loss', pct(r.logLoss)]);
  const perClass = table(
    ['class', 'precision', 'recall', 'F1', 'FPR', 'support'],
    r.perClass.map((c) => [
      c.name,
      pct(c.precision),
      pct(c.recall),
      pct(c.f1),
      pct(c.fpr),
      String(c.support),
    ]),
  );
  const confusion = table(
    ['true \\ predicted', ...r.classNames],
    r.confusion.map((row, i) => [r.classNames[i], ...row.map(String)]),
  );
  return [
    table(['metric', 'value'], headline),
    '',
    perClass,
    '',
    'Confusion matrix (rows: true class, columns: predicted class)',
    confusion,
  ].join('\n');
}

/** The full text report printed after `vigil train`. */
export function renderTrainingReport(outcome: TrainOutcome, meta: { schema: string; rows: number }): string {
  const doc = outcome.document;
  const s = outcome.split;
  const features = table(
    ['top features (gain)', 'importance'],
    outcome.topFeatures.map((f) => [f.name, f.value.toFixed(3)]),
  );
  return [
    `Trained ${doc.algorithm} on ${meta.rows} rows (${meta.schema}, target ${doc.featureSpec.target.kind}: ${doc.featureSpec.target.classNames.join(', ')})`,
    `split: ${s.train} train / ${s.validation} validation / ${s.test} test · ${doc.ensemble.trees.length} trees · ${(outcome.durationMs / 1000).toFixed(2)} s`,
    '',
    `Held-out test metrics (${outcome.report.nRows} rows)`,
    renderClassificationReport(outcome.report),
    '',
    features,
    '',
  ].join('\n');
}
