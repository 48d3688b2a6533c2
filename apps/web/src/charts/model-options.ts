// Charts of a model's test metrics, read defensively from the free-form `metrics` of a model
// document (`vigil train` stores { test: ClassificationReport, topFeatures: [{ name, value }] }).

import type { ChartSpec } from './options';

export interface CurvePoint {
  x: number;
  y: number;
  threshold: number | null;
}

export interface ClassRow {
  name: string;
  precision: number;
  recall: number;
  f1: number;
  fpr: number;
  support: number;
}

/** What the Models page can draw; each part null when the model's metrics lack it. */
export interface ModelReport {
  classNames: string[] | null;
  threshold: number | null;
  numbers: { label: string; value: number | null }[];
  roc: CurvePoint[] | null;
  pr: CurvePoint[] | null;
  confusion: number[][] | null;
  perClass: ClassRow[] | null;
  importance: { name: string; value: number }[] | null;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function curve(v: unknown, xKey: string, yKey: string): CurvePoint[] | null {
  if (!Array.isArray(v) || v.length === 0) return null;
  const points: CurvePoint[] = [];
  for (const p of v) {
    if (!isObj(p)) return null;
    const x = num(p[xKey]);
    const y = num(p[yKey]);
    if (x === null || y === null) return null;
    points.push({ x, y, threshold: num(p.threshold) });
  }
  return points;
}

function matrix(v: unknown): number[][] | null {
  if (!Array.isArray(v) || v.length === 0) return null;
  if (!v.every((row) => Array.isArray(row) && row.length === v.length && row.every((n) => num(n) !== null)))
    return null;
  return v as number[][];
}

export function readModelReport(metrics: Obj): ModelReport {
  const test = isObj(metrics.test) ? metrics.test : {};
  const binary = isObj(test.binary) ? test.binary : isObj(test.macro) ? test.macro : {};
  const classNames =
    Array.isArray(test.classNames) && test.classNames.every((c) => typeof c === 'string')
      ? (test.classNames as string[])
      : null;
  const perClass =
    Array.isArray(test.perClass) && test.perClass.every(isObj)
      ? (test.perClass as Obj[]).map((c) => ({
          name: String(c.name),
          precision: num(c.precision) ?? Number.NaN,
          recall: num(c.recall) ?? Number.NaN,
          f1: num(c.f1) ?? Number.NaN,
          fpr: num(c.fpr) ?? Number.NaN,
          support: num(c.support) ?? 0,
        }))
      : null;
  const importance = Array.isArray(metrics.topFeatures)
    ? (metrics.topFeatures as unknown[])
        .filter(isObj)
        .map((f) => ({ name: String(f.name), value: num(f.value) ?? 0 }))
    : null;
  return {
    classNames,
    threshold: num(test.threshold),
    numbers: [
      { label: 'Accuracy', value: num(test.accuracy) },
      { label: 'Precision', value: num(binary.precision) },
      { label: 'Recall', value: num(binary.recall) },
      { label: 'F1', value: num(binary.f1) },
      { label: 'False positive rate', value: num(test.fpr) },
      { label: 'ROC AUC', value: num(test.rocAuc) },
      { label: 'PR AUC', value: num(test.prAuc) },
      { label: 'Log loss', value: num(test.logLoss) },
      { label: 'Test rows', value: num(test.nRows) },
    ],
    roc: curve(test.rocCurve, 'fpr', 'tpr'),
    pr: curve(test.prCurve, 'recall', 'precision'),
    confusion: matrix(test.confusion),
    perClass,
    importance: importance && importance.length > 0 ? importance : null,
  };
}

const AXIS = { type: 'value', min: 0, max: 1, splitNumber: 5 } as const;

function curveSpec(points: CurvePoint[], xName: string, yName: string, diagonal: boolean): ChartSpec {
  return {
    option: {
      tooltip: { trigger: 'axis' },
      grid: { left: 24, right: 16, top: 12, bottom: 36, containLabel: true },
      xAxis: { ...AXIS, name: xName, nameLocation: 'middle', nameGap: 26 },
      yAxis: { ...AXIS, name: yName, nameLocation: 'middle', nameGap: 32 },
      series: [
        { name: yName, type: 'line', showSymbol: false, data: points.map((p) => [p.x, p.y]) },
        ...(diagonal
          ? [
              {
                name: 'chance',
                type: 'line',
                showSymbol: false,
                lineStyle: { type: 'dashed', color: '#9ca3af' },
                data: [
                  [0, 0],
                  [1, 1],
                ],
              },
            ]
          : []),
      ],
    },
    table: {
      columns: [
        xName.toLowerCase().replaceAll(' ', '_'),
        yName.toLowerCase().replaceAll(' ', '_'),
        'threshold',
      ],
      rows: points.map((p) => [p.x, p.y, p.threshold]),
    },
  };
}

export const rocSpec = (points: CurvePoint[]) =>
  curveSpec(points, 'False positive rate', 'True positive rate', true);
export const prSpec = (points: CurvePoint[]) => curveSpec(points, 'Recall', 'Precision', false);

/** Heatmap of the confusion matrix: rows = true class (top to bottom), columns = predicted class. */
export function confusionSpec(m: number[][], classNames: readonly string[] | null): ChartSpec {
  const names =
    classNames && classNames.length === m.length ? [...classNames] : m.map((_, i) => `class ${i}`);
  const cells: [number, number, number][] = [];
  let max = 0;
  m.forEach((row, t) => {
    row.forEach((n, p) => {
      cells.push([p, t, n]);
      max = Math.max(max, n);
    });
  });
  return {
    option: {
      tooltip: {
        formatter: (p: { value: number[] }) =>
          `true ${names[p.value[1]]}, predicted ${names[p.value[0]]}: ${p.value[2]}`,
      },
      grid: { left: 16, right: 16, top: 16, bottom: 56, containLabel: true },
      // The subtitle says which axis is which; axis names would collide with the colour scale.
      xAxis: { type: 'category', data: names, splitArea: { show: true } },
      yAxis: { type: 'category', data: names, inverse: true, splitArea: { show: true } },
      visualMap: {
        min: 0,
        max: Math.max(1, max),
        calculable: false,
        orient: 'horizontal',
        left: 'center',
        bottom: 0,
        itemHeight: 120,
        inRange: { color: ['#eff6ff', '#1d4ed8'] },
      },
      series: [{ name: 'rows', type: 'heatmap', data: cells, label: { show: true } }],
    },
    table: {
      columns: ['true_class', ...names.map((n) => `predicted_${n}`)],
      rows: m.map((row, t) => [names[t], ...row]),
    },
  };
}

/** Horizontal bars of feature importance (gain), the biggest on top. */
export function importanceSpec(features: readonly { name: string; value: number }[]): ChartSpec {
  const sorted = [...features].sort((a, b) => a.value - b.value);
  return {
    option: {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      grid: { left: 8, right: 24, top: 8, bottom: 24, containLabel: true },
      xAxis: { type: 'value', name: 'gain' },
      yAxis: { type: 'category', data: sorted.map((f) => f.name) },
      series: [
        {
          name: 'importance',
          type: 'bar',
          itemStyle: { color: '#7c3aed' },
          data: sorted.map((f) => f.value),
        },
      ],
    },
    table: { columns: ['feature', 'importance_gain'], rows: features.map((f) => [f.name, f.value]) },
  };
}
