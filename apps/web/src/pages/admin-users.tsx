import { type FormEvent, useState } from 'react';
import { api, describeError } from '../api/client';
import type { CreateUserBody, Role, UpdateUserBody, User } from '../api/types';
import { useMe } from '../auth/auth-context';
import { ErrorState, Loading, Notice } from '../components/states';
import { formatTime } from '../lib/format';
import { useApi } from '../lib/use-api';

const ROLES: readonly Role[] = ['viewer', 'analyst', 'admin'];

function CreateUser({ onCreated }: { onCreated: (u: User) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('analyst');
  const [error, setError] = useState<string | null>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const user = await api<User>('/users', {
        method: 'POST',
        body: { username: username.trim(), password, role } satisfies CreateUserBody,
      });
      setUsername('');
      setPassword('');
      onCreated(user);
    } catch (err) {
      setError(describeError(err));
    }
  }
  return (
    <form className="card" onSubmit={submit} aria-labelledby="new-user-title">
      <h2 id="new-user-title">Add a user</h2>
      <div className="inline inline-wrap">
        <label className="field">
          <span>Username</span>
          <input value={username} required autoComplete="off" onChange={(e) => setUsername(e.target.value)} />
        </label>
        <label className="field">
          <span>Password (at least 12 characters)</span>
          <input
            type="password"
            value={password}
            required
            autoComplete="new-password"
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <label className="field">
          <span>Role</span>
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="btn btn-primary">
          Add user
        </button>
      </div>
      <p className="muted small">
        Viewers read; analysts also score flows and upload batches; admins do everything.
      </p>
      {error && <Notice kind="error">{error}</Notice>}
    </form>
  );
}

export function UsersPanel() {
  const me = useMe();
  const users = useApi((signal) => api<{ items: User[] }>('/users', { signal }), []);
  const [notice, setNotice] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);

  async function update(user: User, change: Partial<Pick<User, 'role' | 'disabled'>>) {
    try {
      await api(`/users/${user.id}`, { method: 'PATCH', body: change satisfies UpdateUserBody });
      setNotice({ kind: 'ok', text: `Updated ${user.username}; their open sessions were ended.` });
      users.reload();
    } catch (err) {
      setNotice({ kind: 'error', text: describeError(err) });
    }
  }

  return (
    <>
      <CreateUser
        onCreated={(u) => {
          setNotice({ kind: 'ok', text: `Added ${u.username} as ${u.role}.` });
          users.reload();
        }}
      />
      {notice && <Notice kind={notice.kind}>{notice.text}</Notice>}
      {users.loading ? (
        <Loading what="users" />
      ) : users.error ? (
        <ErrorState error={users.error} retry={users.reload} />
      ) : (
        <section className="card">
          <h2>Users</h2>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Username</th>
                <th scope="col">Role</th>
                <th scope="col">Created</th>
                <th scope="col">Status</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {users.data?.items.map((u) => {
                const self = me.kind === 'user' && me.id === u.id;
                return (
                  <tr key={u.id}>
                    <td>
                      {u.username}
                      {self && <span className="muted small"> (you)</span>}
                    </td>
                    <td>
                      <select
                        aria-label={`Role of ${u.username}`}
                        value={u.role}
                        disabled={self}
                        onChange={(e) => void update(u, { role: e.target.value as Role })}
                      >
                        {ROLES.map((r) => (
                          <option key={r} value={r}>
                            {r}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td>{formatTime(u.createdAt)}</td>
                    <td>{u.disabled ? <span className="pill pill-attack">disabled</span> : 'active'}</td>
                    <td>
                      <button
                        type="button"
                        className="btn btn-small"
                        disabled={self}
                        title={self ? 'Another admin has to do this' : undefined}
                        onClick={() => void update(u, { disabled: !u.disabled })}
                      >
                        {u.disabled ? 'Enable' : 'Disable'}
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </section>
      )}
    </>
  );
}
