import { type FormEvent, useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { ApiError, api, describeError } from '../api/client';
import type { CreateScanBody, ScanQueued } from '../api/types';
import { useMe } from '../auth/auth-context';
import { hasRole } from '../auth/roles';
import { RiskBadge } from '../components/bits';
import { PageHeader } from '../components/layout';
import { Empty, ErrorState, Loading, NotAvailable, Notice } from '../components/states';
import { formatTime } from '../lib/format';
import { isScanActive, type Scan, scanStateText } from '../lib/scans';
import { useApi } from '../lib/use-api';

const PAGE = 25;

/** malicious / suspicious / benign, written as well as coloured. */
export function ScanVerdictPill({ verdict }: { verdict: string | null }) {
  if (!verdict) return <span className="muted">—</span>;
  const look = verdict === 'malicious' ? 'attack' : verdict === 'suspicious' ? 'suspicious' : 'benign';
  return <span className={`pill pill-${look}`}>{verdict}</span>;
}

/** POST /api/v1/scans, then open the new scan's page. */
export async function startScan(url: string): Promise<string> {
  const { id } = await api<ScanQueued>('/scans', {
    method: 'POST',
    body: { url } satisfies CreateScanBody,
  });
  return id;
}

function NewScanForm() {
  const navigate = useNavigate();
  const [url, setUrl] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const value = url.trim();
    if (!/^https?:\/\/\S+$/i.test(value)) {
      setError(new Error('Enter an absolute http(s) URL, e.g. https://example.com/login'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      navigate(`/scans/${await startScan(value)}`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} aria-label="Start a deep scan" noValidate>
      <label className="field" htmlFor="scan-url">
        <span>URL to scan</span>
      </label>
      <div className="inline">
        <input
          id="scan-url"
          className="grow"
          type="url"
          inputMode="url"
          placeholder="https://example.com/login"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
        />
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Starting…' : 'Start deep scan'}
        </button>
      </div>
      <p className="muted small">
        Vigil fetches the page in an isolated browser (private addresses are refused), follows its redirects,
        reads its certificate and DNS, and takes a screenshot. It takes up to 30 seconds.
      </p>
      {error != null && <Notice kind="error">{describeError(error)}</Notice>}
    </form>
  );
}

export function ScansPage() {
  const me = useMe();
  const [offset, setOffset] = useState(0);
  const [busy, setBusy] = useState(true);
  // Every 1.5 s while a scan is queued or running, else every 15 s (others may scan too).
  const list = useApi(
    (signal) => api<{ items: Scan[]; total: number }>('/scans', { query: { limit: PAGE, offset }, signal }),
    [offset],
    { pollMs: busy ? 1500 : 15_000 },
  );
  const items = list.data?.items ?? [];
  const total = list.data?.total ?? 0;
  const anyActive = items.some(isScanActive);
  useEffect(() => setBusy(anyActive), [anyActive]);

  const header = (
    <PageHeader
      title="URL scans"
      description="Deep scans of links: redirects, certificate, DNS, reputation, password forms and a screenshot."
    />
  );
  if (list.error instanceof ApiError && list.error.notAvailable) {
    return (
      <>
        {header}
        <NotAvailable feature="Deep URL scanning" api="/api/v1/scans" />
      </>
    );
  }
  return (
    <>
      {header}
      {hasRole(me.role, 'analyst') && (
        <section className="card" aria-labelledby="new-scan-title">
          <h2 id="new-scan-title">Scan a URL</h2>
          <NewScanForm />
        </section>
      )}
      <section className="card" aria-labelledby="scans-title">
        <h2 id="scans-title">Recent scans</h2>
        {list.loading ? (
          <Loading what="scans" />
        ) : list.error ? (
          <ErrorState error={list.error} retry={list.reload} />
        ) : items.length === 0 ? (
          <Empty title="No scan yet.">
            {hasRole(me.role, 'analyst')
              ? 'Enter a URL above, or start one from a URL check on the Check page.'
              : 'Analysts start scans; they appear here.'}
          </Empty>
        ) : (
          <>
            {anyActive && (
              <p className="muted small" role="status">
                Scans in progress: this list refreshes by itself.
              </p>
            )}
            <div className="table-wrap">
              <table className="table" data-testid="scans-table">
                <thead>
                  <tr>
                    <th scope="col">State</th>
                    <th scope="col">URL</th>
                    <th scope="col">Verdict</th>
                    <th scope="col" className="num">
                      Risk
                    </th>
                    <th scope="col">Started</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((s) => (
                    <tr key={s.id}>
                      <td>
                        <span className={`scan-state scan-state-${s.state}`}>
                          {isScanActive(s) && <span className="spinner" aria-hidden="true" />}
                          {scanStateText(s)}
                        </span>
                      </td>
                      <td className="scan-url">
                        <Link to={`/scans/${s.id}`}>{s.url}</Link>
                      </td>
                      <td>
                        <ScanVerdictPill verdict={s.verdict} />
                      </td>
                      <td className="num">
                        {s.riskScore === null ? '—' : <RiskBadge score={s.riskScore} />}
                      </td>
                      <td>
                        {formatTime(s.createdAt)}
                        <div className="muted small">by {s.createdBy}</div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {total > PAGE && (
              <div className="pager">
                <button
                  type="button"
                  className="btn btn-small"
                  disabled={offset === 0}
                  onClick={() => setOffset(Math.max(0, offset - PAGE))}
                >
                  Newer
                </button>
                <span className="muted small">
                  {offset + 1}–{Math.min(total, offset + PAGE)} of {total}
                </span>
                <button
                  type="button"
                  className="btn btn-small"
                  disabled={offset + PAGE >= total}
                  onClick={() => setOffset(offset + PAGE)}
                >
                  Older
                </button>
              </div>
            )}
          </>
        )}
      </section>
    </>
  );
}
