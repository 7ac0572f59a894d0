// "Did you mean": the closest known word to a mistyped one. Shared by the filter language
// (keywords) and the command line (subcommands, options).

/** Levenshtein distance: insertions, deletions and substitutions each cost 1. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/**
 * The closest candidate within edit distance 2 (1 for words of three letters or fewer), or null.
 * With `prefixes`, a word that starts exactly one candidate (`imp` for `import`) is that candidate.
 */
export function nearest(
  word: string,
  candidates: readonly string[],
  opts: { prefixes?: boolean } = {},
): string | null {
  const w = word.toLowerCase();
  if (opts.prefixes && w.length >= 2) {
    const starts = candidates.filter((c) => c.startsWith(w));
    if (starts.length === 1) return starts[0];
  }
  let best: string | null = null;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(w, c);
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  const limit = w.length <= 3 ? 1 : 2;
  return bestD <= limit ? best : null;
}
