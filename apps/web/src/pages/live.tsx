import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../api/client';
import type { PredictionPage } from '../api/types';
import { Explanation, Facts, RiskBadge } from '../components/bits';
import { Drawer } from '../components/drawer';
import { PageHeader } from '../components/layout';
import { Empty, ErrorState, Loading, NotAvailable } from '../components/states';
import { endpoint, formatNumber, formatTime } from '../lib/format';
import { alertsLink } from '../lib/history-query';
import {
  alertOf,
  categoriesOf,
  filterAlerts,
  type LiveAlert,
  type LiveFilters,
  mergeAlerts,
  relatedAlerts,
} from '../lib/live-alerts';
import type { SseEvent } from '../lib/sse';
import { useApi } from '../lib/use-api';
import { type LiveStatus, useLiveFeed } from '../lib/use-live';

const STATUS_TEXT: Record<LiveStatus, string> = {
  connecting: 'Connecting…',
  open: 'Connected: alerts appear as they arrive',
  reconnecting: 'Connection lost: reconnecting…',
  unavailable: 'No live feed on this server',
  denied: 'Not allowed to watch the live feed',
  off: 'Off',
};

function AlertDetail({
  alert,
  all,
  onPick,
}: {
  alert: LiveAlert;
  all: readonly LiveAlert[];
  onPick: (a: LiveAlert) => void;
}) {
  const related = relatedAlerts(all, alert);
  const dayAgo = new Date(Date.parse(alert.at) - 86_400_000).toISOString();
  const history = useApi(
    (signal) =>
      alert.srcIp
        ? api<PredictionPage>('/predictions', {
            query: { srcIp: alert.srcIp, verdict: 'attack', limit: 10 },
            signal,
          })
        : Promise.resolve({ items: [], nextCursor: null }),
    [alert.seq],
  );
  return (
    <>
      <Facts
        items={[
          ['Risk', <RiskBadge key="r" score={alert.riskScore} />],
          ['Category', alert.category],
          ['Probability', formatNumber(alert.probability)],
          ['Source', endpoint(alert.srcIp, alert.srcPort)],
          ['Destination', endpoint(alert.dstIp, alert.dstPort)],
          ['Protocol', alert.protocol ?? '—'],
          ['Seen', formatTime(alert.at)],
          ['Model', `${alert.kind} v${alert.modelVersion}`],
          ['Came from', alert.source],
        ]}
      />
      <Explanation features={alert.topFeatures} />
      <section className="card">
        <h3>Related alerts from {alert.srcIp ?? 'this source'}</h3>
        {related.length === 0 ? (
          <p className="muted">No other alert from this source since you opened this page.</p>
        ) : (
          <ul className="plain-list">
            {related.map((r) => (
              <li key={r.seq}>
                <button type="button" className="link-button" onClick={() => onPick(r)}>
                  {formatTime(r.at)} · {r.category} · risk {r.riskScore} → {endpoint(r.dstIp, r.dstPort)}
                </button>
              </li>
            ))}
          </ul>
        )}
        {alert.srcIp && (
          <>
            <h4>In history</h4>
            {history.loading ? (
              <Loading what="history" />
            ) : history.error ? (
              <ErrorState error={history.error} />
            ) : (
              <p>
                {history.data?.items.length === 10 ? 'At least 10' : history.data?.items.length} stored alerts
                from {alert.srcIp}.{' '}
                <Link to={alertsLink({ from: dayAgo }, alert.srcIp, 'srcIp')}>Open them in History</Link>
              </p>
            )}
          </>
        )}
      </section>
    </>
  );
}

