import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { ApiError, api, describeError } from '../api/client';
import type { CreateScanBody, ScanQueued, UrlCheckBody, UrlCheckResponse, UrlPrediction } from '../api/types';
import { useMe } from '../auth/auth-context';
import { hasRole } from '../auth/roles';
import { Facts, RiskBadge, VerdictPill } from '../components/bits';
import { NotAvailable, Notice } from '../components/states';
import { formatNumber } from '../lib/format';

export function UrlVerdict({ p, model }: { p: UrlPrediction; model?: UrlCheckResponse['model'] }) {
  return (
    <div className="result" data-testid="url-result" aria-live="polite">
      <Facts
        items={[
          ['Verdict', <VerdictPill key="v" verdict={p.verdict} />],
          ['Risk', <RiskBadge key="r" score={p.riskScore} />],
          ['Probability malicious', formatNumber(p.probability)],
          ['Host', p.host],
          ['Domain', p.domain ?? '— (an IP address)'],
          [
            'Model',
            <Link key="m" to={`/models/${encodeURIComponent(p.modelId)}`}>
              {model?.kind ?? 'url'} v{p.modelVersion}
            </Link>,
          ],
        ]}
      />
      {p.reasons.length > 0 && (
        <>
          <h3>Why</h3>
          <table className="table table-compact">
            <thead>
              <tr>
                <th scope="col">Reason</th>
                <th scope="col" className="num">
                  Weight
                </th>
              </tr>
            </thead>
            <tbody>
              {p.reasons.map((r) => (
                <tr key={r.feature}>
                  <td>{r.text}</td>
                  <td
                    className="num"
                    title={r.contribution >= 0 ? 'supports the verdict' : 'speaks against it'}
                  >
                    {r.contribution >= 0 ? '+' : ''}
                    {formatNumber(r.contribution)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}

/** After the fast verdict: start a deep scan of the same URL (analyst+) and link to its page. */
export function DeepScanButton({ url }: { url: string }) {
  const me = useMe();
  const [scanId, setScanId] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  if (!hasRole(me.role, 'analyst')) return null;

  async function start() {
    setBusy(true);
    setError(null);
    try {
      const { id } = await api<ScanQueued>('/scans', {
        method: 'POST',
        body: { url } satisfies CreateScanBody,
      });
      setScanId(id);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="deep-scan" data-testid="deep-scan">
      {scanId ? (
        <Notice kind="ok">
          Deep scan started. <Link to={`/scans/${scanId}`}>Open the scan report</Link> (it takes up to 30 s).
        </Notice>
      ) : (
        <div className="inline">
          <button type="button" className="btn" disabled={busy} onClick={() => void start()}>
            {busy ? 'Starting…' : 'Deep scan'}
          </button>
          <span className="muted small">
            Fetch the page safely: redirects, certificate, DNS, password forms and a screenshot.
          </span>
        </div>
      )}
      {error != null && (
        <Notice kind="error">
          {error instanceof ApiError && error.notAvailable
            ? 'Deep scanning is not available on this server.'
            : describeError(error)}
        </Notice>
      )}
    </div>
  );
}

/** One URL: a fast verdict from its text (lexical features), with the reasons. */
export function UrlCheck() {
  const [url, setUrl] = useState('');
  const [result, setResult] = useState<UrlCheckResponse | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [unavailable, setUnavailable] = useState(false);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const value = url.trim();
    if (!value) {
      setError(new Error('Enter a URL, e.g. https://example.com/login'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      setResult(
        await api<UrlCheckResponse>('/urls/check', {
          method: 'POST',
          body: { urls: [value], explain: 'all' } satisfies UrlCheckBody,
        }),
      );
    } catch (err) {
      setResult(null);
      if (err instanceof ApiError && err.notAvailable) setUnavailable(true);
      else setError(err);
    } finally {
      setBusy(false);
    }
  }

  if (unavailable) return <NotAvailable feature="URL checking" api="POST /api/v1/urls/check" />;
  const p = result?.predictions[0];
  return (
    <form onSubmit={submit} aria-label="Check a URL" noValidate>
      <label className="field" htmlFor="url-input">
        <span>URL</span>
      </label>
      <div className="inline">
        <input
          id="url-input"
          className="grow"
          type="url"
          inputMode="url"
          placeholder="https://example.com/login"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
        />
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Checking…' : 'Check URL'}
        </button>
      </div>
      <p className="muted small">A fast verdict from the address itself: nothing is fetched from the site.</p>
      {error != null && (
        <Notice kind="error">
          {describeError(error)}
          {error instanceof ApiError && error.code === 'NO_PRODUCTION_MODEL' && (
            <>
              {' '}
              An admin promotes a URL model on the <Link to="/models">Models</Link> page.
            </>
          )}
        </Notice>
      )}
      {p && <UrlVerdict p={p} model={result?.model} />}
      {p && <DeepScanButton key={p.url} url={p.url} />}
    </form>
  );
}
