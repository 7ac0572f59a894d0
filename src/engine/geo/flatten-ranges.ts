// Turns a list of possibly nested ranges into disjoint ones, the narrowest range winning where
// they nest. The ip-location-db country lists carry a GeoFeed entry for a /29 inside a whois /22,
// say: an ASOF join on the range starts alone would pick the /29's start for an address past
// its end and miss the /22 that still covers it. Disjoint ranges make "the last start at or
// below the address, if its end reaches it" exact.

export interface ValueRange<V> {
  lo: bigint;
  hi: bigint;
  v: V;
}

/**
 * Ranges sorted by start (wider first at equal starts) become disjoint pieces: each point keeps
 * the value of the innermost range covering it (for partial overlaps, the later-starting one).
 * Adjacent pieces with equal values (by `same`) are merged.
 */
export function flattenRanges<V>(
  input: ValueRange<V>[],
  same: (a: V, b: V) => boolean = (a, b) => a === b,
): ValueRange<V>[] {
  const sorted = input
    .filter((r) => r.lo <= r.hi)
    .sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : a.hi > b.hi ? -1 : a.hi < b.hi ? 1 : 0));
  const out: ValueRange<V>[] = [];
  const emit = (lo: bigint, hi: bigint, v: V): void => {
    if (lo > hi) return;
    const last = out[out.length - 1];
    if (last && last.hi + 1n === lo && same(last.v, v)) last.hi = hi;
    else out.push({ lo, hi, v });
  };
  const stack: ValueRange<V>[] = [];
  let cursor = 0n; // first point not yet written
  const popTo = (limit: bigint | null): void => {
    // close every open range that ends before `limit` (all of them when null)
    while (stack.length && (limit === null || stack[stack.length - 1].hi < limit)) {
      const top = stack.pop()!;
      if (cursor <= top.hi) {
        emit(cursor, top.hi, top.v);
        cursor = top.hi + 1n;
      }
    }
  };
  for (const r of sorted) {
    popTo(r.lo);
    const top = stack[stack.length - 1];
    if (top && cursor < r.lo) emit(cursor, r.lo - 1n, top.v);
    cursor = r.lo; // never behind: every popped range ended before r.lo
    stack.push(r);
  }
  popTo(null);
  return out;
}

/** Removes [lo, hi] spans from ranges; pieces keep their value and order. */
export function cutOut<V>(
  ranges: ValueRange<V>[],
  holes: { lo: bigint; hi: bigint }[],
): ValueRange<V>[] {
  const out: ValueRange<V>[] = [];
  for (const r of ranges) {
    let touched = false;
    for (const h of holes) if (h.lo <= r.hi && h.hi >= r.lo) touched = true;
    if (!touched) {
      out.push(r); // the usual case: no copy, no split
      continue;
    }
    let pieces: ValueRange<V>[] = [r];
    for (const h of holes) {
      const next: ValueRange<V>[] = [];
      for (const p of pieces) {
        if (h.hi < p.lo || h.lo > p.hi) {
          next.push(p);
          continue;
        }
        if (p.lo < h.lo) next.push({ lo: p.lo, hi: h.lo - 1n, v: p.v });
        if (p.hi > h.hi) next.push({ lo: h.hi + 1n, hi: p.hi, v: p.v });
      }
      pieces = next;
    }
    out.push(...pieces.sort((a, b) => (a.lo < b.lo ? -1 : 1)));
  }
  return out;
}
