// A filtered view's pair-windows, kept while the flows do not change. The detection rollup
// (../rollup/) answers brushed ranges of the whole capture; a filter ("dst port 443") it cannot
// answer, so every brush inside a filter, and every scatter feature, grouped the filter's flows
// by window and pair again: at 3M flows half a second each, and under 20 analysts the heaviest
// calls of the server (issue 15's load run: the pair scatter of filtered views was most of the
// calls over 500 ms). The first pair scatter of a filter keeps its pair-windows with all four
// features, (w, src, dst, ports, n, up, down), and its windows' flows per destination port and
// source, in a database of the open case's instance that is not the case file
// (CaseReader.keptDatabase): about what one scatter of it cost. Every later scatter of that
// filter (any feature, any range), its top talkers and its destination ports read them, plus the
// partial windows at a range's ends from the flows.
//
// Bounded: at most MAX_ROWS rows kept in all (about 40 bytes each in memory) and
// MAX_FILTERS filters; a filter with more than half of MAX_ROWS is not kept and is answered from
// the flows as before; the least recently used goes first, never while a statement reads it.
// Flows added or removed make every kept table stale: dropped when next seen.
// A read-only case (DuckDB refuses an in-memory database there) keeps nothing.
// Table names come from a counter of ours, never from input.
import type { CaseReader } from '../../store/case-reader';
import { flowsVersion } from '../id-segments';
import type { FlowQuery } from '../../../shared/query';
import { flowWhere } from '../where';

/** What a view selects, without its brushed range: a filter, an incident's evidence, or both. */
export type KeptSelection = Pick<FlowQuery, 'filter' | 'selector'>;

/** The selection's key (the filter's text trimmed, the selector as JSON). */
export const selectionKey = (sel: KeptSelection): string =>
  JSON.stringify([sel.filter?.trim() ?? '', sel.selector ?? null]);

/** Filters whose pair-windows are kept at once, per open case. */
export const MAX_FILTERS = 16;

/** Rows kept at once (pair-windows and port rows), all filters together, per open case. */
export const MAX_ROWS = 8_000_000;

export interface KeptPairs {
  /** Qualified table names (from our own counter, never from input). */
  table: string;
  /** (w, port, proto, src, n, bytes): each window's flows per destination port and source. */
  ports: string;
  windowUs: number;
}

interface Entry extends KeptPairs {
  key: string;
  /** selectionKey of what is kept. */
  sel: string;
  version: string;
  /** Resolves true once the table is written; false when it was not kept (too big, failed). */
  ready: Promise<boolean>;
  readers: number;
  used: number;
  /** The table is written and kept (what `ready` resolved to, known without waiting). */
  written: boolean;
  /** Pair-windows in the table (0 until written). */
  rows: number;
}

interface Scope {
  entries: Map<string, Entry>;
  /** Tables no longer listed, dropped by a later call once nobody reads them. */
  doomed: Entry[];
  next: number;
}

const scopes = new WeakMap<object, Scope>();

function scopeOf(store: CaseReader): Scope {
  let s = scopes.get(store.cacheScope);
  if (!s) scopes.set(store.cacheScope, (s = { entries: new Map(), doomed: [], next: 1 }));
  return s;
}

const keyOf = (sel: string, windowUs: number) => `${windowUs}:${sel}`;

/**
 * Runs `read` on the kept pair-windows of `selection` (windows of `windowUs`, or any window length
 * when `windowUs` is null), keeping them first when `keep` and they are not kept yet. Null when
 * there are none to read (not kept, too big, being written while `keep` is false, a read-only
 * case): the caller answers from the flows.
 */
export async function withKeptPairs<T>(
  store: CaseReader,
  selection: KeptSelection,
  windowUs: number | null,
  keep: boolean,
  read: (kept: KeptPairs) => Promise<T>,
): Promise<T | null> {
  const f = selectionKey(selection);
  const db = store.keptDatabase;
  if (!db || (!selection.filter?.trim() && !selection.selector)) return null;
  const scope = scopeOf(store);
  const version = await flowsVersion(store);
  for (const e of scope.entries.values()) if (e.version !== version) forget(scope, e);
  await dropDoomed(store, scope);
  const find = () =>
    [...scope.entries.values()].find(
      (e) => e.sel === f && (windowUs == null || e.windowUs === windowUs),
    );
  let entry = find();
  if (!entry && keep && windowUs != null) {
    // the writer holds its connection before others may wait for it: callers waiting, each on
    // a connection of the pool, must never leave the writer without one (the server would hang)
    await store.connection();
    entry = find() ?? startKeeping(store, scope, db, selection, windowUs, version);
  }
  if (!entry) return null;
  entry.readers++;
  try {
    // a chart that does not keep does not wait for another call's writing: it reads its own
    // flows meanwhile (a fraction of the writing's time)
    if (!keep && !(await settledNow(entry.ready))) return null;
    if (!(await entry.ready)) return null;
    entry.used = performance.now();
    return await read(entry);
  } finally {
    entry.readers--;
  }
}

