import type { ReactNode } from 'react';
import { describeError } from '../api/client';

/** "Loading …" for a region, announced politely to screen readers. */
export function Loading({ what = 'data' }: { what?: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> Loading {what}…
    </div>
  );
}

/** What went wrong and what to do; `retry` adds a "Try again" button. */
export function ErrorState({
  error,
  retry,
  title = 'Something went wrong',
}: {
  error: unknown;
  retry?: () => void;
  title?: string;
}) {
  return (
    <div className="state state-error" role="alert">
      <strong>{title}.</strong> <span>{describeError(error)}</span>
      {retry && (
        <button type="button" className="btn btn-small" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** Nothing to show yet, and how to get something. */
export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      <strong>{title}</strong>
      {children && <div className="muted">{children}</div>}
    </div>
  );
}

/** The server answered 404 for this feature's API: it is not part of this server (yet). */
export function NotAvailable({ feature, api }: { feature: string; api: string }) {
  return (
    <div className="state state-empty" role="status" data-testid="not-available">
      <strong>{feature} is not available on this server.</strong>
      <div className="muted">
        This Vigil server does not offer <code>{api}</code>. Update the server to a version with{' '}
        {feature.toLowerCase()}, or ask your administrator to enable it.
      </div>
    </div>
  );
}

/** A small inline message after an action: success or failure. */
export function Notice({ kind, children }: { kind: 'ok' | 'error'; children: ReactNode }) {
  return (
    <div className={`notice notice-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}
