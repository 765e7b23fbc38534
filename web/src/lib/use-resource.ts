// What the account pages read when they open (the keys, the sessions, the log, the factor's state):
// loaded on mount, read again on demand, with its loading and error state. The requests carry an
// AbortSignal that fires when the page goes, so a late answer never lands in a page that was left.
import { useCallback, useEffect, useRef, useState, type SetStateAction } from 'react';
import { errorMessage } from './errors';

/** Fetches the data, or (for a follow-up such as the next page) how to derive it from the current data. */
export type Fetch<T> = (signal: AbortSignal) => Promise<SetStateAction<T | null>>;

export interface Resource<T> {
  /** Null until the first answer. */
  data: T | null;
  /** The last failure in words; cleared by the next success. */
  error: string | null;
  loading: boolean;
  /** Fetches again with the loader given to the hook. */
  reload: () => Promise<void>;
  /** Runs another request under the same state and signal, e.g. `(signal) => nextPage(signal).then((page) => (old) => [...old, ...page])`. */
  run: (fetch: Fetch<T>) => Promise<void>;
  /** Replaces the data with what an edit's answer says, without asking again. */
  setData: (next: SetStateAction<T | null>) => void;
}

/** `load` must keep its identity between renders (a module-level function, or useCallback). */
export function useResource<T>(load: (signal: AbortSignal) => Promise<T>): Resource<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const mounted = useRef<AbortController | null>(null);

  const fetchWith = useCallback(async (controller: AbortController, fetch: Fetch<T>) => {
    const { signal } = controller;
    if (signal.aborted) return;
    setLoading(true);
    try {
      const next = await fetch(signal);
      if (signal.aborted) return;
      setData(next);
      setError(null);
    } catch (err) {
      if (!signal.aborted) setError(errorMessage(err));
    } finally {
      if (!signal.aborted) setLoading(false);
    }
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    mounted.current = controller;
    void fetchWith(controller, load);
    return () => controller.abort();
  }, [fetchWith, load]);

  const run = useCallback(
    async (fetch: Fetch<T>) => {
      if (mounted.current) await fetchWith(mounted.current, fetch);
    },
    [fetchWith],
  );
  const reload = useCallback(() => run(load), [run, load]);

  return { data, error, loading, reload, run, setData };
}
