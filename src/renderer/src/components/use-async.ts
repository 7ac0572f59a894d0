// Loads data for a pane and keeps loading / error / value apart; stale answers are dropped.
import { useCallback, useEffect, useRef, useState } from 'react';
import { errorText } from '../api/client';

export interface AsyncState<T> {
  value: T | undefined;
  loading: boolean;
  error: string | null;
  reload(): void;
}

/** `initial`: the answer for the first deps, already in (it is not asked for again). */
export function useAsync<T>(
  load: () => Promise<T>,
  deps: unknown[],
  initial?: { v: T } | null,
): AsyncState<T> {
  const [value, setValue] = useState<T | undefined>(initial?.v);
  const [loading, setLoading] = useState(!initial);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  const given = useRef(!!initial);
  useEffect(() => {
    if (given.current) {
      given.current = false;
      return;
    }
    const my = ++seq.current;
    setLoading(true);
    setError(null);
    load().then(
      (v) => {
        if (my !== seq.current) return;
        setValue(v);
        setLoading(false);
      },
      (e) => {
        if (my !== seq.current) return;
        setError(errorText(e));
        setLoading(false);
      },
    );
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { value, loading, error, reload };
}
