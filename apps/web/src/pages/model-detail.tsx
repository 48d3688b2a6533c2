import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../api/client';
import type { ModelDetail } from '../api/types';
import { useMe } from '../auth/auth-context';
import { hasRole } from '../auth/roles';
import { ChartCard } from '../charts/chart';
import { confusionSpec, importanceSpec, prSpec, readModelReport, rocSpec } from '../charts/model-options';
import { Facts } from '../components/bits';
import { PageHeader } from '../components/layout';
import { Empty, ErrorState, Loading, Notice } from '../components/states';
import { featuresOf } from '../lib/flow-input';
import { formatCount, formatNumber, formatTime } from '../lib/format';
import { useApi } from '../lib/use-api';
import { StageBadge } from './models';
import { PromoteForm } from './promote-form';

const missing = (what: string) => (
  <Empty title={`This model's metrics have no ${what}.`}>
    Models trained with a current `vigil train` store it.
  </Empty>
);

function MetricsCharts({ model }: { model: ModelDetail }) {
  const r = readModelReport(model.metrics);
  const roc = r.roc ? rocSpec(r.roc) : null;
  const pr = r.pr ? prSpec(r.pr) : null;
  const confusion = r.confusion ? confusionSpec(r.confusion, r.classNames) : null;
  const importance = r.importance ? importanceSpec(r.importance) : null;
  const empty = { option: {}, table: { columns: [], rows: [] } };
  return (
    <>
      <section className="card" aria-labelledby="metrics-title">
        <h2 id="metrics-title">Test metrics</h2>
        <div className="kpis kpis-small">
          {r.numbers
            .filter((n) => n.value !== null)
            .map((n) => (
              <div className="kpi" key={n.label}>
                <div className="kpi-label">{n.label}</div>
                <div className="kpi-value">
                  {n.label === 'Test rows' ? formatCount(n.value) : formatNumber(n.value)}
                </div>
              </div>
            ))}
        </div>
        {r.numbers.every((n) => n.value === null) && (
          <p className="muted">No test metrics were stored with this model.</p>
        )}
        {r.threshold !== null && (
          <p className="muted small">Decision threshold: {formatNumber(r.threshold)}</p>
        )}
      </section>
      <div className="widgets">
        <ChartCard
          title="ROC curve"
          subtitle="true vs false positive rate over thresholds"
          {...(roc ?? empty)}
          placeholder={roc ? undefined : missing('ROC curve')}
        />
        <ChartCard
          title="Precision-recall curve"
          {...(pr ?? empty)}
          placeholder={pr ? undefined : missing('precision-recall curve')}
        />
        <ChartCard
          title="Confusion matrix"
          subtitle="rows: true class (top to bottom), columns: predicted class"
          {...(confusion ?? empty)}
          height={Math.max(260, (r.confusion?.length ?? 2) * 48 + 100)}
          placeholder={confusion ? undefined : missing('confusion matrix')}
        />
        <ChartCard
          title="Feature importance"
          subtitle="total gain of the splits on each feature"
          {...(importance ?? empty)}
          height={Math.max(220, (r.importance?.length ?? 5) * 24 + 40)}
          placeholder={importance ? undefined : missing('feature importance')}
        />
      </div>
      {r.perClass && (
        <section className="card">
          <h2>Per class</h2>
          <table className="table table-compact">
            <thead>
              <tr>
                <th scope="col">Class</th>
                <th scope="col" className="num">
                  Precision
                </th>
                <th scope="col" className="num">
                  Recall
                </th>
                <th scope="col" className="num">
                  F1
                </th>
                <th scope="col" className="num">
                  FPR
                </th>
                <th scope="col" className="num">
                  Support
                </th>
              </tr>
            </thead>
            <tbody>
              {r.perClass.map((c) => (
                <tr key={c.name}>
                  <td>{c.name}</td>
                  <td className="num">{formatNumber(c.precision)}</td>
                  <td className="num">{formatNumber(c.recall)}</td>
                  <td className="num">{formatNumber(c.f1)}</td>
                  <td className="num">{formatNumber(c.fpr)}</td>
                  <td className="num">{formatCount(c.support)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </>
  );
}

export function ModelDetailPage() {
  const { id = '' } = useParams();
  const me = useMe();
  const model = useApi((signal) => api<ModelDetail>(`/models/${encodeURIComponent(id)}`, { signal }), [id]);
  const [done, setDone] = useState<string | null>(null);

  if (model.loading) return <Loading what="the model" />;
  if (model.error)
    return <ErrorState error={model.error} retry={model.reload} title="Could not load the model" />;
  const m = model.data;
  if (!m) return null;
  const features = featuresOf(m.featureSpec);
  const transitions = [...m.transitions].reverse();

  return (
    <>
      <PageHeader title={`${m.kind} v${m.version}`} description={`${m.algorithm} · ${m.id}`}>
        <StageBadge stage={m.stage} />
        <Link className="btn" to="/models">
          All models
        </Link>
      </PageHeader>
      {done && <Notice kind="ok">{done}</Notice>}
      <div className="two-col">
        <section className="card">
          <h2>About</h2>
          <Facts
            items={[
              ['Registered', `${formatTime(m.createdAt)} by ${m.createdBy}`],
              ['Schema', String(m.featureSpec.schema ?? m.kind)],
              ['Features', String(features.length)],
              [
                'Classes',
                ((m.featureSpec.target as { classNames?: string[] } | undefined)?.classNames ?? []).join(
                  ', ',
                ) || '—',
              ],
            ]}
          />
          <details>
            <summary>Feature list</summary>
            <p className="small mono">{features.map((f) => f.name).join(', ')}</p>
          </details>
        </section>
        {hasRole(me.role, 'admin') ? (
          <section className="card" aria-labelledby="promote-title">
            <h2 id="promote-title">Change stage</h2>
            <PromoteForm
              model={m}
              onDone={(r) => {
                setDone(
                  `Moved from ${r.from} to ${r.model.stage}` +
                    (r.demoted ? `; ${r.demoted} moved to staging.` : '.'),
                );
                model.reload();
              }}
            />
          </section>
        ) : (
          <section className="card">
            <h2>Change stage</h2>
            <p className="muted">
              Only admins promote models. Ask one if this version should go to production.
            </p>
          </section>
        )}
      </div>
      <MetricsCharts model={m} />
      <section className="card" aria-labelledby="transitions-title">
        <h2 id="transitions-title">Stage history</h2>
        {transitions.length === 0 ? (
          <p className="muted">No stage changes yet.</p>
        ) : (
          <table className="table table-compact" data-testid="transitions">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">From</th>
                <th scope="col">To</th>
                <th scope="col">Who</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {transitions.map((t) => (
                <tr key={`${t.at}-${t.to}`}>
                  <td>{formatTime(t.at)}</td>
                  <td>{t.from ? <StageBadge stage={t.from} /> : '—'}</td>
                  <td>
                    <StageBadge stage={t.to} />
                  </td>
                  <td>{t.actor}</td>
                  <td>{t.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
