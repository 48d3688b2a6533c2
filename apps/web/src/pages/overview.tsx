import { type FormEvent, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api } from '../api/client';
import type { ActiveModel, Bucket, PredictionPage, StatsSummary, Timeseries } from '../api/types';
import { useMe } from '../auth/auth-context';
import { hasRole } from '../auth/roles';
import { PageHeader } from '../components/layout';
import { ErrorState } from '../components/states';
import { formatTime } from '../lib/format';
import { looksLikeIp, yesterdayAlertsLink } from '../lib/history-query';
import { useApi } from '../lib/use-api';
import { useLiveFeed } from '../lib/use-live';
import {
  addWidget,
  hiddenWidgets,
  loadLayout,
  moveWidget,
  removeWidget,
  saveLayout,
  WIDGETS,
  type WidgetId,
} from '../lib/widgets';
import { Widget } from './overview-widgets';

const WINDOWS = {
  '1h': { label: 'last hour', ms: 3_600_000, bucket: 'minute' },
  '24h': { label: 'last 24 hours', ms: 86_400_000, bucket: 'hour' },
  '7d': { label: 'last 7 days', ms: 7 * 86_400_000, bucket: 'hour' },
} as const satisfies Record<string, { label: string; ms: number; bucket: Bucket }>;
type WindowKey = keyof typeof WINDOWS;

const REFRESH_MS = 5000;

/** The five core tasks, one click away (two with the address search). */
function QuickActions() {
  const me = useMe();
  const navigate = useNavigate();
  const [ip, setIp] = useState('');
  const [error, setError] = useState<string | null>(null);
  function find(e: FormEvent) {
    e.preventDefault();
    const v = ip.trim();
    if (v && !looksLikeIp(v)) {
      setError('Enter an IPv4 or IPv6 address, e.g. 10.0.0.5, or leave it empty for all addresses');
      return;
    }
    navigate(yesterdayAlertsLink(new Date(), v || undefined));
  }
  return (
    <section className="quick-actions" aria-label="Quick actions">
      <Link className="quick" to="/live">
        <strong>See live alerts</strong>
        <span>alerts as they arrive</span>
      </Link>
      {hasRole(me.role, 'analyst') && (
        <Link className="quick" to="/check#url">
          <strong>Check a URL</strong>
          <span>or score one flow</span>
        </Link>
      )}
      {hasRole(me.role, 'analyst') && (
        <Link className="quick" to="/batches">
          <strong>Upload a batch</strong>
          <span>score a CSV file</span>
        </Link>
      )}
      <Link className="quick" to="/models">
        <strong>{hasRole(me.role, 'admin') ? 'Promote a model' : 'Models'}</strong>
        <span>registry and metrics</span>
      </Link>
      <form className="quick quick-form" onSubmit={find} noValidate>
        <label htmlFor="quick-ip">
          <strong>Yesterday's alerts from an address</strong>
        </label>
        <div className="inline">
          <input
            id="quick-ip"
            placeholder="e.g. 10.0.0.5"
            value={ip}
            onChange={(e) => {
              setIp(e.target.value);
              setError(null);
            }}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'quick-ip-error' : undefined}
          />
          <button type="submit" className="btn btn-small btn-primary">
            Find
          </button>
        </div>
        {error && (
          <span id="quick-ip-error" className="field-error">
            {error}
          </span>
        )}
      </form>
    </section>
  );
}

/** Widgets shown, their order, and the controls to change them (remembered per user). */
function useLayout(username: string) {
  const [layout, setLayout] = useState<WidgetId[]>(() => loadLayout(window.localStorage, username));
  useEffect(() => setLayout(loadLayout(window.localStorage, username)), [username]);
  const update = useCallback(
    (next: WidgetId[]) => {
      setLayout(next);
      saveLayout(window.localStorage, username, next);
    },
    [username],
  );
  return [layout, update] as const;
}

