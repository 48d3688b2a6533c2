import { type FormEvent, useState } from 'react';
import { api, describeError } from '../api/client';
import type { AuditEntry } from '../api/types';
import { Empty, ErrorState, Loading, Notice } from '../components/states';
import { formatTime } from '../lib/format';
import { useApi } from '../lib/use-api';

interface AuditFilters {
  actor: string;
  action: string;
  outcome: '' | AuditEntry['outcome'];
}

export function AuditPanel() {
  const [draft, setDraft] = useState<AuditFilters>({ actor: '', action: '', outcome: '' });
  const [filters, setFilters] = useState(draft);
  const [older, setOlder] = useState<AuditEntry[]>([]);
  const [before, setBefore] = useState<number | null>(null);
  const page = useApi(
    (signal) =>
      api<{ items: AuditEntry[]; nextBeforeSeq: number | null }>('/audit', {
        query: { ...filters, limit: 50 },
        signal,
      }),
    [filters],
  );
  const [verify, setVerify] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);

  function submit(e: FormEvent) {
    e.preventDefault();
    setOlder([]);
    setBefore(null);
    setFilters({ actor: draft.actor.trim(), action: draft.action.trim(), outcome: draft.outcome });
  }

  async function loadOlder() {
    const cursor = before ?? page.data?.nextBeforeSeq;
    if (!cursor) return;
    const next = await api<{ items: AuditEntry[]; nextBeforeSeq: number | null }>('/audit', {
      query: { ...filters, limit: 50, beforeSeq: cursor },
    });
    setOlder((o) => [...o, ...next.items]);
    setBefore(next.nextBeforeSeq ?? 0);
  }

  async function runVerify() {
    try {
      const r = await api<{ ok: boolean; entries: number; brokenAt?: number; reason?: string }>(
        '/audit/verify',
      );
      setVerify(
        r.ok
          ? { kind: 'ok', text: `The hash chain of all ${r.entries} entries is intact.` }
          : {
              kind: 'error',
              text: `The chain breaks at entry ${r.brokenAt}: ${r.reason}. Investigate before trusting the log.`,
            },
      );
    } catch (err) {
      setVerify({ kind: 'error', text: describeError(err) });
    }
  }

  const items = [...(page.data?.items ?? []), ...older];
  const more = before === null ? page.data?.nextBeforeSeq : before || null;
  return (
    <>
      <form className="filters filters-inline" onSubmit={submit} aria-label="Filter the audit log">
        <label className="field">
          <span>Actor</span>
          <input
            value={draft.actor}
            placeholder="user:alice"
            onChange={(e) => setDraft({ ...draft, actor: e.target.value })}
          />
        </label>
        <label className="field">
          <span>Action</span>
          <input
            value={draft.action}
            placeholder="model.promote"
            onChange={(e) => setDraft({ ...draft, action: e.target.value })}
          />
        </label>
        <label className="field">
          <span>Outcome</span>
          <select
            value={draft.outcome}
            onChange={(e) => setDraft({ ...draft, outcome: e.target.value as AuditFilters['outcome'] })}
          >
            <option value="">any</option>
            <option value="success">success</option>
            <option value="denied">denied</option>
            <option value="failure">failure</option>
          </select>
        </label>
        <button type="submit" className="btn btn-primary">
          Apply
        </button>
        <button type="button" className="btn" onClick={() => void runVerify()}>
          Verify the chain
        </button>
      </form>
      {verify && <Notice kind={verify.kind}>{verify.text}</Notice>}
      {page.loading ? (
        <Loading what="the audit log" />
      ) : page.error ? (
        <ErrorState error={page.error} retry={page.reload} />
      ) : items.length === 0 ? (
        <Empty title="No audit entry matches.">Clear the filters to see every entry.</Empty>
      ) : (
        <section className="card">
          <div className="table-wrap">
            <table className="table table-compact" data-testid="audit-table">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">When</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Action</th>
                  <th scope="col">Target</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Address</th>
                  <th scope="col">Details</th>
                </tr>
              </thead>
              <tbody>
                {items.map((a) => (
                  <tr key={a.seq}>
                    <td className="num">{a.seq}</td>
                    <td className="nowrap">{formatTime(a.at)}</td>
                    <td>{a.actor}</td>
                    <td className="mono nowrap">{a.action}</td>
                    <td>{a.target ?? '—'}</td>
                    <td>
                      <span className={`pill pill-${a.outcome}`}>{a.outcome}</span>
                    </td>
                    <td>{a.ip ?? '—'}</td>
                    <td className="mono small details-cell">
                      {Object.keys(a.details).length ? JSON.stringify(a.details) : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {more ? (
            <button type="button" className="btn" onClick={() => void loadOlder()}>
              Load older entries
            </button>
          ) : (
            <p className="muted small">That is the whole log for these filters.</p>
          )}
        </section>
      )}
    </>
  );
}
