import { Facts, RiskBadge } from '../components/bits';
import { formatTime } from '../lib/format';
import {
  certificateStatus,
  dnsRows,
  expiryText,
  hopKind,
  keyText,
  type ScanDetail,
  type ScanReport,
  type ScanTls,
} from '../lib/scans';
import { ScanVerdictPill } from './scans';

/** The sections of a deep scan's report (issue #5): verdict, screenshot, page, chain, TLS, forms, DNS, reputation. */

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  const id = `scan-${title.toLowerCase().replace(/[^a-z]+/g, '-')}`;
  return (
    <section className="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

function Reasons({ report }: { report: Partial<ScanReport> }) {
  const reasons = report.reasons ?? [];
  return (
    <>
      <p>
        Risk <RiskBadge score={report.riskScore ?? 0} /> of 100:{' '}
        <ScanVerdictPill verdict={report.verdict ?? null} />
        {report.lexical && <span className="muted small"> (URL model {report.lexical.modelId})</span>}
      </p>
      {reasons.length === 0 ? (
        <p className="muted">No signal raised the risk.</p>
      ) : (
        <table className="table table-compact" data-testid="scan-reasons">
          <thead>
            <tr>
              <th scope="col">Reason</th>
              <th scope="col" className="num">
                Points
              </th>
            </tr>
          </thead>
          <tbody>
            {reasons.map((r, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a code may repeat (one per form)
              <tr key={`${r.code}-${i}`}>
                <td>{r.text}</td>
                <td className="num">{r.weight > 0 ? `+${r.weight}` : r.weight === 0 ? '—' : r.weight}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function Screenshot({ scan }: { scan: ScanDetail }) {
  const shot = scan.report?.screenshot;
  if (scan.hasScreenshot)
    return (
      <a href={`/api/v1/scans/${scan.id}/screenshot`} target="_blank" rel="noreferrer">
        <img
          className="scan-screenshot"
          src={`/api/v1/scans/${scan.id}/screenshot`}
          alt={`Screenshot of ${scan.report?.finalUrl ?? scan.url}`}
          data-testid="scan-screenshot"
        />
      </a>
    );
  return <p className="muted">No screenshot{shot?.reason ? `: ${shot.reason}` : '.'}</p>;
}

function RedirectChain({ report }: { report: Partial<ScanReport> }) {
  const hops = report.redirectChain ?? [];
  if (hops.length === 0) return <p className="muted">No request was made.</p>;
  return (
    <div className="table-wrap">
      <table className="table table-compact" data-testid="scan-chain">
        <thead>
          <tr>
            <th scope="col" className="num">
              #
            </th>
            <th scope="col">Kind</th>
            <th scope="col" className="num">
              Status
            </th>
            <th scope="col">URL</th>
            <th scope="col">Address</th>
            <th scope="col" className="num">
              Time
            </th>
          </tr>
        </thead>
        <tbody>
          {hops.map((h, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: hops are in order and may repeat a URL
            <tr key={i}>
              <td className="num">{i + 1}</td>
              <td>{hopKind(h.via)}</td>
              <td className="num">{h.status ?? '—'}</td>
              <td className="scan-url">
                {h.url}
                {h.error && <div className="field-error">{h.error}</div>}
              </td>
              <td>{h.address ?? '—'}</td>
              <td className="num">{h.ms} ms</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Certificate({ tls }: { tls: ScanTls }) {
  const status = certificateStatus(tls);
  return (
    <Facts
      items={[
        [
          'Status',
          <span key="s" className={`pill pill-${status.ok ? 'benign' : 'attack'}`}>
            {status.text}
          </span>,
        ],
        ['Issuer', tls.issuer || '—'],
        ['Subject', tls.subject || '—'],
        ['Names (SAN)', tls.subjectAltNames.join(', ') || '—'],
        ['Host matches', tls.hostMatches ? 'yes' : 'no'],
        ['Valid from', formatTime(tls.validFrom)],
        ['Valid to', formatTime(tls.validTo)],
        ['Expiry', expiryText(tls.daysToExpiry)],
        ['Age', `${tls.ageDays} days`],
        ['Self-signed', tls.selfSigned ? 'yes' : 'no'],
        ['Key', keyText(tls)],
        ['Signature', tls.signatureAlgorithm ?? '—'],
        ['Protocol', tls.protocol ?? '—'],
        ['Cipher', tls.cipher ?? '—'],
      ]}
    />
  );
}

function Dns({ report }: { report: Partial<ScanReport> }) {
  if (!report.dns)
    return <p className="muted">No DNS lookup (the host is an address, or the scan was refused).</p>;
  const rows = dnsRows(report.dns);
  if (rows.length === 0) return <p className="muted">The name has no records.</p>;
  return (
    <table className="table table-compact" data-testid="scan-dns">
      <thead>
        <tr>
          <th scope="col">Type</th>
          <th scope="col">Answer</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([type, value]) => (
          <tr key={`${type} ${value}`}>
            <td>{type}</td>
            <td>{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Reputation({ report }: { report: Partial<ScanReport> }) {
  const entries = report.reputation ?? [];
  if (entries.length === 0) return <p className="muted">Not checked.</p>;
  return (
    <ul className="plain-list">
      {entries.map((r) => (
        <li key={r.host}>
          <strong>{r.domain ?? r.host}</strong>:{' '}
          {r.blocklisted ? (
            <>
              <span className="pill pill-attack">on a threat list</span>{' '}
              {r.matches.map((m) => `${m.type} ${m.value} (${m.source})`).join(', ')}
            </>
          ) : r.allowlisted ? (
            <span className="pill pill-benign">well-known domain</span>
          ) : (
            <span className="muted">on no list</span>
          )}
        </li>
      ))}
    </ul>
  );
}

function PasswordForms({ report }: { report: Partial<ScanReport> }) {
  const forms = report.passwordForms ?? [];
  if (forms.length === 0) return <p className="muted">The page asks for no password.</p>;
  return (
    <table className="table table-compact" data-testid="scan-forms">
      <thead>
        <tr>
          <th scope="col">Posts to</th>
          <th scope="col">Method</th>
          <th scope="col">Warnings</th>
        </tr>
      </thead>
      <tbody>
        {forms.map((f, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: forms are in page order
          <tr key={i}>
            <td className="scan-url">{f.action}</td>
            <td>{f.method.toUpperCase()}</td>
            <td>
              {[f.crossDomain && 'another site', f.insecure && 'plain HTTP'].filter(Boolean).join(', ') ||
                '—'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ScanReportView({ scan }: { scan: ScanDetail }) {
  const r = scan.report ?? {};
  const blocked = r.browser?.blockedRequests ?? [];
  return (
    <>
      {r.refused && (
        <div className="notice notice-error" role="alert" data-testid="scan-refused">
          <strong>Refused:</strong> {r.refused.message}{' '}
          <span className="muted small">({r.refused.reason})</span>
        </div>
      )}
      {r.fetchError && (
        <div className="notice notice-error" role="alert">
          <strong>The page could not be fetched:</strong> {r.fetchError.message}
        </div>
      )}
      <div className="two-col">
        <Section title="Verdict">
          <Reasons report={r} />
        </Section>
        <Section title="Screenshot">
          <Screenshot scan={scan} />
        </Section>
      </div>
      <Section title="Page">
        <Facts
          items={[
            ['Title', r.title ?? '—'],
            ['Final URL', r.finalUrl ?? '—'],
            ['HTTP status', r.status ?? '—'],
            ['Server', r.headers?.server ?? '—'],
            ['Blocked requests', blocked.length === 0 ? 'none' : String(blocked.length)],
            ['Scan took', r.durationMs === undefined ? '—' : `${(r.durationMs / 1000).toFixed(1)} s`],
          ]}
        />
        {blocked.length > 0 && (
          <details>
            <summary>Requests the browser was stopped from making</summary>
            <ul className="plain-list small">
              {blocked.map((b, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: in request order
                <li key={i}>
                  <code>{b.url}</code>: {b.reason}
                </li>
              ))}
            </ul>
          </details>
        )}
      </Section>
      <Section title="Redirect chain">
        <RedirectChain report={r} />
      </Section>
      <div className="two-col">
        <Section title="Certificate">
          {r.tls ? (
            <Certificate tls={r.tls} />
          ) : (
            <p className="muted">
              {r.tlsError
                ? `The TLS handshake failed: ${r.tlsError}`
                : 'None: the final page is not served over HTTPS.'}
            </p>
          )}
        </Section>
        <Section title="Password forms">
          <PasswordForms report={r} />
        </Section>
      </div>
      <div className="two-col">
        <Section title="DNS">
          <Dns report={r} />
        </Section>
        <Section title="Reputation">
          <Reputation report={r} />
        </Section>
      </div>
    </>
  );
}
