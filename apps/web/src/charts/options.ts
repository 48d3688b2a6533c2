// Chart options built from API answers, each with the table behind it (for the CSV download).
// Pure functions: no ECharts import, so they are cheap to test.

import type { StatsSummary, Talker, Timeseries } from '../api/types';
import { seriesTable, type TableData } from '../lib/csv';
import type { ChartOption } from './echarts';

export interface ChartSpec {
  option: ChartOption;
  table: TableData;
}

const GRID = { left: 48, right: 16, top: 36, bottom: 32, containLabel: true };

/** Bucket label in local time: `14:05` for minutes, `14:00` or `Mar 4 14:00` for hours, `2026-03-04` for days. */
export function bucketLabel(iso: string, bucket: Timeseries['bucket'], multiDay: boolean): string {
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  const hm = `${p(d.getHours())}:${p(d.getMinutes())}`;
  if (bucket === 'day') return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
  if (!multiDay) return hm;
  return `${d.toLocaleString('en-GB', { month: 'short' })} ${d.getDate()} ${hm}`;
}

const seriesName = (key: string | null) => key ?? 'uncategorised';

/** Stacked bars of verdict (or category) counts per bucket. */
export function timelineSpec(ts: Timeseries): ChartSpec {
  const multiDay =
    ts.buckets.length > 0 &&
    new Date(ts.buckets[0]).toDateString() !== new Date(ts.buckets.at(-1) ?? '').toDateString();
  const labels = ts.buckets.map((b) => bucketLabel(b, ts.bucket, multiDay));
  const colours: Record<string, string> = { benign: '#2563eb', attack: '#dc2626' };
  const series = ts.series.map((s) => ({
    name: seriesName(s.key),
    type: 'bar',
    stack: 'total',
    barMaxWidth: 28,
    emphasis: { focus: 'series' },
    data: s.counts,
    ...(s.key && colours[s.key] ? { itemStyle: { color: colours[s.key] } } : {}),
  }));
  return {
    option: {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: GRID,
      xAxis: { type: 'category', data: labels },
      yAxis: { type: 'value', minInterval: 1, name: 'flows' },
      series,
    },
    table: seriesTable(
      'bucket_start_utc',
      ts.buckets,
      ts.series.map((s) => ({ name: seriesName(s.key), values: s.counts })),
    ),
  };
}

/** Attack categories as a doughnut (benign rows are left out: they are not alerts). */
export function categorySpec(summary: StatsSummary): ChartSpec {
  const rows = summary.byCategory.filter((c) => c.category !== 'benign' && c.category !== 'normal');
  return {
    option: {
      tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
      legend: { type: 'scroll', orient: 'vertical', right: 0, top: 'middle' },
      series: [
        {
          type: 'pie',
          radius: ['45%', '75%'],
          center: ['38%', '50%'],
          label: { show: false },
          // A binary model's only category is `attack`: red, as everywhere else.
          data: rows.map((c) => ({
            name: seriesName(c.category),
            value: c.count,
            ...(c.category === 'attack' ? { itemStyle: { color: '#dc2626' } } : {}),
          })),
        },
      ],
    },
    table: { columns: ['category', 'count'], rows: rows.map((c) => [seriesName(c.category), c.count]) },
  };
}

/** Horizontal bars of alerts per address, the biggest on top. */
export function talkersSpec(talkers: readonly Talker[]): ChartSpec {
  const sorted = [...talkers].sort((a, b) => a.attacks - b.attacks);
  return {
    option: {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { top: 0 },
      grid: { ...GRID, left: 8 },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: sorted.map((t) => t.ip) },
      series: [
        {
          name: 'alerts',
          type: 'bar',
          stack: 'all',
          itemStyle: { color: '#dc2626' },
          data: sorted.map((t) => t.attacks),
        },
        {
          name: 'benign',
          type: 'bar',
          stack: 'all',
          itemStyle: { color: '#93c5fd' },
          data: sorted.map((t) => t.total - t.attacks),
        },
      ],
    },
    table: {
      columns: ['ip', 'alerts', 'total'],
      rows: talkers.map((t) => [t.ip, t.attacks, t.total]),
    },
  };
}

/** Counts of risk scores 0–100 in ten bins: [0,10), [10,20) … [90,100] (100 goes in the last). */
export function scoreBins(scores: readonly number[]): number[] {
  const bins = new Array<number>(10).fill(0);
  for (const s of scores) {
    if (!Number.isFinite(s)) continue;
    bins[Math.min(9, Math.max(0, Math.floor(s / 10)))]++;
  }
  return bins;
}

export function scoreSpec(scores: readonly number[]): ChartSpec {
  const bins = scoreBins(scores);
  const labels = bins.map((_, i) => (i === 9 ? '90–100' : `${i * 10}–${i * 10 + 9}`));
  return {
    option: {
      tooltip: { trigger: 'axis' },
      grid: GRID,
      xAxis: { type: 'category', data: labels, name: 'risk' },
      yAxis: { type: 'value', minInterval: 1, name: 'flows' },
      series: [
        {
          name: 'flows',
          type: 'bar',
          data: bins.map((n, i) => ({ value: n, itemStyle: { color: i >= 5 ? '#dc2626' : '#2563eb' } })),
        },
      ],
    },
    table: {
      columns: ['risk_from', 'risk_to', 'flows'],
      rows: bins.map((n, i) => [i * 10, i === 9 ? 100 : i * 10 + 9, n]),
    },
  };
}
