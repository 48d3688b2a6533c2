import { type FormEvent, useState } from 'react';
import { api, describeError } from '../api/client';
import type { ApiKey, CreateApiKeyBody, CreatedApiKey, Role } from '../api/types';
import { Empty, ErrorState, Loading, Notice } from '../components/states';
import { formatTime } from '../lib/format';
import { useApi } from '../lib/use-api';

/** The secret of a key just created: shown this once, with a copy button. */
function NewKey({ created, onDismiss }: { created: { key: string; apiKey: ApiKey }; onDismiss: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <section className="card card-highlight" role="status" aria-labelledby="new-key-title">
      <h2 id="new-key-title">API key “{created.apiKey.name}” created</h2>
      <p>
        <strong>Copy it now: it is shown only once.</strong> Vigil stores only its hash. Send it as{' '}
        <code>Authorization: Bearer &lt;key&gt;</code>.
      </p>
      <div className="inline">
        <input
          className="grow mono"
          readOnly
          value={created.key}
          aria-label="The new API key"
          data-testid="new-key"
          onFocus={(e) => e.target.select()}
        />
        <button
          type="button"
          className="btn"
          onClick={() => {
            void navigator.clipboard?.writeText(created.key).then(() => setCopied(true));
          }}
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" className="btn" onClick={onDismiss}>
          I have saved it
        </button>
      </div>
    </section>
  );
}

export function ApiKeysPanel() {
  const keys = useApi((signal) => api<{ items: ApiKey[] }>('/api-keys', { signal }), []);
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('analyst');
  const [created, setCreated] = useState<{ key: string; apiKey: ApiKey } | null>(null);
  const [notice, setNotice] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);

  async function create(e: FormEvent) {
    e.preventDefault();
    setNotice(null);
    try {
      setCreated(
        await api<CreatedApiKey>('/api-keys', {
          method: 'POST',
          body: { name: name.trim(), role } satisfies CreateApiKeyBody,
        }),
      );
      setName('');
      keys.reload();
    } catch (err) {
      setNotice({ kind: 'error', text: describeError(err) });
    }
  }

  async function revoke(key: ApiKey) {
    if (!window.confirm(`Revoke “${key.name}”? Scripts using it stop working at once.`)) return;
    try {
      await api(`/api-keys/${key.id}`, { method: 'DELETE' });
      setNotice({ kind: 'ok', text: `Revoked ${key.name}.` });
      keys.reload();
    } catch (err) {
      setNotice({ kind: 'error', text: describeError(err) });
    }
  }

  return (
    <>
      {created && <NewKey created={created} onDismiss={() => setCreated(null)} />}
      <form className="card" onSubmit={create} aria-labelledby="new-key-form-title">
        <h2 id="new-key-form-title">Create an API key</h2>
        <div className="inline inline-wrap">
          <label className="field">
            <span>Name (what uses it)</span>
            <input
              value={name}
              required
              placeholder="e.g. zeek-forwarder"
              onChange={(e) => setName(e.target.value)}
            />
          </label>
          <label className="field">
            <span>Role</span>
            <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
              <option value="viewer">viewer</option>
              <option value="analyst">analyst</option>
              <option value="admin">admin</option>
            </select>
          </label>
          <button type="submit" className="btn btn-primary" disabled={!name.trim()}>
            Create key
          </button>
        </div>
      </form>
      {notice && <Notice kind={notice.kind}>{notice.text}</Notice>}
      {keys.loading ? (
        <Loading what="API keys" />
      ) : keys.error ? (
        <ErrorState error={keys.error} retry={keys.reload} />
      ) : keys.data?.items.length === 0 ? (
        <Empty title="No API keys yet.">Create one above for each script or service that calls Vigil.</Empty>
      ) : (
        <section className="card">
          <h2>API keys</h2>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Starts with</th>
                <th scope="col">Role</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {keys.data?.items.map((k) => (
                <tr key={k.id}>
                  <td>{k.name}</td>
                  <td className="mono">{k.prefix}…</td>
                  <td>{k.role}</td>
                  <td>{formatTime(k.createdAt)}</td>
                  <td>{k.lastUsedAt ? formatTime(k.lastUsedAt) : 'never'}</td>
                  <td>
                    {k.revokedAt ? (
                      <span className="muted">revoked {formatTime(k.revokedAt)}</span>
                    ) : (
                      <button
                        type="button"
                        className="btn btn-small btn-danger"
                        onClick={() => void revoke(k)}
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </>
  );
}
