import type { TopFeature } from '../api/types';
import { ChartCard } from '../charts/chart';
import { formatNumber } from '../lib/format';

/** Risk score 0–100 with a colour band (and the band's name for those who cannot see colour). */
export function RiskBadge({ score }: { score: number }) {
  const band = score >= 80 ? 'critical' : score >= 50 ? 'high' : score >= 25 ? 'medium' : 'low';
  return (
    <span className={`risk risk-${band}`} title={`risk ${score} (${band})`}>
      {score}
      <span className="sr-only"> ({band})</span>
    </span>
  );
}

export function VerdictPill({ verdict }: { verdict: 'benign' | 'attack' }) {
  return <span className={`pill pill-${verdict}`}>{verdict}</span>;
}

/** Why the model decided so: the features that weighed most, as a chart and a table. */
export function Explanation({
  features,
  title = 'Why: top contributing features',
}: {
  features: readonly TopFeature[];
  title?: string;
}) {
  if (features.length === 0) {
    return (
      <p className="muted">
        No explanation was computed for this prediction (the server explains alerts only by default).
      </p>
    );
  }
  const sorted = [...features].sort((a, b) => Math.abs(a.contribution) - Math.abs(b.contribution));
  return (
    <ChartCard
      title={title}
      subtitle="positive values push towards attack, negative towards benign"
      height={Math.max(120, features.length * 28 + 40)}
      option={{
        tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
        grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
        xAxis: { type: 'value' },
        yAxis: { type: 'category', data: sorted.map((f) => f.name) },
        series: [
          {
            name: 'contribution',
            type: 'bar',
            data: sorted.map((f) => ({
              value: f.contribution,
              itemStyle: { color: f.contribution >= 0 ? '#dc2626' : '#2563eb' },
            })),
          },
        ],
      }}
      table={{
        columns: ['feature', 'value', 'contribution'],
        rows: features.map((f) => [f.name, f.value, f.contribution]),
      }}
    >
      <table className="table table-compact">
        <thead>
          <tr>
            <th scope="col">Feature</th>
            <th scope="col" className="num">
              Value
            </th>
            <th scope="col" className="num">
              Contribution
            </th>
          </tr>
        </thead>
        <tbody>
          {features.map((f) => (
            <tr key={f.name}>
              <td>{f.name}</td>
              <td className="num">{f.value === null ? 'missing' : formatNumber(f.value)}</td>
              <td className="num">{formatNumber(f.contribution)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ChartCard>
  );
}

/** A definition list of label → value pairs. */
export function Facts({ items }: { items: [string, React.ReactNode][] }) {
  return (
    <dl className="facts">
      {items.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
