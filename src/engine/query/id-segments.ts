// Ids are assigned densely per import, so with no filter and id order a page is an id range:
// offset -> id by walking the per-import segments, instead of OFFSET (which reads and discards
// every row before the page). Segments are cached per store and rebuilt when flows change.
import type { CaseReader } from '../store/case-reader';

export interface IdSegment {
  lo: number;
  hi: number;
  count: number;
}

interface Cached {
  version: string;
  segments: IdSegment[] | null; // null: not dense, use OFFSET
}

// per case (store.cacheScope), shared by every connection on it
const cache = new WeakMap<object, Cached>();

/**
 * Cases whose flows change only through an owner that says when (the service: imports are its
 * jobs, and DuckDB's lock keeps other processes out): their version is read once and kept until
 * forgetFlowsVersion(). Every cached result (memo.ts) asks for the version first, so without this
 * a cache hit still took a query, and with it a connection of the service's pool.
 */
const known = new WeakMap<object, Promise<string> | null>();

export function keepFlowsVersion(scope: object): void {
  if (!known.has(scope)) known.set(scope, null);
}

export function forgetFlowsVersion(scope: object): void {
  if (known.has(scope)) known.set(scope, null);
}

/** Cheap fingerprint of the flows table: row count and largest id. */
export function flowsVersion(store: CaseReader): Promise<string> {
  const scope = store.cacheScope;
  if (!known.has(scope)) return readVersion(store);
  let v = known.get(scope);
  if (!v) {
    const mine = readVersion(store);
    known.set(scope, (v = mine));
    mine.catch(() => known.get(scope) === mine && known.set(scope, null));
  }
  return v;
}

async function readVersion(store: CaseReader): Promise<string> {
  const r = await store.one<{ n: number; m: number | null }>(
    'SELECT count(*) AS n, max(id) AS m FROM flows',
  );
  return `${r?.n ?? 0}:${r?.m ?? 0}`;
}

/** Dense id segments in id order, or null when ids have holes or overlap. */
export async function idSegments(store: CaseReader, version: string): Promise<IdSegment[] | null> {
  const c = cache.get(store.cacheScope);
  if (c && c.version === version) return c.segments;
  const rows = await store.all<IdSegment>(
    'SELECT min(id) AS lo, max(id) AS hi, count(*) AS count FROM flows GROUP BY import_id ORDER BY lo',
  );
  let ok = true;
  for (let i = 0; i < rows.length; i++) {
    if (rows[i].hi - rows[i].lo + 1 !== rows[i].count) ok = false;
    if (i > 0 && rows[i].lo <= rows[i - 1].hi) ok = false;
  }
  const segments = ok ? rows : null;
  cache.set(store.cacheScope, { version, segments });
  return segments;
}

/**
 * Id ranges holding rows [offset, offset + limit) in the given direction; [] past the end.
 */
export function idRangesForPage(
  segments: IdSegment[],
  offset: number,
  limit: number,
  dir: 'asc' | 'desc',
): { lo: number; hi: number }[] {
  const segs = dir === 'asc' ? segments : [...segments].reverse();
  const out: { lo: number; hi: number }[] = [];
  let skip = offset;
  let need = limit;
  for (const s of segs) {
    if (need <= 0) break;
    if (skip >= s.count) {
      skip -= s.count;
      continue;
    }
    const take = Math.min(need, s.count - skip);
    if (dir === 'asc') out.push({ lo: s.lo + skip, hi: s.lo + skip + take - 1 });
    else out.push({ lo: s.hi - skip - take + 1, hi: s.hi - skip });
    need -= take;
    skip = 0;
  }
  return out;
}
