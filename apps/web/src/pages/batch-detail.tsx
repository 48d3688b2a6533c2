import { api } from '../api/client';
import type { Batch, BatchSummary, BatchTopEntry } from '../api/types';
import { ChartCard } from '../charts/chart';
import type { ChartSpec } from '../charts/options';
import { Facts } from '../components/bits';
import { ErrorState, Loading } from '../components/states';
import { isFinal, progressText } from '../lib/batches';
import { formatBytes, formatCount, formatTime } from '../lib/format';
import { useApi } from '../lib/use-api';

function verdictSpec(s: BatchSummary): ChartSpec {
  return {
    option: {
      tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
      legend: { bottom: 0 },
      series: [
        {
          type: 'pie',
          radius: ['45%', '72%'],
          label: { show: false },
          data: [
            { name: 'benign', value: s.verdicts.benign, itemStyle: { color: '#2563eb' } },
            { name: 'attack', value: s.verdicts.attack, itemStyle: { color: '#dc2626' } },
            ...(s.rows.bad > 0
              ? [{ name: 'bad rows', value: s.rows.bad, itemStyle: { color: '#9ca3af' } }]
              : []),
          ],
        },
      ],
    },
    table: {
      columns: ['outcome', 'rows'],
      rows: [
        ['benign', s.verdicts.benign],
        ['attack', s.verdicts.attack],
        ['bad', s.rows.bad],
      ],
    },
  };
}

function histogramSpec(s: BatchSummary): ChartSpec {
  return {
    option: {
      tooltip: { trigger: 'axis' },
      grid: { left: 40, right: 16, top: 16, bottom: 28, containLabel: true },
      xAxis: { type: 'category', data: s.histogram.map((h) => `${h.from}–${h.to}`), name: 'risk' },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        {
          name: 'rows',
          type: 'bar',
          data: s.histogram.map((h) => ({
            value: h.count,
            itemStyle: { color: h.from >= 50 ? '#dc2626' : '#2563eb' },
          })),
        },
      ],
    },
    table: {
      columns: ['risk_from', 'risk_to', 'rows'],
      rows: s.histogram.map((h) => [h.from, h.to, h.count]),
    },
  };
}

function categoriesSpec(entries: BatchTopEntry[]): ChartSpec {
  const sorted = [...entries].sort((a, b) => a.count - b.count);
  return {
    option: {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      grid: { left: 8, right: 24, top: 8, bottom: 16, containLabel: true },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: sorted.map((e) => e.value) },
      series: [
        { name: 'rows', type: 'bar', itemStyle: { color: '#d97706' }, data: sorted.map((e) => e.count) },
      ],
    },
    table: {
      columns: ['category', 'rows', 'attacks'],
      rows: entries.map((e) => [e.value, e.count, e.attacks]),
    },
  };
}

function TopTable({ title, entries }: { title: string; entries: BatchTopEntry[] }) {
  if (entries.length === 0) return null;
  return (
    <section className="card">
      <h3>{title}</h3>
      <table className="table table-compact">
        <thead>
          <tr>
            <th scope="col">Value</th>
            <th scope="col" className="num">
              Rows
            </th>
            <th scope="col" className="num">
              Attacks
            </th>
          </tr>
        </thead>
        <tbody>
          {entries.slice(0, 10).map((e) => (
            <tr key={e.value}>
              <td>{e.value}</td>
              <td className="num">{formatCount(e.count)}</td>
              <td className="num">{formatCount(e.attacks)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** One batch: facts, downloads, and (once it has results) its summary charts. */
export function BatchDetail({ batch }: { batch: Batch }) {
  const final = isFinal(batch);
  const summary = useApi(
    (signal) => api<BatchSummary>(`/batches/${batch.id}/summary`, { signal }),
    // Refreshed at every tenth of the way while it runs, and once more when it ends.
    [batch.id, final ? 'final' : Math.floor((10 * batch.rowsDone) / Math.max(1, batch.rowsTotal ?? 1))],
  );
  const s = summary.data;
  const results = (format: string) => `/api/v1/batches/${batch.id}/results?format=${format}`;
  return (
    <>
      <Facts
        items={[
          ['State', batch.state],
          ['Progress', progressText(batch)],
          ['Schema', `${batch.kind} (${batch.format.layout}${batch.format.gzip ? ', gzip' : ''})`],
          ['File', formatBytes(batch.fileBytes)],
          ['Uploaded', `${formatTime(batch.createdAt)} by ${batch.createdBy}`],
          ['Finished', formatTime(batch.finishedAt)],
          ['Model', batch.modelId ?? '—'],
        ]}
      />
      {batch.error && <p className="notice notice-error">{batch.error}</p>}
      <div className="inline">
        <a className="btn" href={results('csv')} download>
          Download results (CSV)
        </a>
        <a className="btn" href={results('json')} download>
          JSON
        </a>
        <a className="btn" href={results('ndjson')} download>
          NDJSON
        </a>
      </div>
      {summary.loading ? (
        <Loading what="the summary" />
      ) : summary.error ? (
        <ErrorState error={summary.error} retry={summary.reload} />
      ) : s ? (
        <>
          <div className="widgets">
            <ChartCard title={`Batch ${batch.id} verdicts`} height={220} {...verdictSpec(s)} />
            <ChartCard title={`Batch ${batch.id} risk scores`} height={220} {...histogramSpec(s)} />
            {s.categories.length > 0 && (
              <ChartCard
                title={`Batch ${batch.id} categories`}
                height={Math.max(160, s.categories.length * 26 + 40)}
                {...categoriesSpec(s.categories)}
              />
            )}
          </div>
          <div className="widgets">
            <TopTable title="Top sources" entries={s.topSources} />
            <TopTable title="Top destinations" entries={s.topDestinations} />
            <TopTable title="Top domains" entries={s.topDomains} />
          </div>
          {s.badRows.length > 0 && (
            <section className="card">
              <h3>Bad rows ({formatCount(s.rows.bad)})</h3>
              <p className="muted small">
                These rows were skipped; fix them in the file and upload it again.
              </p>
              <table className="table table-compact">
                <thead>
                  <tr>
                    <th scope="col" className="num">
                      Row
                    </th>
                    <th scope="col" className="num">
                      Line
                    </th>
                    <th scope="col">Reason</th>
                  </tr>
                </thead>
                <tbody>
                  {s.badRows.slice(0, 50).map((r) => (
                    <tr key={r.row}>
                      <td className="num">{r.row}</td>
                      <td className="num">{r.line}</td>
                      <td>{r.reason}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          )}
        </>
      ) : null}
    </>
  );
}
