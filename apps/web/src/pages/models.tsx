import { useState } from 'react';
import { Link } from 'react-router';
import { api } from '../api/client';
import type { ModelStage, ModelSummary } from '../api/types';
import { useMe } from '../auth/auth-context';
import { hasRole } from '../auth/roles';
import { Drawer } from '../components/drawer';
import { PageHeader } from '../components/layout';
import { Empty, ErrorState, Loading, Notice } from '../components/states';
import { formatNumber, formatPercent, formatTime } from '../lib/format';
import { useApi } from '../lib/use-api';
import { PromoteForm, STAGES } from './promote-form';

export function StageBadge({ stage }: { stage: ModelStage }) {
  return <span className={`stage stage-${stage}`}>{stage}</span>;
}

export function ModelsPage() {
  const me = useMe();
  const isAdmin = hasRole(me.role, 'admin');
  const [stage, setStage] = useState<'' | ModelStage>('');
  const list = useApi(
    (signal) => api<{ items: ModelSummary[] }>('/models', { query: { stage }, signal }),
    [stage],
  );
  const [promoting, setPromoting] = useState<ModelSummary | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const models = list.data?.items ?? [];
  const kinds = [...new Set(models.map((m) => m.kind))];

  return (
    <>
      <PageHeader title="Models" description="Every registered model version, its stage and test metrics.">
        <label className="inline-label">
          <span>Stage</span>
          <select value={stage} onChange={(e) => setStage(e.target.value as '' | ModelStage)}>
            <option value="">all</option>
            {STAGES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      </PageHeader>
      {done && <Notice kind="ok">{done}</Notice>}
      {list.loading ? (
        <Loading what="models" />
      ) : list.error ? (
        <ErrorState error={list.error} retry={list.reload} />
      ) : models.length === 0 ? (
        <Empty title={stage ? `No model is in ${stage}.` : 'No model is registered yet.'}>
          Train one with <code>vigil train</code> and register it with <code>vigil models register FILE</code>{' '}
          (or POST it to <code>/api/v1/models</code>).
        </Empty>
      ) : (
        kinds.map((kind) => (
          <section className="card" key={kind} aria-labelledby={`kind-${kind}`}>
            <h2 id={`kind-${kind}`}>{kind}</h2>
            <div className="table-wrap">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Version</th>
                    <th scope="col">Stage</th>
                    <th scope="col">Algorithm</th>
                    <th scope="col" className="num">
                      Accuracy
                    </th>
                    <th scope="col" className="num">
                      F1
                    </th>
                    <th scope="col" className="num">
                      ROC AUC
                    </th>
                    <th scope="col" className="num">
                      FPR
                    </th>
                    <th scope="col">Registered</th>
                    {isAdmin && <th scope="col">Actions</th>}
                  </tr>
                </thead>
                <tbody>
                  {models
                    .filter((m) => m.kind === kind)
                    .map((m) => (
                      <tr key={m.id}>
                        <td>
                          <Link to={`/models/${encodeURIComponent(m.id)}`}>v{m.version}</Link>
                          <div className="muted small mono">{m.id}</div>
                        </td>
                        <td>
                          <StageBadge stage={m.stage} />
                        </td>
                        <td>{m.algorithm}</td>
                        <td className="num">{formatPercent(m.headline.accuracy)}</td>
                        <td className="num">{formatNumber(m.headline.f1)}</td>
                        <td className="num">{formatNumber(m.headline.rocAuc)}</td>
                        <td className="num">{formatPercent(m.headline.fpr, 2)}</td>
                        <td>
                          {formatTime(m.createdAt)}
                          <div className="muted small">by {m.createdBy}</div>
                        </td>
                        {isAdmin && (
                          <td>
                            <button type="button" className="btn btn-small" onClick={() => setPromoting(m)}>
                              {m.stage === 'production' ? 'Change stage…' : 'Promote…'}
                            </button>
                          </td>
                        )}
                      </tr>
                    ))}
                </tbody>
              </table>
            </div>
          </section>
        ))
      )}
      {promoting && (
        <Drawer title="Change a model's stage" onClose={() => setPromoting(null)}>
          <PromoteForm
            model={promoting}
            onDone={(r) => {
              setPromoting(null);
              setDone(
                `${r.model.kind} v${r.model.version} moved from ${r.from} to ${r.model.stage}` +
                  (r.demoted ? `; ${r.demoted} moved to staging.` : '.'),
              );
              list.reload();
            }}
          />
        </Drawer>
      )}
    </>
  );
}
