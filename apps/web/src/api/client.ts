// The one way the dashboard talks to the server: same-origin fetch with the session cookie, the
// CSRF token on state-changing requests, and the server's `{ error: { code, message } }` as ApiError.

export type QueryValue = string | number | boolean | null | undefined;
export type Query = Record<string, QueryValue>;

/** An error answer from the API (or the network), with what the user can act on. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly path?: string,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The route does not exist on this server (a feature it does not run). */
  get notAvailable(): boolean {
    return this.status === 404 && this.code === 'NOT_FOUND' && this.message.startsWith('no route');
  }
}

let csrfToken: string | null = null;
const unauthorizedListeners = new Set<() => void>();

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function getCsrfToken(): string | null {
  return csrfToken;
}

/** Called whenever the server answers 401 (session ended or expired). */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

/** `?a=1&b=x` from the defined, non-empty values (in key order as given); '' when none. */
export function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  query?: Query;
  /** JSON-encoded unless it is FormData or a Blob. */
  body?: unknown;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

/** Adds the CSRF token (and JSON content type) a session caller needs on this request. */
export function requestHeaders(method: string, body: unknown, extra?: Record<string, string>) {
  const headers: Record<string, string> = { accept: 'application/json', ...extra };
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const raw = body instanceof FormData || body instanceof Blob;
  if (body !== undefined && !raw) headers['content-type'] = 'application/json';
  return headers;
}

/** Reads an error answer into an ApiError (a body that is not the API's shape still gets one). */
export async function toApiError(res: Response): Promise<ApiError> {
  let code = `HTTP_${res.status}`;
  let message = res.statusText || `request failed with status ${res.status}`;
  let path: string | undefined;
  let requestId: string | undefined;
  try {
    const body = (await res.json()) as {
      error?: { code?: string; message?: string; path?: string; requestId?: string };
    };
    if (body.error) {
      code = body.error.code ?? code;
      message = body.error.message ?? message;
      path = body.error.path;
      requestId = body.error.requestId;
    }
  } catch {
    // Not JSON (a proxy's error page, say): keep the status text.
  }
  if (res.status === 401) for (const l of unauthorizedListeners) l();
  return new ApiError(res.status, code, message, path, requestId);
}

/** Sends a request to `/api/v1${path}` and returns the parsed JSON (undefined for 204). */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const body = options.body;
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}${queryString(options.query)}`, {
      method,
      credentials: 'same-origin',
      headers: requestHeaders(method, body, options.headers),
      body:
        body === undefined
          ? undefined
          : body instanceof FormData || body instanceof Blob
            ? body
            : JSON.stringify(body),
      signal: options.signal,
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'NETWORK', 'cannot reach the Vigil server: check that it is running and try again');
  }
  if (!res.ok) throw await toApiError(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** What to tell the user about an error, in one sentence. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 403) return `${err.message}. Ask an admin for a role that may do this.`;
    if (err.status === 429) return 'Too many requests: wait a minute and try again.';
    if (err.status >= 500 && err.code === 'INTERNAL') return err.message;
    return err.message;
  }
  return err instanceof Error ? err.message : String(err);
}
