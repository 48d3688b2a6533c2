import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { ActiveModel, StatsSummary, Timeseries } from '../api/types';
import { ChartCard } from '../charts/chart';
import { categorySpec, scoreSpec, talkersSpec, timelineSpec } from '../charts/options';
import { Empty } from '../components/states';
import { formatCount, formatNumber, formatPercent, formatTime } from '../lib/format';
import { alertsLink } from '../lib/history-query';
import { WIDGETS, type WidgetId } from '../lib/widgets';

export interface OverviewData {
  summary?: StatsSummary;
  timeseries?: Timeseries;
  scores?: number[];
  active?: ActiveModel[];
  windowLabel: string;
}

function Kpi({
  label,
  value,
  hint,
  tone,
}: {
  label: string;
  value: ReactNode;
  hint?: ReactNode;
  tone?: 'alert';
}) {
  return (
    <div className={`kpi${tone ? ` kpi-${tone}` : ''}`}>
      <div className="kpi-label">{label}</div>
      <div className="kpi-value">{value}</div>
      {hint && <div className="kpi-hint">{hint}</div>}
    </div>
  );
}

function KpiWidget({ data, actions }: { data: OverviewData; actions: ReactNode }) {
  const s = data.summary;
  const production = data.active ?? [];
  return (
    <section className="card card-wide" aria-label={WIDGETS.kpis.title}>
      <header className="card-header">
        <h2>{WIDGETS.kpis.title}</h2>
        <div className="card-actions">{actions}</div>
      </header>
      <div className="kpis">
        <Kpi label="Flows scored" value={formatCount(s?.total)} hint={data.windowLabel} />
        <Kpi label="Alerts" value={formatCount(s?.byVerdict.attack)} hint="attack verdicts" tone="alert" />
        <Kpi
          label="Alert rate"
          value={formatPercent(s?.alertRate ?? null)}
          hint={`mean risk ${formatNumber(s?.meanRisk ?? null)}`}
        />
        <Kpi
          label="Model in production"
          value={
            production.length === 0 ? (
              <span className="kpi-none">none</span>
            ) : (
              production.map((m) => (
                <Link key={m.id} to={`/models/${encodeURIComponent(m.id)}`} className="kpi-model">
                  {m.kind} v{m.version}
                </Link>
              ))
            )
          }
          hint={
            production.length === 0
              ? 'promote one on the Models page'
              : production.map((m) => m.algorithm).join(', ')
          }
        />
      </div>
    </section>
  );
}

const noData = (what: string) => (
  <Empty title={`No ${what} in this window yet.`}>
    Score flows on the <Link to="/check">Check</Link> page, upload a <Link to="/batches">batch</Link>, or pick
    a longer window above.
  </Empty>
);

function TalkersTable({ summary, side }: { summary: StatsSummary; side: 'srcIp' | 'dstIp' }) {
  const talkers = side === 'srcIp' ? summary.topSources : summary.topDestinations;
  return (
    <table className="table table-compact">
      <caption className="sr-only">Alerts per address; each address links to its alerts in History</caption>
      <thead>
        <tr>
          <th scope="col">Address</th>
          <th scope="col" className="num">
            Alerts
          </th>
          <th scope="col" className="num">
            Flows
          </th>
        </tr>
      </thead>
      <tbody>
        {talkers.slice(0, 5).map((t) => (
          <tr key={t.ip}>
            <td>
              <Link to={alertsLink(summary.window, t.ip, side)}>{t.ip}</Link>
            </td>
            <td className="num">{formatCount(t.attacks)}</td>
            <td className="num">{formatCount(t.total)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One widget of the Overview, by id, with `actions` (move/remove) in its header. */
export function Widget({ id, data, actions }: { id: WidgetId; data: OverviewData; actions: ReactNode }) {
  const { summary, timeseries } = data;
  const title = WIDGETS[id].title;
  const waiting = <div className="chart-placeholder muted">Loading…</div>;
  switch (id) {
    case 'kpis':
      return <KpiWidget data={data} actions={actions} />;
    case 'timeline': {
      const spec = timeseries ? timelineSpec(timeseries) : null;
      const empty = timeseries?.series.every((s) => s.counts.every((n) => n === 0));
      return (
        <ChartCard
          title={title}
          subtitle={timeseries ? `${data.windowLabel}, per ${timeseries.bucket}` : undefined}
          option={spec?.option ?? {}}
          table={spec?.table ?? { columns: [], rows: [] }}
          placeholder={!spec ? waiting : empty ? noData('predictions') : undefined}
          actions={actions}
        />
      );
    }
    case 'categories': {
      const spec = summary ? categorySpec(summary) : null;
      return (
        <ChartCard
          title={title}
          subtitle={data.windowLabel}
          option={spec?.option ?? {}}
          table={spec?.table ?? { columns: [], rows: [] }}
          placeholder={!spec ? waiting : spec.table.rows.length === 0 ? noData('alerts') : undefined}
          actions={actions}
        />
      );
    }
    case 'topSources':
    case 'topDestinations': {
      const talkers = summary ? (id === 'topSources' ? summary.topSources : summary.topDestinations) : null;
      const spec = talkers ? talkersSpec(talkers.slice(0, 8)) : null;
      return (
        <ChartCard
          title={title}
          subtitle="alerting flows per address; click an address for its alerts"
          option={spec?.option ?? {}}
          table={spec?.table ?? { columns: [], rows: [] }}
          height={180}
          placeholder={!spec || !summary ? waiting : talkers?.length === 0 ? noData('addresses') : undefined}
          actions={actions}
        >
          {summary && <TalkersTable summary={summary} side={id === 'topSources' ? 'srcIp' : 'dstIp'} />}
        </ChartCard>
      );
    }
    case 'scores': {
      const spec = data.scores ? scoreSpec(data.scores) : null;
      return (
        <ChartCard
          title={title}
          subtitle={
            data.scores ? `latest ${formatCount(data.scores.length)} predictions in the window` : undefined
          }
          option={spec?.option ?? {}}
          table={spec?.table ?? { columns: [], rows: [] }}
          placeholder={!spec ? waiting : data.scores?.length === 0 ? noData('predictions') : undefined}
          actions={actions}
        />
      );
    }
    case 'models':
      return (
        <section className="card" aria-label={title}>
          <header className="card-header">
            <h2>{title}</h2>
            <div className="card-actions">{actions}</div>
          </header>
          {!summary ? (
            waiting
          ) : summary.models.length === 0 ? (
            noData('predictions')
          ) : (
            <table className="table table-compact">
              <thead>
                <tr>
                  <th scope="col">Model</th>
                  <th scope="col">Stage</th>
                  <th scope="col" className="num">
                    Flows
                  </th>
                  <th scope="col">Last used</th>
                </tr>
              </thead>
              <tbody>
                {summary.models.map((m) => (
                  <tr key={m.modelId}>
                    <td>
                      <Link to={`/models/${encodeURIComponent(m.modelId)}`}>
                        {m.kind} v{m.version ?? '?'}
                      </Link>
                    </td>
                    <td>{m.stage ?? 'unregistered'}</td>
                    <td className="num">{formatCount(m.count)}</td>
                    <td>{formatTime(m.lastSeen)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      );
  }
}
