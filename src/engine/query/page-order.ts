// The order of a selection's flows, kept for paging deep into it. A page at offset N of a
// filtered or sorted selection is a top-N read of N + limit rows: at 2.86M flows a page 500k rows
// down a filter took 70 ms in id order and 200 ms sorted by bytes, and scrolling asks for page
// after page of the same selection (issue 15's load run spent most of its CPU on such pages).
// A deep page reads the selection's whole order once (ids in order, ~0.2-0.4 s for 1.5M flows,
// not much more than the top-N read itself) and every page after is a slice of it: at once when
// the selection's count is known (the grid asks for it with the first page) and small enough to
// keep, else from the second deep page. Kept per case and flows version, least recently used
// first out, within a memory budget; 4 bytes an id while ids fit (8 beyond 2^32).
import type { FlowQuery, FlowSort } from '../../shared/query';
import type { CaseReader } from '../store/case-reader';
import { serial } from '../store/case-store';
import { isCancellation } from './cancel';
import { flowsVersion } from './id-segments';
import { orderBySql } from './sort';
import { flowWhere, queryKey } from './where';

/** Memory the kept orders may take, all cases together. */
export const ORDER_BUDGET_BYTES = 128 * 1024 * 1024;

/** A selection's ids in order: 4 bytes an id while the case's ids fit, else 8. */
export type OrderIds = Uint32Array | Float64Array;

interface Kept {
  scope: WeakRef<object>;
  version: string;
  ids: Promise<OrderIds>;
  bytes: number;
}

/** Keyed by scope + version + selection + sort; Map order is recency (least recent first). */
const kept = new Map<string, Kept>();
/** Deep pages asked for per selection (the second one reads the order). */
const asked = new Map<string, number>();
let used = 0;
const scopeIds = new WeakMap<object, number>();
let nextScope = 1;

function scopeKey(scope: object): number {
  let id = scopeIds.get(scope);
  if (id === undefined) scopeIds.set(scope, (id = nextScope++));
  return id;
}

/** Bytes one id of the case takes in a kept order (the version is `${count}:${max id}`). */
function idBytes(version: string): 4 | 8 {
  return Number(version.split(':')[1] ?? 0) < 2 ** 32 ? 4 : 8;
}

function orderKey(store: CaseReader, version: string, q: FlowQuery, sort: FlowSort[]): string {
  return `${scopeKey(store.cacheScope)}|${version}|${JSON.stringify(sort)}|${queryKey(q)}`;
}

/** Whether a deep page of this selection and sort will be a slice of a kept (or read) order. */
export async function orderIsKept(
  store: CaseReader,
  q: FlowQuery,
  sort: FlowSort[],
): Promise<boolean> {
  return kept.has(orderKey(store, await flowsVersion(store), q, sort));
}

/**
 * The ids of the selection's flows in `sort` order, read once and kept: at the first deep page
 * when `size` (the selection's count, when known) fits the budget, else at the second; null when
 * this page is to be read directly (a top-N read).
 */
export async function keptOrder(
  store: CaseReader,
  q: FlowQuery,
  sort: FlowSort[],
  signal?: AbortSignal,
  size?: number,
): Promise<OrderIds | null> {
  const version = await flowsVersion(store);
  const key = orderKey(store, version, q, sort);
  const bytes = idBytes(version);
  for (let attempt = 0; ; attempt++) {
    let k = kept.get(key);
    if (!k) {
      const n = (asked.get(key) ?? 0) + 1;
      asked.delete(key);
      asked.set(key, n);
      if (asked.size > 1000) asked.delete(asked.keys().next().value!);
      // an order larger than half the budget would push out every other one: read pages directly
      const fits = size !== undefined && size * bytes <= ORDER_BUDGET_BYTES / 2;
      if (size !== undefined && !fits) return null;
      if (n < 2 && !fits) return null;
      k = {
        scope: new WeakRef(store.cacheScope),
        version,
        ids: readOrder(store, q, sort, bytes),
        bytes: 0,
      };
      kept.set(key, k);
      const entry = k;
      k.ids.then(
        (ids) => {
          if (kept.get(key) !== entry) return;
          entry.bytes = ids.byteLength;
          used += entry.bytes;
          trim();
        },
        () => {
          if (kept.get(key) === entry) kept.delete(key);
        },
      );
    } else {
      // most recently used last
      kept.delete(key);
      kept.set(key, k);
    }
    try {
      return await k.ids;
    } catch (e) {
      // read for a request that went away: read it again for this one, unless it went away too
      if (!isCancellation(e) || signal?.aborted || attempt >= 2) throw e;
    }
  }
}

async function readOrder(
  store: CaseReader,
  q: FlowQuery,
  sort: FlowSort[],
  bytes: 4 | 8,
): Promise<OrderIds> {
  const where = flowWhere(q);
  const conn = await store.connection();
  // one column read as columns (row objects for 1.5M ids took three times as long), queued on
  // the connection with its other statements
  const reader = await serial(conn, () =>
    conn.runAndReadAll(
      `SELECT id::${bytes === 4 ? 'UINTEGER' : 'DOUBLE'} AS id FROM flows WHERE ${where.sql} ORDER BY ${orderBySql(sort)}`,
      where.params,
    ),
  );
  const col = (reader.getColumnsJS()[0] ?? []) as number[];
  return bytes === 4 ? Uint32Array.from(col) : Float64Array.from(col);
}

/** Drops the least recently used orders over the budget, and those of closed or changed cases. */
function trim(): void {
  for (const [key, k] of kept) {
    if (used <= ORDER_BUDGET_BYTES) break;
    kept.delete(key);
    used -= k.bytes;
  }
  for (const [key, k] of kept)
    if (!k.scope.deref()) {
      kept.delete(key);
      used -= k.bytes;
    }
}

/** How many orders are kept and the bytes they take (tests, diagnostics). */
export function keptOrders(): { count: number; bytes: number } {
  return { count: kept.size, bytes: used };
}

/** Forgets every kept order (tests; a case's flows changed is handled by the version). */
export function forgetOrders(): void {
  kept.clear();
  asked.clear();
  used = 0;
}
