// Which calls a newer call makes useless. The workspace shows one selection at a time (an
// incident's evidence, a filter, a time range): the flows grid, its count, the timeline and the
// charts each ask once per selection, so a newer call of the same method for another selection
// means the analyst moved on and the older answer would be dropped anyway (useAsync keeps only
// the latest). Pages of one selection (other offsets, same sort) never supersede each other: the
// grid reads several blocks at once. Everything else (case, triage, feeds...) is never cancelled.
// Returns the key calls are compared by, or null for a call that is never superseded.
const BY_SELECTION = new Set([
  'flows',
  'countFlows',
  'timeline',
  'topTalkers',
  'topGeo',
  'dstPorts',
  'pairScatter',
]);

export function supersedeKey(method: string, args: unknown[]): string | null {
  if (!BY_SELECTION.has(method)) return null;
  const req = (args[0] ?? {}) as Record<string, unknown>;
  if (method === 'flows') {
    const { offset: _offset, limit: _limit, ...selection } = req;
    return stable(selection);
  }
  return stable(req);
}

/** JSON with object keys in order, so { a, b } and { b, a } compare equal. */
function stable(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(
          Object.entries(x as Record<string, unknown>).sort(([a], [b]) =>
            a < b ? -1 : a > b ? 1 : 0,
          ),
        )
      : x,
  );
}
