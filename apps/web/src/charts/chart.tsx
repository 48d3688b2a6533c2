import { type ReactNode, useEffect, useRef } from 'react';
import { fileSlug, type TableData, toCsv } from '../lib/csv';
import { downloadText, downloadUrl } from '../lib/download';
import { type ChartOption, echarts, PALETTE } from './echarts';

const BASE: ChartOption = {
  color: PALETTE,
  aria: { enabled: true },
  animationDuration: 300,
  textStyle: { fontFamily: 'inherit' },
};

/** A thin React wrapper around one ECharts instance: sized to its box, re-drawn when `option` changes. */
export function EChart({ option, height, label }: { option: ChartOption; height: number; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    if (!box.current) return;
    const instance = echarts.init(box.current, undefined, { renderer: 'canvas' });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(box.current);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption({ ...BASE, ...option }, { notMerge: true });
  }, [option]);

  return (
    <div
      ref={box}
      className="chart-canvas"
      style={{ height }}
      role="img"
      aria-label={label}
      data-chart={label}
    />
  );
}

/** PNG of the chart in `box` (white background, twice the screen resolution). */
function chartPng(box: HTMLElement | null): string | null {
  const el = box?.querySelector<HTMLElement>('[data-chart]');
  const instance = el ? echarts.getInstanceByDom(el) : undefined;
  return instance ? instance.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#ffffff' }) : null;
}

export interface ChartCardProps {
  title: string;
  /** Shown under the title: what the chart counts and over which window. */
  subtitle?: string;
  option: ChartOption;
  /** The numbers behind the chart, for the CSV download. */
  table: TableData;
  height?: number;
  /** Replaces the chart (e.g. an empty state) when set. */
  placeholder?: ReactNode;
  /** Extra controls in the header (e.g. the widget's move/remove buttons). */
  actions?: ReactNode;
  /** Shown under the chart (e.g. a table with links). */
  children?: ReactNode;
}

/** A card with a chart and its "PNG" and "CSV" downloads. */
export function ChartCard({
  title,
  subtitle,
  option,
  table,
  height = 260,
  placeholder,
  actions,
  children,
}: ChartCardProps) {
  const card = useRef<HTMLElement>(null);
  const slug = fileSlug(title);
  const exportable = !placeholder;
  return (
    <section className="card chart-card" ref={card} aria-label={title}>
      <header className="card-header">
        <div>
          <h2>{title}</h2>
          {subtitle && <p className="muted small">{subtitle}</p>}
        </div>
        <div className="card-actions">
          <button
            type="button"
            className="btn btn-small"
            disabled={!exportable}
            aria-label={`Download ${title} as PNG`}
            onClick={() => {
              const url = chartPng(card.current);
              if (url) downloadUrl(`${slug}.png`, url);
            }}
          >
            PNG
          </button>
          <button
            type="button"
            className="btn btn-small"
            disabled={!exportable}
            aria-label={`Download the data of ${title} as CSV`}
            onClick={() => downloadText(`${slug}.csv`, toCsv(table))}
          >
            CSV
          </button>
          {actions}
        </div>
      </header>
      {placeholder ?? <EChart option={option} height={height} label={title} />}
      {!placeholder && children}
    </section>
  );
}
