// Loads data for a pane and keeps loading / error / value apart; stale answers are dropped.
import { useCallback, useEffect, useRef, useState } from 'react';
import { errorText } from '../api/client';

export interface AsyncState<T> {
  value: T | undefined;
  loading: boolean;
  error: string | null;
  reload(): void;
}

export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): AsyncState<T> {
  const [value, setValue] = useState<T>();
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  useEffect(() => {
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
