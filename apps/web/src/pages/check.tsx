import { type FormEvent, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { ApiError, api, describeError } from '../api/client';
import type { ActiveModel, ModelDetail, ScoreFlowsBody, ScoreResponse } from '../api/types';
import { Explanation, Facts, RiskBadge, VerdictPill } from '../components/bits';
import { PageHeader } from '../components/layout';
import { Empty, ErrorState, Loading, Notice } from '../components/states';
import { featuresOf, recordFromForm, recordsFromJson, recordTemplate, TUPLE_FIELDS } from '../lib/flow-input';
import { formatNumber } from '../lib/format';
import { useApi } from '../lib/use-api';
import { UrlCheck } from './url-check';

function FlowResult({ result }: { result: ScoreResponse }) {
  return (
    <div className="result" data-testid="flow-result" aria-live="polite">
      <p>
        Scored {result.summary.records} flow{result.summary.records === 1 ? '' : 's'} with{' '}
        <Link to={`/models/${encodeURIComponent(result.model.id)}`}>
          {result.model.kind} v{result.model.version}
        </Link>{' '}
        (threshold {formatNumber(result.model.threshold)}): {result.summary.attacks} attack
        {result.summary.attacks === 1 ? '' : 's'}.
        {result.summary.unseenCategories > 0 &&
          ` ${result.summary.unseenCategories} value(s) were categories the model never saw.`}
      </p>
      {result.predictions.slice(0, 10).map((p, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: predictions answer the records in order
        <section className="card" key={i}>
          <Facts
            items={[
              ...(result.predictions.length > 1 ? ([['Flow', String(i + 1)]] as [string, string][]) : []),
              ['Verdict', <VerdictPill key="v" verdict={p.verdict} />],
              ['Risk', <RiskBadge key="r" score={p.riskScore} />],
              ['Probability of attack', formatNumber(p.probability)],
              ['Category', p.category],
            ]}
          />
          {p.topFeatures.length > 0 && <Explanation features={p.topFeatures} />}
        </section>
      ))}
    </div>
  );
}

function FlowCheck() {
  const active = useApi((signal) => api<{ items: ActiveModel[] }>('/models/active', { signal }), []);
  const [kind, setKind] = useState('');
  // URL models (kind `url`) are for the URL check beside this form.
  const models = (active.data?.items ?? []).filter((m) => m.kind !== 'url');
  const model = models.find((m) => m.kind === kind) ?? models[0];
  const detail = useApi(
    (signal) =>
      model ? api<ModelDetail>(`/models/${encodeURIComponent(model.id)}`, { signal }) : Promise.resolve(null),
    [model?.id],
  );
  const features = detail.data ? featuresOf(detail.data.featureSpec) : [];
  const [mode, setMode] = useState<'form' | 'json'>('form');
  const [values, setValues] = useState<Record<string, string>>({});
  const [json, setJson] = useState('');
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<ScoreResponse | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (detail.data && !json) setJson(recordTemplate(featuresOf(detail.data.featureSpec)));
  }, [detail.data, json]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setFieldErrors({});
    let records: Record<string, unknown>[];
    let schema = model?.kind;
    if (mode === 'form') {
      const r = recordFromForm(features, values);
      if ('errors' in r) {
        setFieldErrors(r.errors);
        return;
      }
      records = [r.record];
    } else {
      const r = recordsFromJson(json);
      if ('error' in r) {
        setError(new Error(r.error));
        return;
      }
      records = r.records;
      schema = r.schema ?? schema;
    }
    setBusy(true);
    try {
      setResult(
        await api<ScoreResponse>('/predict/flows', {
          method: 'POST',
          body: { schema, explain: 'all', records } satisfies ScoreFlowsBody,
        }),
      );
    } catch (err) {
      setResult(null);
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  if (active.loading) return <Loading what="production models" />;
  if (active.error) return <ErrorState error={active.error} retry={active.reload} />;
  if (models.length === 0)
    return (
      <Empty title="No model is in production, so flows cannot be scored.">
        An admin promotes one on the <Link to="/models">Models</Link> page.
      </Empty>
    );

  const tupleFields = TUPLE_FIELDS.filter((f) => !features.some((x) => x.name === f));
  return (
    <form onSubmit={submit} aria-label="Score one flow" noValidate>
      <div className="inline">
        {models.length > 1 && (
          <label className="field">
            <span>Flow schema</span>
            <select value={model?.kind} onChange={(e) => setKind(e.target.value)}>
              {models.map((m) => (
                <option key={m.kind} value={m.kind}>
                  {m.kind}
                </option>
              ))}
            </select>
          </label>
        )}
        <fieldset className="tabs">
          <legend className="sr-only">Input</legend>
          <button
            type="button"
            className="tab"
            aria-pressed={mode === 'form'}
            onClick={() => setMode('form')}
          >
            Form
          </button>
          <button
            type="button"
            className="tab"
            aria-pressed={mode === 'json'}
            onClick={() => setMode('json')}
          >
            Paste JSON
          </button>
        </fieldset>
        <span className="muted small">
          Model: {model?.kind} v{model?.version}, {features.length || model?.nFeatures} features
        </span>
      </div>
      {detail.loading ? (
        <Loading what="the model's features" />
      ) : mode === 'form' ? (
        <>
          <p className="muted small">
            Leave a field empty to send it as missing. The addresses are kept in history.
          </p>
          <div className="form-grid">
            {[
              ...tupleFields.map((name) => ({ name, kind: name.endsWith('_port') ? 'numeric' : 'text' })),
              ...features,
            ].map((f) => {
              const id = `flow-${f.name}`;
              return (
                <div className="field" key={f.name}>
                  <label htmlFor={id}>{f.name}</label>
                  {f.kind === 'categorical' && 'categories' in f && f.categories ? (
                    <select
                      id={id}
                      value={values[f.name] ?? ''}
                      onChange={(e) => setValues({ ...values, [f.name]: e.target.value })}
                    >
                      <option value="">(missing)</option>
                      {f.categories.map((c) => (
                        <option key={c} value={c}>
                          {c}
                        </option>
                      ))}
                    </select>
                  ) : (
                    <input
                      id={id}
                      inputMode={f.kind === 'numeric' ? 'decimal' : undefined}
                      value={values[f.name] ?? ''}
                      onChange={(e) => setValues({ ...values, [f.name]: e.target.value })}
                      aria-invalid={fieldErrors[f.name] ? true : undefined}
                      aria-describedby={fieldErrors[f.name] ? `${id}-error` : undefined}
                    />
                  )}
                  {fieldErrors[f.name] && (
                    <span className="field-error" id={`${id}-error`}>
                      {fieldErrors[f.name]}
                    </span>
                  )}
                </div>
              );
            })}
          </div>
        </>
      ) : (
        <label className="field">
          <span>One flow as a JSON object, an array of flows, or a request body with "records"</span>
          <textarea
            className="code"
            rows={14}
            value={json}
            onChange={(e) => setJson(e.target.value)}
            spellCheck={false}
          />
        </label>
      )}
      <div className="inline">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Scoring…' : 'Score flow'}
        </button>
        {mode === 'form' && (
          <button type="button" className="btn" onClick={() => setValues({})}>
            Clear fields
          </button>
        )}
      </div>
      {error != null && (
        <Notice kind="error">
          {describeError(error)}
          {error instanceof ApiError && error.path && (
            <>
              {' '}
              (field: <code>{error.path}</code>)
            </>
          )}
        </Notice>
      )}
      {result && <FlowResult result={result} />}
    </form>
  );
}

export function CheckPage() {
  useEffect(() => {
    if (window.location.hash === '#url') document.getElementById('url-input')?.focus();
  }, []);
  return (
    <>
      <PageHeader
        title="Check"
        description="Classify one flow or one URL now. For many at once, upload a batch."
      />
      <div className="two-col">
        <section className="card" aria-labelledby="flow-title">
          <h2 id="flow-title">Score a flow</h2>
          <FlowCheck />
        </section>
        <section className="card" id="url" aria-labelledby="url-title">
          <h2 id="url-title">Check a URL</h2>
          <UrlCheck />
        </section>
      </div>
    </>
  );
}