export function LivePage() {
  const [alerts, setAlerts] = useState<LiveAlert[]>([]);
  const [paused, setPaused] = useState(false);
  const [held, setHeld] = useState<LiveAlert[]>([]);
  const [filters, setFilters] = useState<LiveFilters>({ minScore: 0, category: '', address: '' });
  const [selected, setSelected] = useState<LiveAlert | null>(null);
  const pausedRef = useRef(paused);
  pausedRef.current = paused;
  const alertsRef = useRef(alerts);
  alertsRef.current = alerts;

  const refill = useRef<() => void>(() => {});
  const onEvent = useCallback((e: SseEvent) => {
    // The server skipped alerts while this connection was slow: fetch the recent ones again.
    if (e.event === 'dropped') {
      refill.current();
      return;
    }
    const alert = alertOf(e);
    if (!alert) return;
    if (pausedRef.current) setHeld((h) => mergeAlerts(h, [alert]));
    else setAlerts((a) => mergeAlerts(a, [alert]));
  }, []);
  const { status, error } = useLiveFeed('/live/alerts', onEvent);
  // The most recent alerts the server remembers, so the page does not open empty.
  const snapshot = useApi(
    (signal) => api<{ alerts: LiveAlert[] }>('/live/alerts', { query: { limit: 200 }, signal }),
    [],
  );
  refill.current = snapshot.reload;
  useEffect(() => {
    const recent = snapshot.data?.alerts ?? [];
    if (pausedRef.current) {
      const shown = new Set(alertsRef.current.map((a) => a.seq));
      setHeld((h) =>
        mergeAlerts(
          h,
          recent.filter((r) => !shown.has(r.seq)),
        ),
      );
    } else setAlerts((a) => mergeAlerts(a, recent));
  }, [snapshot.data]);

  function togglePause() {
    if (paused) {
      setAlerts((a) => mergeAlerts(a, held));
      setHeld([]);
    }
    setPaused(!paused);
  }

  const shown = useMemo(() => filterAlerts(alerts, filters), [alerts, filters]);
  const categories = useMemo(() => categoriesOf(alerts), [alerts]);

  if (status === 'unavailable') {
    return (
      <>
        <PageHeader title="Live alerts" description="Alerts as the detectors raise them." />
        <NotAvailable feature="The live alert feed" api="GET /api/v1/live/alerts" />
        <p>
          Meanwhile, <Link to="/history?verdict=attack">recent alerts are in History</Link>.
        </p>
      </>
    );
  }

  return (
    <>
      <PageHeader title="Live alerts" description="Alerts as the detectors raise them, newest first.">
        <span className={`status status-${status}`} role="status" data-testid="live-status">
          {STATUS_TEXT[status]}
          {error && status === 'reconnecting' ? ` (${error})` : ''}
        </span>
        <button type="button" className="btn" aria-pressed={paused} onClick={togglePause}>
          {paused ? `Resume${held.length ? ` (${held.length} new)` : ''}` : 'Pause'}
        </button>
        <button type="button" className="btn" onClick={() => setAlerts([])} disabled={alerts.length === 0}>
          Clear
        </button>
      </PageHeader>
      <form
        className="filters filters-inline"
        aria-label="Filter live alerts"
        onSubmit={(e) => e.preventDefault()}
      >
        <label className="field">
          <span>Minimum risk</span>
          <select
            value={filters.minScore}
            onChange={(e) => setFilters({ ...filters, minScore: Number(e.target.value) })}
          >
            {[0, 25, 50, 80].map((n) => (
              <option key={n} value={n}>
                {n === 0 ? 'any' : `${n} and above`}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Category</span>
          <select
            value={filters.category}
            onChange={(e) => setFilters({ ...filters, category: e.target.value })}
          >
            <option value="">any</option>
            {categories.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Address starts with</span>
          <input
            value={filters.address}
            placeholder="e.g. 10.0."
            onChange={(e) => setFilters({ ...filters, address: e.target.value })}
          />
        </label>
        <p className="muted small" aria-live="polite">
          {shown.length} of {alerts.length} alerts shown{paused ? ' · paused' : ''}
        </p>
      </form>
      {alerts.length === 0 ? (
        <Empty title={status === 'open' ? 'Waiting for alerts…' : 'No alerts yet.'}>
          Alerts appear here the moment a scored flow is classified as an attack — from the API, a batch or a
          stream. Try scoring a flow on the <Link to="/check">Check</Link> page.
        </Empty>
      ) : shown.length === 0 ? (
        <Empty title="No alert matches the filters.">
          Lower the minimum risk or clear the category and address.
        </Empty>
      ) : (
        <div className="table-wrap table-scroll">
          <table className="table table-rows" data-testid="live-table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Risk</th>
                <th scope="col">Category</th>
                <th scope="col">Source</th>
                <th scope="col">Destination</th>
                <th scope="col">Protocol</th>
                <th scope="col">Model</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((a) => (
                <tr key={a.seq} className={selected?.seq === a.seq ? 'selected' : undefined}>
                  <td>
                    <button
                      type="button"
                      className="link-button"
                      onClick={() => setSelected(a)}
                      title={formatTime(a.at)}
                    >
                      {formatTime(a.at).slice(11)}
                    </button>
                  </td>
                  <td>
                    <RiskBadge score={a.riskScore} />
                  </td>
                  <td>{a.category}</td>
                  <td>{endpoint(a.srcIp, a.srcPort)}</td>
                  <td>{endpoint(a.dstIp, a.dstPort)}</td>
                  <td>{a.protocol ?? '—'}</td>
                  <td>
                    {a.kind} v{a.modelVersion}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {selected && (
        <Drawer
          title={`Alert: ${selected.category}, risk ${selected.riskScore}`}
          onClose={() => setSelected(null)}
        >
          <AlertDetail alert={selected} all={alerts} onPick={setSelected} />
        </Drawer>
      )}
    </>
  );
}
