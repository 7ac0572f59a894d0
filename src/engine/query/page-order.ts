// The order of a selection's flows, kept for paging deep into it. A page at offset N of a
// filtered or sorted selection is a top-N read of N + limit rows: at 2.86M flows a page 500k rows
// down a filter took 70 ms in id order and 200 ms sorted by bytes, and scrolling asks for page
// after page of the same selection (issue 15's load run spent most of its CPU on such pages).
// The second deep page of a selection reads its whole order once (ids in order, ~0.2-0.4 s for
// 1.5M flows) and every page after is a slice of it; a one-off deep page stays a top-N read. Kept
// per case and flows version, least recently used first out, within a memory budget.
import type { FlowQuery, FlowSort } from '../../shared/query';
import type { CaseReader } from '../store/case-reader';
import { serial } from '../store/case-store';
import { isCancellation } from './cancel';
import { flowsVersion } from './id-segments';
import { orderBySql } from './sort';
import { flowWhere, queryKey } from './where';

/** Memory the kept orders may take, all cases together (8 bytes per flow). */
export const ORDER_BUDGET_BYTES = 128 * 1024 * 1024;

interface Kept {
  scope: WeakRef<object>;
  version: string;
  ids: Promise<Float64Array>;
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

/**
 * The ids of the selection's flows in `sort` order (as numbers: flow ids stay far below 2^53),
 * when a deep page of it was asked for before; null the first time (read that page directly).
 */
export async function keptOrder(
  store: CaseReader,
  q: FlowQuery,
  sort: FlowSort[],
  signal?: AbortSignal,
): Promise<Float64Array | null> {
  const version = await flowsVersion(store);
  const key = `${scopeKey(store.cacheScope)}|${version}|${JSON.stringify(sort)}|${queryKey(q)}`;
  for (let attempt = 0; ; attempt++) {
    let k = kept.get(key);
    if (!k) {
      const n = (asked.get(key) ?? 0) + 1;
      asked.delete(key);
      asked.set(key, n);
      if (asked.size > 1000) asked.delete(asked.keys().next().value!);
      if (n < 2) return null;
      k = {
        scope: new WeakRef(store.cacheScope),
        version,
        ids: readOrder(store, q, sort),
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

async function readOrder(store: CaseReader, q: FlowQuery, sort: FlowSort[]): Promise<Float64Array> {
  const where = flowWhere(q);
  const conn = await store.connection();
  // one column read as columns (row objects for 1.5M ids took three times as long), queued on
  // the connection with its other statements
  const reader = await serial(conn, () =>
    conn.runAndReadAll(
      `SELECT id::DOUBLE AS id FROM flows WHERE ${where.sql} ORDER BY ${orderBySql(sort)}`,
      where.params,
    ),
  );
  const col = reader.getColumnsJS()[0] ?? [];
  return Float64Array.from(col as number[]);
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
