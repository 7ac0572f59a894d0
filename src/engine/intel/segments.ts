// Disjoint segments over possibly overlapping ranges. With disjoint segments a flow address finds
// its segment with one ASOF join (greatest lo <= address, then address <= hi), which DuckDB runs
// as a sort-merge range join; a segment lists every range that covers it.
export interface Segment {
  lo: bigint;
  hi: bigint;
  /** Indexes into the input ranges covering the whole segment. */
  members: number[];
}

/**
 * Indexes of `values` in ascending order. Compares exact 43-bit slices as plain numbers: far
 * cheaper than millions of BigInt comparisons when sorting 100k ranges.
 */
function orderBy(values: bigint[]): number[] {
  const M43 = (1n << 43n) - 1n;
  const k1 = new Float64Array(values.length);
  const k2 = new Float64Array(values.length);
  const k3 = new Float64Array(values.length);
  values.forEach((v, i) => {
    k1[i] = Number(v >> 86n);
    k2[i] = Number((v >> 43n) & M43);
    k3[i] = Number(v & M43);
  });
  return values.map((_, i) => i).sort((a, b) => k1[a] - k1[b] || k2[a] - k2[b] || k3[a] - k3[b]);
}

export function toSegments(ranges: { lo: bigint; hi: bigint }[]): Segment[] {
  if (ranges.length === 0) return [];
  // fast path: feeds are mostly disjoint; then each range is its own segment
  const order = orderBy(ranges.map((r) => r.lo));
  let disjoint = true;
  for (let k = 1; k < order.length && disjoint; k++)
    disjoint = ranges[order[k]].lo > ranges[order[k - 1]].hi;
  if (disjoint) return order.map((i) => ({ lo: ranges[i].lo, hi: ranges[i].hi, members: [i] }));
  const unsorted: { at: bigint; open: boolean; i: number }[] = [];
  ranges.forEach((r, i) => {
    unsorted.push({ at: r.lo, open: true, i });
    unsorted.push({ at: r.hi + 1n, open: false, i });
  });
  const points = orderBy(unsorted.map((p) => p.at)).map((i) => unsorted[i]);
  const active = new Set<number>();
  const out: Segment[] = [];
  let k = 0;
  while (k < points.length) {
    const at = points[k].at;
    for (; k < points.length && points[k].at === at; k++) {
      if (points[k].open) active.add(points[k].i);
      else active.delete(points[k].i);
    }
    if (active.size && k < points.length)
      out.push({ lo: at, hi: points[k].at - 1n, members: [...active] });
  }
  return out;
}
