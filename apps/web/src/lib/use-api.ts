import { type DependencyList, useCallback, useEffect, useRef, useState } from 'react';

export interface ApiState<T> {
  data: T | undefined;
  error: unknown;
  /** True until the first answer (later refreshes keep showing the last data). */
  loading: boolean;
  /** Fetches again now. */
  reload(): void;
}

/**
 * Runs `load` when `deps` change (and every `pollMs` when given, while the tab is visible), keeping
 * the last good data on screen during refreshes. Stale answers of superseded loads are dropped.
 */
export function useApi<T>(
  load: (signal: AbortSignal) => Promise<T>,
  deps: DependencyList,
  options: { pollMs?: number; enabled?: boolean } = {},
): ApiState<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const enabled = options.enabled ?? true;

  // The caller's deps as one comparable value (they are ids, strings and numbers).
  const key = JSON.stringify(deps);
  const shownKey = useRef(key);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `tick` is how reload() and polling re-run it
  useEffect(() => {
    if (!enabled) return;
    if (shownKey.current !== key) {
      // New inputs: what is on screen belongs to the old ones.
      shownKey.current = key;
      setData(undefined);
      setLoading(true);
    }
    const controller = new AbortController();
    loadRef
      .current(controller.signal)
      .then((value) => {
        if (controller.signal.aborted) return;
        setData(value);
        setError(undefined);
        setLoading(false);
      })
      .catch((err: unknown) => {
        if (controller.signal.aborted || (err as Error)?.name === 'AbortError') return;
        setError(err);
        setLoading(false);
      });
    return () => controller.abort();
  }, [key, tick, enabled]);

  const pollMs = options.pollMs;
  useEffect(() => {
    if (!pollMs || !enabled) return;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') setTick((t) => t + 1);
    }, pollMs);
    return () => clearInterval(timer);
  }, [pollMs, enabled]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}
