import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, queryString } from '../api/client';
import type { Prediction, PredictionPage } from '../api/types';
import { Explanation, Facts, RiskBadge, VerdictPill } from '../components/bits';
import { Drawer } from '../components/drawer';
import { PageHeader } from '../components/layout';
import { Empty, ErrorState, Loading } from '../components/states';
import { endpoint, formatNumber, formatTime } from '../lib/format';
import {
  filtersFromSearch,
  filtersToApiQuery,
  filtersToSearch,
  type HistoryFilters,
} from '../lib/history-query';
import { useApi } from '../lib/use-api';
import { HistoryFilterForm } from './history-filters';

const PAGE_SIZES = [25, 50, 100, 250];

function PredictionDetail({ p }: { p: Prediction }) {
  return (
    <>
      <Facts
        items={[
          ['Verdict', <VerdictPill key="v" verdict={p.verdict} />],
          ['Risk', <RiskBadge key="r" score={p.riskScore} />],
          ['Probability of attack', formatNumber(p.probability)],
          ['Category', p.category ?? '—'],
          ['Source', endpoint(p.srcIp, p.srcPort)],
          ['Destination', endpoint(p.dstIp, p.dstPort)],
          ['Protocol', p.protocol ?? '—'],
          ['Scored', formatTime(p.createdAt)],
          [
            'Model',
            <Link key="m" to={`/models/${encodeURIComponent(p.modelId)}`}>
              {p.modelId}
            </Link>,
          ],
          ['Came from', p.source ?? '—'],
          ['Id', String(p.id)],
        ]}
      />
      <Explanation features={p.topFeatures} />
      <section className="card">
        <h3>Flow record</h3>
        <pre className="code-block">{JSON.stringify(p.record, null, 2)}</pre>
      </section>
    </>
  );
}

export function HistoryPage() {
  const [search, setSearch] = useSearchParams();
  const filters = useMemo(() => filtersFromSearch(search), [search]);
  const key = filtersToSearch(filters).toString();
  const [limit, setLimit] = useState(50);
  // Cursors of the pages up to the current one (keyset paging has no page numbers); a new search
  // or page size starts again at page 1.
  const pagingKey = `${key}|${limit}`;
  const [paging, setPaging] = useState<{ key: string; cursors: (string | null)[] }>({
    key: pagingKey,
    cursors: [null],
  });
  const cursors = paging.key === pagingKey ? paging.cursors : [null];
  const setCursors = (f: (c: (string | null)[]) => (string | null)[]) =>
    setPaging({ key: pagingKey, cursors: f(cursors) });
  const cursor = cursors[cursors.length - 1];
  const [selected, setSelected] = useState<Prediction | null>(null);

  const page = useApi(
    (signal) =>
      api<PredictionPage>('/predictions', { query: filtersToApiQuery(filters, { limit, cursor }), signal }),
    [key, limit, cursor],
  );

  const apply = (f: HistoryFilters) => setSearch(filtersToSearch(f));
  const exportHref = (format: 'csv' | 'json') =>
    `/api/v1/predictions/export${queryString({ ...filtersToApiQuery(filters), format })}`;
  const items = page.data?.items ?? [];
  const filtered = key !== '';

  return (
    <>
      <PageHeader
        title="History"
        description="Every stored prediction: filter, search, sort, page through and export."
      >
        <a className="btn" href={exportHref('csv')} download>
          Export CSV
        </a>
        <a className="btn" href={exportHref('json')} download>
          Export JSON
        </a>
      </PageHeader>
      <HistoryFilterForm applied={filters} onApply={apply} />
      {page.error ? (
        <ErrorState error={page.error} retry={page.reload} title="Could not search the history" />
      ) : page.loading ? (
        <Loading what="predictions" />
      ) : items.length === 0 ? (
        <Empty title={filtered ? 'No prediction matches these filters.' : 'No predictions stored yet.'}>
          {filtered ? (
            'Widen the time range, clear a filter, or press Reset.'
          ) : (
            <>
              Score flows on the <Link to="/check">Check</Link> page or upload a{' '}
              <Link to="/batches">batch</Link>; the server keeps what it scores unless its history setting
              says otherwise.
            </>
          )}
        </Empty>
      ) : (
        <>
          <div className="table-wrap">
            <table className="table table-rows" data-testid="history-table">
              <caption className="sr-only">Predictions; open one for its details</caption>
              <thead>
                <tr>
                  <th scope="col">Scored</th>
                  <th scope="col">Verdict</th>
                  <th scope="col">Risk</th>
                  <th scope="col" className="num">
                    Probability
                  </th>
                  <th scope="col">Category</th>
                  <th scope="col">Source</th>
                  <th scope="col">Destination</th>
                  <th scope="col">Protocol</th>
                  <th scope="col">Model</th>
                </tr>
              </thead>
              <tbody>
                {items.map((p) => (
                  <tr key={p.id}>
                    <td>
                      <button type="button" className="link-button" onClick={() => setSelected(p)}>
                        {formatTime(p.createdAt)}
                      </button>
                    </td>
                    <td>
                      <VerdictPill verdict={p.verdict} />
                    </td>
                    <td>
                      <RiskBadge score={p.riskScore} />
                    </td>
                    <td className="num">{formatNumber(p.probability)}</td>
                    <td>{p.category ?? '—'}</td>
                    <td>{endpoint(p.srcIp, p.srcPort)}</td>
                    <td>{endpoint(p.dstIp, p.dstPort)}</td>
                    <td>{p.protocol ?? '—'}</td>
                    <td>{p.kind}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <nav className="pager" aria-label="Pages">
            <button
              type="button"
              className="btn"
              disabled={cursors.length <= 1}
              onClick={() => setCursors((c) => c.slice(0, -1))}
            >
              ← Previous
            </button>
            <span className="muted">
              Page {cursors.length} · {items.length} shown
            </span>
            <button
              type="button"
              className="btn"
              disabled={!page.data?.nextCursor}
              onClick={() => setCursors((c) => [...c, page.data?.nextCursor ?? null])}
            >
              Next →
            </button>
            <label className="inline-label">
              <span>Per page</span>
              <select value={limit} onChange={(e) => setLimit(Number(e.target.value))}>
                {PAGE_SIZES.map((n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </select>
            </label>
          </nav>
        </>
      )}
      {selected && (
        <Drawer title={`Prediction ${selected.id}`} onClose={() => setSelected(null)}>
          <PredictionDetail p={selected} />
        </Drawer>
      )}
    </>
  );
}