/**
 * Whether the selection's pair-windows of `windowUs` are kept now (as last seen: flows changed since
 * are found out when read). The service runs a scatter that reads them among the quick charts.
 */
export function keptPairsWritten(
  cacheScope: object,
  selection: KeptSelection,
  windowUs: number,
): boolean {
  const e = scopes.get(cacheScope)?.entries.get(keyOf(selectionKey(selection), windowUs));
  return !!e?.written;
}

function startKeeping(
  store: CaseReader,
  scope: Scope,
  db: string,
  selection: KeptSelection,
  windowUs: number,
  version: string,
): Entry {
  const id = scope.next++;
  const table = `${db}.pairs_${id}`;
  const ports = `${db}.ports_${id}`;
  const where = flowWhere({ filter: selection.filter, selector: selection.selector });
  const n = where.params.length;
  const entry: Entry = {
    key: keyOf(selectionKey(selection), windowUs),
    sel: selectionKey(selection),
    table,
    ports,
    windowUs,
    version,
    readers: 0,
    written: false,
    used: performance.now(),
    rows: 0,
    ready: Promise.resolve(false),
  };
  entry.ready = (async () => {
    await store.run(
      `CREATE TABLE ${table} AS
       SELECT epoch_us(ts) // $${n + 1} AS w, src_ip AS src, dst_ip AS dst,
              count(DISTINCT dst_port) AS ports, count(*) AS n,
              sum(src_bytes) AS up, sum(dst_bytes) AS down
       FROM flows WHERE ${where.sql} GROUP BY ALL`,
      [...where.params, windowUs],
    );
    // the destination ports chart's rows too (by source: its distinct sources stay exact)
    await store.run(
      `CREATE TABLE ${ports} AS
       SELECT epoch_us(ts) // $${n + 1} AS w, dst_port AS port, proto, src_ip AS src,
              count(*) AS n, sum(src_bytes + dst_bytes) AS bytes
       FROM flows WHERE ${where.sql} GROUP BY ALL`,
      [...where.params, windowUs],
    );
    const r = await store.one<{ n: number }>(
      `SELECT (SELECT count(*) FROM ${table}) + (SELECT count(*) FROM ${ports}) AS n`,
    );
    entry.rows = r?.n ?? Infinity;
    if (entry.rows <= MAX_ROWS / 2) {
      entry.written = true;
      evict(scope);
      return true;
    }
    // too big to keep: remembered as not kept for this version of the flows, not tried again
    entry.rows = 0;
    await store.run(`DROP TABLE ${table}`);
    await store.run(`DROP TABLE ${ports}`);
    return false;
  })().catch(() => {
    // the request went away (or the statement failed): not kept, a later scatter tries again;
    // whatever was written is dropped by a later call (this one's connection may be interrupted)
    forget(scope, entry);
    return false;
  });
  scope.entries.set(entry.key, entry);
  evict(scope);
  return entry;
}

/** Keeps at most MAX_FILTERS and MAX_ROWS, the least recently used going first. */
function evict(scope: Scope): void {
  const idle = [...scope.entries.values()]
    .filter((e) => e.readers === 0)
    .sort((a, b) => a.used - b.used);
  const rows = () => [...scope.entries.values()].reduce((n, e) => n + e.rows, 0);
  while ((scope.entries.size > MAX_FILTERS || rows() > MAX_ROWS) && idle.length)
    forget(scope, idle.shift()!);
}

function forget(scope: Scope, e: Entry): void {
  if (scope.entries.get(e.key) === e) scope.entries.delete(e.key);
  scope.doomed.push(e);
}

/**
 * Drops forgotten tables nobody reads any more, on this call's connection (a lane's connection
 * is the call's only while it runs: no drop is left for later on it).
 */
async function dropDoomed(store: CaseReader, scope: Scope): Promise<void> {
  const done: Entry[] = [];
  for (const e of scope.doomed)
    if (e.readers === 0 && (await settled(e.ready))) {
      done.push(e);
      for (const t of [e.table, e.ports])
        await store.run(`DROP TABLE IF EXISTS ${t}`).catch(() => undefined);
    }
  scope.doomed = scope.doomed.filter((e) => !done.includes(e));
}

/** Whether `p` has already settled true (without waiting for it). */
async function settledNow(p: Promise<boolean>): Promise<boolean> {
  const pending = Symbol();
  const v = await Promise.race([p, Promise.resolve(pending)]);
  return v === true;
}

/** Whether `p` has settled, either way (without waiting for it). */
async function settled(p: Promise<boolean>): Promise<boolean> {
  const pending = Symbol();
  const v = await Promise.race([p, Promise.resolve(pending)]);
  return v !== pending;
}
