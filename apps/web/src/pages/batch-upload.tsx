import { type FormEvent, useRef, useState } from 'react';
import { Link } from 'react-router';
import { ApiError, api, describeError } from '../api/client';
import type { ActiveModel, BatchCreated } from '../api/types';
import { uploadWithProgress } from '../api/upload';
import { NotAvailable, Notice } from '../components/states';
import { formatBytes } from '../lib/format';
import { useApi } from '../lib/use-api';

/** POST /api/v1/batches: the queued batch and the detected format. */
export type Uploaded = BatchCreated;

/** Choose a file, upload it with a progress bar; the server checks it and queues the batch. */
export function BatchUpload({ onUploaded }: { onUploaded: (u: Uploaded) => void }) {
  const active = useApi((signal) => api<{ items: ActiveModel[] }>('/models/active', { signal }), []);
  const [file, setFile] = useState<File | null>(null);
  const [schema, setSchema] = useState('');
  const [name, setName] = useState('');
  const [urlColumn, setUrlColumn] = useState('');
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [unavailable, setUnavailable] = useState(false);
  const [last, setLast] = useState<Uploaded | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const abort = useRef<AbortController | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!file) {
      setError(
        new Error('Choose a file first: a CSV of flows, a Zeek conn.log, or a list of URLs (gzip is fine).'),
      );
      return;
    }
    const form = new FormData();
    if (schema) form.append('schema', schema);
    if (name.trim()) form.append('name', name.trim());
    if (urlColumn.trim()) form.append('urlColumn', urlColumn.trim());
    form.append('file', file);
    setError(null);
    setLast(null);
    setProgress(0);
    abort.current = new AbortController();
    try {
      const uploaded = await uploadWithProgress<Uploaded>(
        '/batches',
        form,
        setProgress,
        abort.current.signal,
      );
      setLast(uploaded);
      setFile(null);
      setName('');
      if (input.current) input.current.value = '';
      onUploaded(uploaded);
    } catch (err) {
      if ((err as Error).name === 'AbortError') setError(new Error('Upload cancelled.'));
      else if (err instanceof ApiError && err.notAvailable) setUnavailable(true);
      else setError(err);
    } finally {
      setProgress(null);
      abort.current = null;
    }
  }

  if (unavailable) return <NotAvailable feature="Batch scoring" api="POST /api/v1/batches" />;
  const kinds = (active.data?.items ?? []).map((m) => m.kind);
  const uploading = progress !== null;

  return (
    <form onSubmit={submit} aria-label="Upload a batch" noValidate>
      <div className="inline inline-wrap">
        <div className="field grow">
          <label htmlFor="batch-file">
            File (CSV, TSV, Zeek conn.log, JSON lines or a URL list; .gz accepted)
          </label>
          <input
            id="batch-file"
            ref={input}
            type="file"
            accept=".csv,.tsv,.log,.json,.jsonl,.ndjson,.txt,.gz"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
        </div>
        <label className="field">
          <span>Schema</span>
          <select value={schema} onChange={(e) => setSchema(e.target.value)}>
            <option value="">detect from the header</option>
            {kinds.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Name (optional)</span>
          <input
            value={name}
            placeholder={file?.name ?? 'e.g. office-2026-03-04'}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        {(schema === 'url' || /url/i.test(file?.name ?? '')) && (
          <label className="field">
            <span>URL column (optional)</span>
            <input value={urlColumn} placeholder="url" onChange={(e) => setUrlColumn(e.target.value)} />
          </label>
        )}
        <button type="submit" className="btn btn-primary" disabled={uploading}>
          {uploading ? 'Uploading…' : 'Upload and score'}
        </button>
        {uploading && (
          <button type="button" className="btn" onClick={() => abort.current?.abort()}>
            Cancel upload
          </button>
        )}
      </div>
      {file && !uploading && <p className="muted small">{`${file.name}, ${formatBytes(file.size)}`}</p>}
      {uploading && (
        <div className="upload-progress">
          <div className="progress-label">
            <span>Uploading {file?.name}</span>
            <span>{Math.round((progress ?? 0) * 100)} %</span>
          </div>
          <progress
            className="progress"
            max={100}
            value={Math.round((progress ?? 0) * 100)}
            aria-label="Upload progress"
          />
          {progress === 1 && <p className="muted small">Checking the file on the server…</p>}
        </div>
      )}
      {error != null && (
        <Notice kind="error">
          {describeError(error)}
          {error instanceof ApiError && error.path && (
            <>
              {' '}
              (at <code>{error.path}</code>)
            </>
          )}
          {error instanceof ApiError && error.code === 'NO_PRODUCTION_MODEL' && (
            <>
              {' '}
              An admin promotes a model on the <Link to="/models">Models</Link> page.
            </>
          )}
        </Notice>
      )}
      {last && (
        <Notice kind="ok">
          Queued batch <strong>{last.batch.name}</strong>: {last.format.rowsTotal.toLocaleString('en-GB')}{' '}
          rows, {last.format.layout}, schema {last.format.schema}
          {last.format.columns.unknown.length > 0 &&
            `; ignored columns: ${last.format.columns.unknown.join(', ')}`}
          .
        </Notice>
      )}
    </form>
  );
}
