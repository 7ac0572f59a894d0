// Small per-store result cache for aggregate queries the workspace repeats (counts, timeline,
// charts). Entries are keyed by the request and dropped when the flows table changes.
import type { CaseStore } from '../store/case-store';
import { flowsVersion } from './id-segments';

interface Entry {
  version: string;
  values: Map<string, unknown>;
}
const caches = new WeakMap<CaseStore, Entry>();
const MAX_ENTRIES = 300;

export async function memo<T>(
  store: CaseStore,
  key: string,
  compute: (version: string) => Promise<T>,
): Promise<T> {
  const version = await flowsVersion(store);
  let c = caches.get(store);
  if (!c || c.version !== version) {
    c = { version, values: new Map() };
    caches.set(store, c);
  }
  if (c.values.has(key)) return c.values.get(key) as T;
  const v = await compute(version);
  // the table may have changed while computing: only keep what matches the version we read
  if (caches.get(store) === c) {
    if (c.values.size >= MAX_ENTRIES) c.values.delete(c.values.keys().next().value!);
    c.values.set(key, v);
  }
  return v;
}
