// Small per-store result cache for aggregate queries the workspace repeats (counts, timeline,
// charts). Entries are keyed by the request and dropped when the flows table changes.
import type { CaseReader } from '../store/case-reader';
import { isCancellation } from './cancel';
import { flowsVersion } from './id-segments';

interface Entry {
  version: string;
  values: Map<string, Promise<unknown>>;
}
// keyed by the case, not the connection: the service's lanes share what any of them computed
const caches = new WeakMap<object, Entry>();
/**
 * Entries kept per case, the least recently asked for going first: a busy workspace asks for
 * many one-off answers (every brushed range is new) between repeats of the same filter's charts,
 * and those repeats are what the cache is for (issue 15's load run: first in, first out dropped
 * them after a few hundred one-off ranges).
 */
export const MAX_ENTRIES = 300;

/**
 * The cached result of `compute` for this key and version of the flows. A result another request
 * was computing and that was cancelled (its asker went away) is computed again for this one,
 * unless this one was cancelled too (`signal`).
 */
export async function memo<T>(
  store: CaseReader,
  key: string,
  compute: (version: string) => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const v = memoOnce(store, key, compute);
    try {
      return await v;
    } catch (e) {
      if (!isCancellation(e) || signal?.aborted || attempt >= 2) throw e;
    }
  }
}

async function memoOnce<T>(
  store: CaseReader,
  key: string,
  compute: (version: string) => Promise<T>,
): Promise<T> {
  const version = await flowsVersion(store);
  let c = caches.get(store.cacheScope);
  if (!c || c.version !== version) {
    c = { version, values: new Map() };
    caches.set(store.cacheScope, c);
  }
  const known = c.values.get(key);
  if (known) {
    // most recently used last (a Map keeps insertion order)
    c.values.delete(key);
    c.values.set(key, known);
    return known as Promise<T>;
  }
  // kept while it runs, so a second asker (a click on what a prefetch is reading) waits for it
  // instead of running it again; a failure is not kept
  const v = compute(version);
  if (c.values.size >= MAX_ENTRIES) c.values.delete(c.values.keys().next().value!);
  c.values.set(key, v);
  const entry = c;
  v.catch(() => {
    if (entry.values.get(key) === v) entry.values.delete(key);
  });
  return v;
}

/** Whether a result is cached (or being computed) for this version of the flows. */
export async function memoHas(store: CaseReader, key: string): Promise<boolean> {
  const c = caches.get(store.cacheScope);
  return !!c && c.version === (await flowsVersion(store)) && c.values.has(key);
}

/** The cached result for this key and the current flows (awaited if being computed), or undefined. */
export async function memoPeek<T>(store: CaseReader, key: string): Promise<T | undefined> {
  const c = caches.get(store.cacheScope);
  if (!c || c.version !== (await flowsVersion(store))) return undefined;
  const v = c.values.get(key) as Promise<T> | undefined;
  return v?.catch(() => undefined);
}

/** Forgets every cached result of the case (its internal networks changed: marks and filters too). */
export function dropMemo(store: CaseReader): void {
  caches.delete(store.cacheScope);
}
