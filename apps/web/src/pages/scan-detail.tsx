import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError, api } from '../api/client';
import { Facts, RiskBadge } from '../components/bits';
import { PageHeader } from '../components/layout';
import { Empty, ErrorState, Loading, NotAvailable } from '../components/states';
import { formatTime } from '../lib/format';
import { isScanActive, type ScanDetail } from '../lib/scans';
import { useApi } from '../lib/use-api';
import { ScanReportView } from './scan-report';
import { ScanVerdictPill } from './scans';

export function ScanDetailPage() {
  const { id = '' } = useParams();
  const [polling, setPolling] = useState(true);
  // Polled while the scan is queued or running; a finished scan does not change.
  const scan = useApi((signal) => api<ScanDetail>(`/scans/${encodeURIComponent(id)}`, { signal }), [id], {
    pollMs: polling ? 1500 : undefined,
  });
  const s = scan.data;
  const active = s ? isScanActive(s) : true;
  useEffect(() => setPolling(active), [active]);
  const header = (
    <PageHeader title="URL scan" description={s?.url}>
      <Link className="btn" to="/scans">
        All scans
      </Link>
    </PageHeader>
  );
  if (scan.error instanceof ApiError && scan.error.notAvailable)
    return (
      <>
        {header}
        <NotAvailable feature="Deep URL scanning" api="/api/v1/scans" />
      </>
    );
  return (
    <>
      {header}
      {scan.loading ? (
        <Loading what="the scan" />
      ) : scan.error && !s ? (
        <ErrorState
          error={scan.error}
          retry={scan.reload}
          title={scan.error instanceof ApiError && scan.error.status === 404 ? 'No such scan' : undefined}
        />
      ) : s ? (
        <>
          <section className="card" aria-label="Scan">
            <Facts
              items={[
                [
                  'URL',
                  <span key="u" className="scan-url">
                    {s.url}
                  </span>,
                ],
                [
                  'State',
                  <span key="s" data-testid="scan-state">
                    {s.state}
                  </span>,
                ],
                ['Verdict', <ScanVerdictPill key="v" verdict={s.verdict} />],
                ['Risk', s.riskScore === null ? '—' : <RiskBadge key="r" score={s.riskScore} />],
                ['Requested', `${formatTime(s.createdAt)} by ${s.createdBy}`],
                ['Finished', formatTime(s.finishedAt)],
              ]}
            />
            {active && (
              <div className="state state-loading" role="status" aria-live="polite">
                <span className="spinner" aria-hidden="true" /> Scanning… this page updates by itself.
              </div>
            )}
            {s.state === 'failed' && (
              <div className="notice notice-error" role="alert">
                The scan failed{s.error ? `: ${s.error}` : '.'}
              </div>
            )}
          </section>
          {s.report ? <ScanReportView scan={s} /> : !active && <Empty title="This scan has no report." />}
        </>
      ) : null}
    </>
  );
}
