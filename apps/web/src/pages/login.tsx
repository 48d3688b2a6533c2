import { type FormEvent, useEffect, useRef, useState } from 'react';
import { describeError } from '../api/client';
import { useAuth } from '../auth/auth-context';

/** Sign in with a username and password; the server sets the session cookie. */
export function LoginPage({ reason }: { reason?: string }) {
  const { login } = useAuth();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  // The page has one purpose, so the cursor starts in its first field.
  useEffect(() => first.current?.focus(), []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(username.trim(), password);
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  }

  return (
    <main className="login-page">
      <form className="login-card" onSubmit={submit} aria-labelledby="login-title">
        <div className="brand brand-login">
          <span className="brand-mark" aria-hidden="true" />
          Vigil
        </div>
        <h1 id="login-title">Sign in</h1>
        <p className="muted">Threat detection for network flows and URLs.</p>
        {reason && !error && (
          <p className="notice notice-info" role="status">
            {reason}
          </p>
        )}
        <label className="field">
          <span>Username</span>
          <input
            name="username"
            autoComplete="username"
            required
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            ref={first}
          />
        </label>
        <label className="field">
          <span>Password</span>
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error && (
          <p className="notice notice-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="muted small">
          First start? The admin password is printed by <code>npm start</code> and kept in{' '}
          <code>.vigil/initial-admin-password.txt</code>.
        </p>
      </form>
    </main>
  );
}
