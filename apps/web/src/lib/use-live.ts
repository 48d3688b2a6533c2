import { useEffect, useRef, useState } from 'react';
import { ApiError } from '../api/client';
import { readSse, type SseEvent } from './sse';

export type LiveStatus = 'connecting' | 'open' | 'reconnecting' | 'unavailable' | 'denied' | 'off';

/**
 * Keeps a server-sent events connection to `/api/v1${path}` open while `enabled`, reconnecting with
 * a growing delay (1 s … 15 s) after a drop. A 404 means the server has no such feed: the status
 * becomes `unavailable` and it stops trying; 401/403 give `denied`.
 */
export function useLiveFeed(
  path: string,
  onEvent: (event: SseEvent) => void,
  enabled = true,
): { status: LiveStatus; error: string | null } {
  const [status, setStatus] = useState<LiveStatus>(enabled ? 'connecting' : 'off');
  const [error, setError] = useState<string | null>(null);
  const handler = useRef(onEvent);
  handler.current = onEvent;

  useEffect(() => {
    if (!enabled) {
      setStatus('off');
      return;
    }
    const controller = new AbortController();
    let delay = 1000;
    let lastId: string | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const connect = () => {
      readSse(
        `/api/v1${path}`,
        {
          onOpen: () => {
            delay = 1000;
            setStatus('open');
            setError(null);
          },
          onEvent: (e) => {
            if (e.id) lastId = e.id;
            handler.current(e);
          },
        },
        controller.signal,
        lastId,
      )
        .then(() => retry(null))
        .catch((err: unknown) => {
          if (controller.signal.aborted) return;
          if (err instanceof ApiError && err.status === 404) {
            setStatus('unavailable');
            return;
          }
          if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
            setStatus('denied');
            setError(err.message);
            return;
          }
          retry(err instanceof Error ? err.message : String(err));
        });
    };
    const retry = (message: string | null) => {
      if (controller.signal.aborted) return;
      setStatus('reconnecting');
      setError(message);
      timer = setTimeout(connect, delay);
      delay = Math.min(delay * 2, 15_000);
    };
    setStatus('connecting');
    connect();
    return () => {
      controller.abort();
      if (timer) clearTimeout(timer);
    };
  }, [path, enabled]);

  return { status, error };
}
