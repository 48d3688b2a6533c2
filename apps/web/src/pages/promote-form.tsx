import { type FormEvent, useState } from 'react';
import { api, describeError } from '../api/client';
import type { ModelStage, ModelSummary, PromoteBody, PromotionResult } from '../api/types';
import { Notice } from '../components/states';

export const STAGES: readonly ModelStage[] = ['experimental', 'staging', 'production', 'archived'];

/** Move a model to another stage with a reason (admin). Promoting to production demotes the current one. */
export function PromoteForm({
  model,
  onDone,
}: {
  model: ModelSummary;
  onDone: (r: PromotionResult) => void;
}) {
  const targets = STAGES.filter((s) => s !== model.stage);
  const [stage, setStage] = useState<ModelStage>(targets.includes('production') ? 'production' : targets[0]);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!reason.trim()) {
      setError('Give a reason: it is kept in the model’s history and the audit log.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const result = await api<PromotionResult>(`/models/${encodeURIComponent(model.id)}/promote`, {
        method: 'POST',
        body: { stage, reason: reason.trim() } satisfies PromoteBody,
      });
      setReason('');
      onDone(result);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      className="promote-form"
      onSubmit={submit}
      aria-label={`Promote ${model.kind} v${model.version}`}
      noValidate
    >
      <p>
        <strong>
          {model.kind} v{model.version}
        </strong>{' '}
        is in <span className={`stage stage-${model.stage}`}>{model.stage}</span>.
      </p>
      <label className="field">
        <span>Move to stage</span>
        <select value={stage} onChange={(e) => setStage(e.target.value as ModelStage)}>
          {targets.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      {stage === 'production' && (
        <p className="muted small">
          The current production model of {model.kind}, if any, moves to staging. Scoring switches at once.
        </p>
      )}
      <label className="field">
        <span>Reason (required)</span>
        <textarea
          rows={3}
          value={reason}
          maxLength={1000}
          placeholder="e.g. better recall on last week's traffic, reviewed by the SOC lead"
          onChange={(e) => {
            setReason(e.target.value);
            setError(null);
          }}
          aria-invalid={error ? true : undefined}
        />
      </label>
      {error && <Notice kind="error">{error}</Notice>}
      <button type="submit" className="btn btn-primary" disabled={busy}>
        {busy ? 'Promoting…' : `Move to ${stage}`}
      </button>
    </form>
  );
}
