// Which feed ranges cover a handful of addresses. Detection finds the listed addresses in SQL;
// naming the entries behind them is done here for those few only, so a run never has to split
// 100k possibly overlapping ranges into segments: each range binary-searches the sorted
// addresses, R log A comparisons in all.

/** For each address covered by at least one range: the indexes of all ranges covering it. */
export function coveringRanges(
  ranges: readonly { lo: bigint; hi: bigint }[],
  addresses: Iterable<bigint>,
): Map<bigint, number[]> {
  const sorted = [...new Set(addresses)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const out = new Map<bigint, number[]>();
  if (sorted.length === 0) return out;
  ranges.forEach((r, i) => {
    // first address >= lo
    let a = 0;
    let b = sorted.length;
    while (a < b) {
      const m = (a + b) >>> 1;
      if (sorted[m] < r.lo) a = m + 1;
      else b = m;
    }
    for (let k = a; k < sorted.length && sorted[k] <= r.hi; k++) {
      const list = out.get(sorted[k]);
      if (list) list.push(i);
      else out.set(sorted[k], [i]);
    }
  });
  return out;
}
