import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { ApiError, api, describeError } from '../api/client';
import type { Batch } from '../api/types';
import { PageHeader } from '../components/layout';
import { Empty, ErrorState, Loading, NotAvailable } from '../components/states';
import { isFinal, progressText } from '../lib/batches';
import { formatTime } from '../lib/format';
import { useApi } from '../lib/use-api';
import { BatchDetail } from './batch-detail';
import { BatchUpload } from './batch-upload';

function BatchProgress({ batch }: { batch: Batch }) {
  const percent = batch.percent ?? 0;
  return (
    <div className="batch-progress">
      <div className="progress-label">
        <span>{batch.state}</span>
        <span>{batch.percent === null ? '—' : `${percent} %`}</span>
      </div>
      <progress
        className={`progress progress-${batch.state}`}
        max={100}
        value={percent}
        aria-label={`Progress of ${batch.name}`}
        data-testid={`batch-progress-${batch.id}`}
      />
      <div className="muted small">{progressText(batch)}</div>
    </div>
  );
}

export function BatchesPage() {
  const [search, setSearch] = useSearchParams();
  const selectedId = Number(search.get('id')) || null;
  const [busy, setBusy] = useState(true);
  // Every second while a batch is queued or running, else every 10 s (another user may upload).
  const list = useApi((signal) => api<{ items: Batch[] }>('/batches', { query: { limit: 50 }, signal }), [], {
    pollMs: busy ? 1000 : 10_000,
  });
  const items = list.data?.items ?? [];
  const anyActive = items.some((b) => !isFinal(b));
  useEffect(() => setBusy(anyActive), [anyActive]);
  const selected = items.find((b) => b.id === selectedId) ?? null;

  async function act(batch: Batch, action: 'cancel' | 'retry') {
    try {
      await api(`/batches/${batch.id}/${action}`, { method: 'POST' });
      list.reload();
    } catch (err) {
      window.alert(describeError(err));
    }
  }

  if (list.error instanceof ApiError && list.error.notAvailable) {
    return (
      <>
        <PageHeader title="Batches" description="Score a whole file of flows or URLs." />
        <NotAvailable feature="Batch scoring" api="/api/v1/batches" />
      </>
    );
  }

  return (
    <>
      <PageHeader
        title="Batches"
        description="Score a whole file of flows or URLs in the background; follow it here and download the results."
      />
      <section className="card" aria-labelledby="upload-title">
        <h2 id="upload-title">Upload a file</h2>
        <BatchUpload
          onUploaded={(u) => {
            list.reload();
            setSearch({ id: String(u.batch.id) });
          }}
        />
      </section>
      <section className="card" aria-labelledby="batches-title">
        <h2 id="batches-title">Batches</h2>
        {list.loading ? (
          <Loading what="batches" />
        ) : list.error ? (
          <ErrorState error={list.error} retry={list.reload} />
        ) : items.length === 0 ? (
          <Empty title="No batch yet.">
            Upload a file above; it is checked at once and scored in the background.
          </Empty>
        ) : (
          <div className="table-wrap">
            <table className="table" data-testid="batches-table">
              <thead>
                <tr>
                  <th scope="col">Batch</th>
                  <th scope="col">Schema</th>
                  <th scope="col" style={{ width: '38%' }}>
                    Progress
                  </th>
                  <th scope="col">Uploaded</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {items.map((b) => (
                  <tr key={b.id} className={b.id === selectedId ? 'selected' : undefined}>
                    <td>
                      <button
                        type="button"
                        className="link-button"
                        onClick={() => setSearch({ id: String(b.id) })}
                      >
                        {b.name}
                      </button>
                      <div className="muted small">#{b.id}</div>
                    </td>
                    <td>{b.kind}</td>
                    <td>
                      <BatchProgress batch={b} />
                    </td>
                    <td>
                      {formatTime(b.createdAt)}
                      <div className="muted small">by {b.createdBy}</div>
                    </td>
                    <td>
                      {!isFinal(b) && (
                        <button type="button" className="btn btn-small" onClick={() => void act(b, 'cancel')}>
                          Cancel
                        </button>
                      )}
                      {(b.state === 'failed' || b.state === 'cancelled') && (
                        <button type="button" className="btn btn-small" onClick={() => void act(b, 'retry')}>
                          Retry
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {selected && (
        <section className="card" aria-labelledby="batch-detail-title">
          <h2 id="batch-detail-title">
            {selected.name} <span className="muted small">#{selected.id}</span>
          </h2>
          <BatchDetail batch={selected} />
        </section>
      )}
    </>
  );
}
