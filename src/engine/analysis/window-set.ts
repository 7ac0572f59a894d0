// Which windows incremental detection re-evaluates for a detector of lookback L (Detector.lookback):
// new flows in window w change the alerts of windows w..w+L (each sees its L windows before it),
// and re-evaluating window v needs the flows of windows v-L..v. One window more on each side is
// taken as a margin: a detector computing its window in floating point (floor(epoch(ts) / S))
// may place a flow a microsecond from an edge in the neighbouring window.

/** The windows whose alerts may change when flows arrive in `touched`. */
export function affectedWindows(touched: Iterable<number>, lookback: number): Set<number> {
  const out = new Set<number>();
  for (const w of touched) for (let v = w - 1; v <= w + lookback + 1; v++) out.add(v);
  return out;
}

/** The windows whose flows re-evaluating `affected` needs, sorted. */
export function neededWindows(affected: Iterable<number>, lookback: number): number[] {
  const out = new Set<number>();
  for (const v of affected) for (let u = v - lookback - 1; u <= v + 1; u++) out.add(u);
  return [...out].sort((a, b) => a - b);
}

/** Sorted window numbers as inclusive runs [lo, hi]. */
export function runsOf(sorted: number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const w of sorted) {
    const last = out[out.length - 1];
    if (last && w === last[1] + 1) last[1] = w;
    else out.push([w, w]);
  }
  return out;
}

/** The window an alert of a lookback detector belongs to (its window_start is that window's start). */
export function windowOf(windowStart: string, windowSeconds: number): number {
  return Math.floor(Date.parse(windowStart) / (windowSeconds * 1000));
}

/**
 * A detector's alerts after new flows: its earlier alerts outside `affected`, and the fresh ones
 * (inside it), in window order as a full run reports them (a window's alerts all come from one of
 * the two lists, so a stable sort by window keeps each window's own order).
 */
export function mergeByWindow<A extends { window_start: string }>(
  earlier: A[],
  fresh: A[],
  affected: Set<number>,
  windowSeconds: number,
): A[] {
  const kept = earlier.filter((a) => !affected.has(windowOf(a.window_start, windowSeconds)));
  const withWindow = [...kept, ...fresh].map((a) => ({
    a,
    w: windowOf(a.window_start, windowSeconds),
  }));
  return withWindow.sort((x, y) => x.w - y.w).map((x) => x.a);
}
