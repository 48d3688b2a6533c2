import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api, onUnauthorized, setCsrfToken } from '../api/client';
import type { LoginBody, Me } from '../api/types';

type AuthState =
  | { status: 'loading' }
  | { status: 'signed-out'; reason?: string }
  | { status: 'signed-in'; me: Me };

interface AuthContextValue {
  state: AuthState;
  login(username: string, password: string): Promise<void>;
  logout(): Promise<void>;
}

const AuthContext = createContext<AuthContextValue | null>(null);

/** Who is signed in: asked once at start (GET /auth/me), then kept until sign-out or a 401. */
export function AuthProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<AuthState>({ status: 'loading' });

  useEffect(() => {
    let cancelled = false;
    api<Me>('/auth/me')
      .then((me) => {
        if (cancelled) return;
        setCsrfToken(me.csrfToken);
        setState({ status: 'signed-in', me });
      })
      .catch(() => {
        if (!cancelled) setState({ status: 'signed-out' });
      });
    return () => {
      cancelled = true;
    };
  }, []);

  useEffect(
    () =>
      onUnauthorized(() => {
        setCsrfToken(null);
        setState((s) =>
          s.status === 'signed-in'
            ? { status: 'signed-out', reason: 'Your session ended: sign in again.' }
            : s,
        );
      }),
    [],
  );

  const login = useCallback(async (username: string, password: string) => {
    const me = await api<Me>('/auth/login', {
      method: 'POST',
      body: { username, password } satisfies LoginBody,
    });
    setCsrfToken(me.csrfToken);
    setState({ status: 'signed-in', me });
  }, []);

  const logout = useCallback(async () => {
    try {
      await api('/auth/logout', { method: 'POST' });
    } finally {
      setCsrfToken(null);
      setState({ status: 'signed-out' });
    }
  }, []);

  const value = useMemo(() => ({ state, login, logout }), [state, login, logout]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}

/** The signed-in caller (only inside the signed-in part of the app). */
export function useMe(): Me {
  const { state } = useAuth();
  if (state.status !== 'signed-in') throw new Error('useMe while not signed in');
  return state.me;
}
