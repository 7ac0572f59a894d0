// Maps record ordinals of DuckDB's read_csv (rows it accepted, in file order) back to file line
// numbers: the k-th accepted record sits on the k-th line that is neither skipped (header, blank)
// nor rejected by the reader. Used only for the few rows that fail validation after the read.

/** skipped: 1-based line numbers that hold no accepted record; any order, duplicates allowed. */
export function ordinalsToLines(ordinals: number[], skipped: number[]): number[] {
  const s = [...new Set(skipped)].sort((a, b) => a - b);
  const order = ordinals.map((k, i) => [k, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(ordinals.length);
  let j = 0; // skipped lines at or before the current line
  for (const [k, i] of order) {
    while (j < s.length && s[j] <= k + 1 + j) j++;
    out[i] = k + 1 + j;
  }
  return out;
}