export function OverviewPage() {
  const me = useMe();
  const [windowKey, setWindowKey] = useState<WindowKey>('24h');
  const [customising, setCustomising] = useState(false);
  const [layout, setLayout] = useLayout(me.name);
  const win = WINDOWS[windowKey];
  const from = () => new Date(Date.now() - win.ms).toISOString();
  const showScores = layout.includes('scores');

  const summary = useApi(
    (signal) => api<StatsSummary>('/stats/summary', { query: { from: from() }, signal }),
    [windowKey],
    {
      pollMs: REFRESH_MS,
    },
  );
  const timeseries = useApi(
    (signal) =>
      api<Timeseries>('/stats/timeseries', {
        query: { from: from(), bucket: win.bucket, groupBy: 'verdict' },
        signal,
      }),
    [windowKey],
    { pollMs: REFRESH_MS },
  );
  const scores = useApi(
    (signal) =>
      api<PredictionPage>('/predictions', { query: { from: from(), limit: 500 }, signal }).then((p) =>
        p.items.map((i) => i.riskScore),
      ),
    [windowKey],
    { pollMs: REFRESH_MS, enabled: showScores },
  );
  const active = useApi((signal) => api<{ items: ActiveModel[] }>('/models/active', { signal }), [], {
    pollMs: 30_000,
  });

  // New alerts from the live feed refresh the figures at once (at most once a second).
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  const reloads = useRef<(() => void)[]>([]);
  reloads.current = [summary.reload, timeseries.reload, scores.reload];
  const onAlert = useCallback(() => {
    if (pending.current) return;
    pending.current = setTimeout(() => {
      pending.current = null;
      for (const r of reloads.current) r();
    }, 1000);
  }, []);
  useEffect(() => () => void (pending.current && clearTimeout(pending.current)), []);
  const live = useLiveFeed('/live/alerts', onAlert);

  const data = useMemo(
    () => ({
      summary: summary.data,
      timeseries: timeseries.data,
      scores: scores.data,
      active: active.data?.items,
      windowLabel: win.label,
    }),
    [summary.data, timeseries.data, scores.data, active.data, win.label],
  );
  const error = summary.error ?? timeseries.error;
  const hidden = hiddenWidgets(layout);

  return (
    <>
      <PageHeader title="Overview" description={`What the detectors saw in the ${win.label}.`}>
        <span className="muted small" aria-live="off">
          {live.status === 'open' ? (
            <span className="live-dot">live</span>
          ) : (
            `refreshes every ${REFRESH_MS / 1000} s`
          )}
          {summary.data && ` · updated ${formatTime(summary.data.window.to).slice(11)}`}
        </span>
        <label className="inline-label">
          <span>Window</span>
          <select value={windowKey} onChange={(e) => setWindowKey(e.target.value as WindowKey)}>
            {Object.entries(WINDOWS).map(([key, w]) => (
              <option key={key} value={key}>
                {w.label}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="btn"
          aria-pressed={customising}
          onClick={() => setCustomising((c) => !c)}
        >
          {customising ? 'Done' : 'Customise'}
        </button>
      </PageHeader>
      <QuickActions />
      {error ? (
        <ErrorState
          error={error}
          retry={() => {
            summary.reload();
            timeseries.reload();
          }}
        />
      ) : null}
      {customising && (
        <section className="customise-bar" aria-label="Customise the overview">
          <span>Move widgets with ↑ ↓, remove with ✕.</span>
          {hidden.length > 0 ? (
            <label className="inline-label">
              <span>Add widget</span>
              <select
                value=""
                onChange={(e) => e.target.value && setLayout(addWidget(layout, e.target.value as WidgetId))}
              >
                <option value="">choose…</option>
                {hidden.map((id) => (
                  <option key={id} value={id}>
                    {WIDGETS[id].title}
                  </option>
                ))}
              </select>
            </label>
          ) : (
            <span className="muted">All widgets are shown.</span>
          )}
        </section>
      )}
      {layout.length === 0 && (
        <div className="state state-empty">
          <strong>No widgets on your overview.</strong>
          <div className="muted">Press “Customise” and add some.</div>
        </div>
      )}
      <div className="widgets">
        {layout.map((id, i) => (
          <Widget
            key={id}
            id={id}
            data={data}
            actions={
              customising && (
                <span className="widget-controls">
                  <button
                    type="button"
                    className="btn btn-icon"
                    aria-label={`Move ${WIDGETS[id].title} earlier`}
                    disabled={i === 0}
                    onClick={() => setLayout(moveWidget(layout, id, -1))}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    className="btn btn-icon"
                    aria-label={`Move ${WIDGETS[id].title} later`}
                    disabled={i === layout.length - 1}
                    onClick={() => setLayout(moveWidget(layout, id, 1))}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    className="btn btn-icon"
                    aria-label={`Remove ${WIDGETS[id].title}`}
                    onClick={() => setLayout(removeWidget(layout, id))}
                  >
                    ✕
                  </button>
                </span>
              )
            }
          />
        ))}
      </div>
    </>
  );
}
