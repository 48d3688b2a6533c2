import {
  argmaxRows,
  averageScores,
  logLoss,
  type PrecisionRecallF1,
  perClassScores,
} from './classification.js';
import { accuracyFromConfusion, confusionMatrix } from './confusion.js';
import {
  averagePrecisionFromRanking,
  multiclassRocAuc,
  type PrPoint,
  prCurve,
  type RocPoint,
  rankScores,
  rocAucFromRanking,
  rocCurve,
} from './ranking.js';

/** Scores of one class (see PerClassScores for the definitions). */
export interface ClassMetrics {
  readonly name: string;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** One-vs-rest false positive rate: other classes' rows predicted as this class. */
  readonly fpr: number;
  /** Rows whose true class is this one. */
  readonly support: number;
}

/**
 * Everything `evaluateClassifier` measures, as plain JSON (undefined values are null, never NaN).
 * - accuracy: share of rows predicted right.
 * - binary: precision / recall / F1 of class 1 (null for multi-class); macro and weighted as in
 *   {@link Averaging}.
 * - fpr: binary → FP / (FP + TN) of class 1 (benign rows flagged); multi-class → the mean of the
 *   one-vs-rest FPRs over the classes present (same class set as macro).
 * - rocAuc: binary → ROC AUC of P(class 1); multi-class → one-vs-rest macro ROC AUC.
 * - prAuc: binary → average precision of P(class 1); null for multi-class.
 * - logLoss: mean negative natural log of the true class's probability, clipped at 1e-15.
 * - confusion: rows = true class, columns = predicted class.
 * - rocCurve / prCurve: thinned plot points (binary only, else null).
 */
export interface ClassificationReport {
  readonly nRows: number;
  readonly classNames: string[];
  /** Binary: class 1 is predicted when P(class 1) ≥ threshold. Null for multi-class (argmax). */
  readonly threshold: number | null;
  readonly accuracy: number;
  readonly binary: PrecisionRecallF1 | null;
  readonly macro: PrecisionRecallF1;
  readonly weighted: PrecisionRecallF1;
  readonly fpr: number;
  readonly rocAuc: number | null;
  readonly prAuc: number | null;
  readonly logLoss: number;
  readonly confusion: number[][];
  readonly perClass: ClassMetrics[];
  readonly rocCurve: RocPoint[] | null;
  readonly prCurve: PrPoint[] | null;
}

/** Inputs of {@link evaluateClassifier}. */
export interface EvaluateClassifierInput {
  /** True class per row, 0..classNames.length-1. */
  readonly labels: Int32Array;
  /** Row-major nRows × nOutputs; for a binary model nOutputs may be 1 (= P(class 1)). */
  readonly probabilities: Float64Array;
  readonly classNames: readonly string[];
  /** Binary decision threshold on P(class 1); default 0.5. Ignored for multi-class. */
  readonly threshold?: number;
  /** Maximum points per curve (default 200). */
  readonly maxCurvePoints?: number;
}

/** Per-class precision, recall, F1, FPR and support from a confusion matrix, named. */
export function classReport(confusion: number[][], classNames: readonly string[]): ClassMetrics[] {
  if (classNames.length !== confusion.length) {
    throw new RangeError(`classReport: ${classNames.length} class names for ${confusion.length} classes`);
  }
  const s = perClassScores(confusion);
  return classNames.map((name, c) => ({
    name,
    precision: s.precision[c],
    recall: s.recall[c],
    f1: s.f1[c],
    fpr: s.fpr[c],
    support: s.support[c],
  }));
}

/** Evaluates predicted probabilities against true labels: every metric in one JSON-ready report. */
export function evaluateClassifier(input: EvaluateClassifierInput): ClassificationReport {
  const { labels, probabilities, classNames } = input;
  const nRows = labels.length;
  const nClasses = classNames.length;
  if (nClasses < 2) throw new RangeError(`evaluateClassifier: need ≥ 2 class names, got ${nClasses}`);
  if (nRows === 0) throw new RangeError('evaluateClassifier: no rows to evaluate');
  const nOutputs = probabilities.length / nRows;
  if (nOutputs !== nClasses && !(nClasses === 2 && nOutputs === 1)) {
    throw new RangeError(
      `evaluateClassifier: ${probabilities.length} probabilities for ${nRows} rows and ${nClasses} classes`,
    );
  }
  const threshold = input.threshold ?? 0.5;
  if (!Number.isFinite(threshold))
    throw new RangeError(`evaluateClassifier: threshold must be finite, got ${threshold}`);
  const binary = nClasses === 2;

  let predicted: Int32Array;
  let positive: Float64Array | undefined;
  if (binary) {
    positive = new Float64Array(nRows);
    for (let i = 0; i < nRows; i++) positive[i] = probabilities[i * nOutputs + nOutputs - 1];
    predicted = new Int32Array(nRows);
    for (let i = 0; i < nRows; i++) predicted[i] = positive[i] >= threshold ? 1 : 0;
  } else {
    predicted = argmaxRows(probabilities, nRows, nClasses);
  }
  const confusion = confusionMatrix(labels, predicted, nClasses);
  const perClass = classReport(confusion, classNames);

  let rocAuc: number;
  let prAuc = Number.NaN;
  let curves: { roc: RocPoint[]; pr: PrPoint[] } | null = null;
  if (positive) {
    const ranking = rankScores(labels, positive);
    rocAuc = rocAucFromRanking(ranking);
    prAuc = averagePrecisionFromRanking(ranking);
    const maxPoints = input.maxCurvePoints ?? 200;
    curves = { roc: rocCurve(labels, positive, maxPoints), pr: prCurve(labels, positive, maxPoints) };
  } else {
    rocAuc = multiclassRocAuc(labels, probabilities, nRows, nClasses);
  }

  let fpr: number;
  if (binary) {
    fpr = perClass[1].fpr;
  } else {
    // Mean over the classes macro averaging counts: those seen in the true or predicted labels.
    let sum = 0;
    let counted = 0;
    perClass.forEach((c, k) => {
      if (c.support > 0 || confusion.some((row) => row[k] > 0)) {
        sum += c.fpr;
        counted++;
      }
    });
    fpr = counted > 0 ? sum / counted : 0;
  }

  return {
    nRows,
    classNames: [...classNames],
    threshold: binary ? threshold : null,
    accuracy: accuracyFromConfusion(confusion),
    binary: binary ? averageScores(confusion, 'binary', 1) : null,
    macro: averageScores(confusion, 'macro'),
    weighted: averageScores(confusion, 'weighted'),
    fpr,
    rocAuc: finiteOrNull(rocAuc),
    prAuc: finiteOrNull(prAuc),
    logLoss: logLoss(labels, probabilities, nRows, nOutputs),
    confusion,
    perClass,
    rocCurve: curves ? curves.roc : null,
    prCurve: curves ? curves.pr : null,
  };
}

function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
