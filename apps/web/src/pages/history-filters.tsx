import { type FormEvent, useEffect, useState } from 'react';
import {
  emptyFilters,
  type HistoryFilters,
  isoToLocalInput,
  localInputToIso,
  SORTS,
  startOfLocalDay,
  validateFilters,
} from '../lib/history-query';

type Key = keyof HistoryFilters;

const PRESETS: { label: string; range: (now: Date) => [Date, Date | null] }[] = [
  { label: 'Last hour', range: (now) => [new Date(now.getTime() - 3_600_000), null] },
  { label: 'Today', range: (now) => [startOfLocalDay(now), null] },
  { label: 'Yesterday', range: (now) => [startOfLocalDay(now, 1), startOfLocalDay(now)] },
  { label: 'Last 7 days', range: (now) => [new Date(now.getTime() - 7 * 86_400_000), null] },
];

/** The filter form: edits a draft, applies it on submit (Enter or "Apply"). */
export function HistoryFilterForm({
  applied,
  onApply,
}: {
  applied: HistoryFilters;
  onApply: (f: HistoryFilters) => void;
}) {
  const [draft, setDraft] = useState(applied);
  const [errors, setErrors] = useState<Partial<Record<Key, string>>>({});
  useEffect(() => setDraft(applied), [applied]);

  const set = (key: Key, value: string) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setErrors((e) => ({ ...e, [key]: undefined }));
  };

  function apply(f: HistoryFilters) {
    const problems = validateFilters(f);
    setErrors(problems);
    if (Object.keys(problems).length === 0) onApply(f);
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    apply(draft);
  }

  const text = (key: Key, label: string, placeholder?: string) => (
    <label className="field">
      <span>{label}</span>
      <input
        name={key}
        value={draft[key]}
        placeholder={placeholder}
        onChange={(e) => set(key, e.target.value)}
        aria-invalid={errors[key] ? true : undefined}
        aria-describedby={errors[key] ? `err-${key}` : undefined}
      />
      {errors[key] && (
        <span className="field-error" id={`err-${key}`}>
          {errors[key]}
        </span>
      )}
    </label>
  );
  const when = (key: 'from' | 'to', label: string) => (
    <label className="field">
      <span>{label}</span>
      <input
        type="datetime-local"
        name={key}
        value={isoToLocalInput(draft[key])}
        onChange={(e) => set(key, localInputToIso(e.target.value))}
        aria-invalid={errors[key] ? true : undefined}
      />
      {errors[key] && <span className="field-error">{errors[key]}</span>}
    </label>
  );

  return (
    <form className="filters" onSubmit={submit} aria-label="Filter predictions" noValidate>
      <div className="filter-row">
        <label className="field grow">
          <span>Search</span>
          <input
            type="search"
            name="q"
            value={draft.q}
            placeholder="category, address, model, any text…"
            onChange={(e) => set('q', e.target.value)}
          />
        </label>
        {when('from', 'From')}
        {when('to', 'To (before)')}
        <div className="field">
          <span>Quick range</span>
          <div className="button-group">
            {PRESETS.map((p) => (
              <button
                key={p.label}
                type="button"
                className="btn btn-small"
                onClick={() => {
                  const [from, to] = p.range(new Date());
                  const next = { ...draft, from: from.toISOString(), to: to ? to.toISOString() : '' };
                  setDraft(next);
                  apply(next);
                }}
              >
                {p.label}
              </button>
            ))}
          </div>
        </div>
      </div>
      <div className="filter-row">
        <label className="field">
          <span>Verdict</span>
          <select name="verdict" value={draft.verdict} onChange={(e) => set('verdict', e.target.value)}>
            <option value="">any</option>
            <option value="attack">attack (alerts)</option>
            <option value="benign">benign</option>
          </select>
        </label>
        {text('ip', 'Address (either side)', '10.0.0.5')}
        {text('srcIp', 'Source address')}
        {text('dstIp', 'Destination address')}
        {text('category', 'Category', 'e.g. DoS')}
        {text('minScore', 'Min risk', '0')}
        {text('maxScore', 'Max risk', '100')}
        {text('kind', 'Schema (model kind)')}
        {text('modelId', 'Model id')}
        <label className="field">
          <span>Sort</span>
          <select name="sort" value={draft.sort} onChange={(e) => set('sort', e.target.value)}>
            {SORTS.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="inline">
        <button type="submit" className="btn btn-primary">
          Apply filters
        </button>
        <button type="button" className="btn" onClick={() => apply(emptyFilters())}>
          Reset
        </button>
      </div>
    </form>
  );
}
