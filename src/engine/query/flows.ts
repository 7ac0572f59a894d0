// Paging the flows table for the grid: filter + evidence + brushed range, sort from an
// allow-list, offset/limit. Unfiltered id-ordered pages become id-range lookups (see
// id-segments.ts); counts are cached per selection and flows version (memo.ts).
import type { CountRequest, FlowSort, FlowsPage, FlowsRequest } from '../../shared/query';
import type { CaseReader } from '../store/case-reader';
import { NetsiftError } from '../core/errors';
import { STATE_RAW_SQL } from '../store/schema';
import { flowsVersion, idRangesForPage, idSegments } from './id-segments';
import { memo, memoHas, memoPeek } from './memo';
import { normaliseSort, orderBySql } from './sort';
import { flowWhere, queryKey } from './where';
import { gated, type QueryOptions } from './cancel';
import { keptOrder, orderIsKept } from './page-order';
import { markPage, type UnmarkedRow } from './page-marks';

export const MAX_PAGE = 10_000;

const COLUMNS =
  `id, import_id, ts, ts_end, proto, state, ${STATE_RAW_SQL}, src_ip, src_port, dst_ip, dst_port, ` +
  'src_bytes, dst_bytes, src_pkts, dst_pkts, label';

function checkPaging(offset: number, limit: number): void {
  if (!Number.isInteger(offset) || offset < 0)
    throw new NetsiftError(`offset must be a whole number >= 0, not ${offset}`, 'usage');
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_PAGE)
    throw new NetsiftError(
      `limit must be a whole number from 0 to ${MAX_PAGE}, not ${limit}`,
      'usage',
    );
}

/** First pages at most this long are kept (see queryFlows). */
const CACHED_FIRST_PAGE = 1_000;

export async function queryFlows(
  store: CaseReader,
  req: FlowsRequest,
  opts: QueryOptions = {},
): Promise<FlowsPage> {
  return gated(store, opts, async () => {
    checkPaging(req.offset, req.limit);
    const sort = normaliseSort(req.sort);
    // A selection's first page is asked for again and again (j/k through the incidents and back,
    // Esc and reselect): keep it with the counts, dropped when the flows change.
    if (req.offset === 0 && req.limit > 0 && req.limit <= CACHED_FIRST_PAGE)
      return memo(store, firstPageKey(req, sort), () => readPage(store, req, sort), opts.signal);
    return readPage(store, req, sort, opts.signal);
  });
}

const firstPageKey = (req: FlowsRequest, sort: FlowSort[]) =>
  `first-page:${req.limit}:${JSON.stringify(sort)}:${queryKey(req)}`;

/** Whether this request's page is cached (or being read) for the current flows. */
export function pageIsCached(store: CaseReader, req: FlowsRequest): Promise<boolean> {
  return memoHas(store, firstPageKey(req, normaliseSort(req.sort)));
}

async function readPage(
  store: CaseReader,
  req: FlowsRequest,
  sort: FlowSort[],
  signal?: AbortSignal,
): Promise<FlowsPage> {
  const order = orderBySql(sort);
  if (req.limit === 0) return { rows: [], offset: req.offset };
  const where = flowWhere(req);
  const idOnly = sort.length === 1 && sort[0].column === 'id';
  const segments =
    where.sql === 'true' && idOnly ? await idSegments(store, await flowsVersion(store)) : null;
  if (segments) {
    const ranges = idRangesForPage(segments, req.offset, req.limit, sort[0].dir);
    if (!ranges.length) return { rows: [], offset: req.offset };
    const pred = ranges.map((_, i) => `id BETWEEN $${2 * i + 1} AND $${2 * i + 2}`).join(' OR ');
    const rows = await store.all<UnmarkedRow>(
      `SELECT ${COLUMNS} FROM flows WHERE ${pred} ORDER BY ${order} LIMIT ${req.limit}`,
      ranges.flatMap((r) => [r.lo, r.hi]),
    );
    return { rows: await markPage(store, rows), offset: req.offset };
  }
  // Deeper pages: a slice of the selection's kept order (page-order.ts), read once, at once when
  // its count is known (the grid asked for it after the first page)
  const order0 =
    req.offset > 0
      ? await keptOrder(store, req, sort, signal, await memoPeek<number>(store, countKey(req)))
      : null;
  // Late materialisation: sort only the id and the sort keys, then fetch the page's whole rows
  // by id (sorting 10M rows with every column took minutes; the keys alone take a fraction).
  const n = where.params.length;
  const ids = order0
    ? Array.from(order0.subarray(req.offset, req.offset + req.limit))
    : (
        await store.all<{ id: number }>(
          `SELECT id FROM flows WHERE ${where.sql} ORDER BY ${order} LIMIT $${n + 1} OFFSET $${n + 2}`,
          [...where.params, req.limit, req.offset],
        )
      ).map((r) => r.id);
  if (!ids.length) return { rows: [], offset: req.offset };
  // When every id is its rowid + 1 (what the importer writes), fetching by rowid reads only the
  // vectors that hold the rows: evidence spread over the whole capture (a slow scan, a blacklist
  // hit) came back in ~30 ms instead of ~180 ms at 10M flows, where id IN decodes whole row groups.
  if (await idsAreRowids(store)) {
    const rows = await fetchRows(store, 'rowid', ids, -1, order);
    // the relation was checked for this version of the table; the rows must still carry the ids
    // asked for (a rowid is a position, and positions could move), else read by id
    const asked = new Set(ids);
    if (rows.length === ids.length && rows.every((r) => asked.has(r.id)))
      return { rows: await markPage(store, rows), offset: req.offset };
  }
  const rows = await fetchRows(store, 'id', ids, 0, order);
  return { rows: await markPage(store, rows), offset: req.offset };
}

/** Rows at most this far apart are fetched by reading their range (see fetchRows). */
const DENSE_SPAN = 8192;

/** A page's whole rows by id, or by rowid (shift -1) when ids are rowid + 1. */
function fetchRows(
  store: CaseReader,
  key: 'id' | 'rowid',
  ids: number[],
  shift: number,
  order: string,
): Promise<UnmarkedRow[]> {
  const list = ids.map((id) => id + shift);
  const lo = Math.min(...list);
  const hi = Math.max(...list);
  // rows close together (a page of a dense selection: most pages under load): the range read
  // and the list as one bound value, about half the time of a list of bound values (which
  // costs the statement's preparation); rows far apart: the list of values, which DuckDB uses
  // to read only the vectors holding them (as one value it read the whole range, 10x slower)
  if (hi - lo <= DENSE_SPAN)
    return store.all<UnmarkedRow>(
      `SELECT ${COLUMNS} FROM flows
       WHERE ${key} BETWEEN $1 AND $2 AND list_contains($3::JSON::BIGINT[], ${key})
       ORDER BY ${order}`,
      [lo, hi, JSON.stringify(list)],
    );
  // the BETWEEN lets DuckDB skip row groups by their range before probing the list
  return store.all<UnmarkedRow>(
    `SELECT ${COLUMNS} FROM flows
     WHERE ${key} BETWEEN $1 AND $2 AND ${key} IN (${list.map((_, i) => `$${i + 3}`).join(', ')})
     ORDER BY ${order}`,
    [lo, hi, ...list],
  );
}

const warmed = new WeakSet<object>();

/**
 * Computes, once per case, what a filtered page needs to know about the case (whether ids are
 * rowids; ~30 ms at 10M flows), so the analyst's first incident click does not pay for it.
 * Call it after the first page has been served.
 */
export async function warmPaging(store: CaseReader): Promise<void> {
  if (warmed.has(store.cacheScope)) return;
  warmed.add(store.cacheScope);
  await idsAreRowids(store);
}

/** true when every flow's id is its rowid + 1; checked once per version of the flows table. */
function idsAreRowids(store: CaseReader): Promise<boolean> {
  return memo(store, 'ids-are-rowids', async () => {
    const r = await store.one<{ ok: boolean | null }>(
      'SELECT bool_and(id = rowid + 1) AS ok FROM flows',
    );
    return r?.ok === true;
  });
}

const countKey = (q: CountRequest) => `count:${queryKey(q)}`;

/** A selection this small (its count known) is sorted in tens of milliseconds: a quick page. */
export const QUICK_SCAN_FLOWS = 100_000;

/**
 * Whether this page must scan or sort a large selection (a deep page of a filtered or sorted
 * selection whose order is not kept yet: up to seconds on a large case), rather than read a
 * cached first page, an id range, a slice of a kept order or a small selection (milliseconds).
 * The service runs the first kind on a heavy lane so quick calls never queue behind it.
 */
export async function pageNeedsScan(store: CaseReader, req: FlowsRequest): Promise<boolean> {
  if (req.offset === 0 || req.limit === 0) return false;
  const sort = normaliseSort(req.sort);
  if (sort.length === 1 && sort[0].column === 'id' && flowWhere(req).sql === 'true') return false;
  if (await orderIsKept(store, req, sort)) return false;
  const size = await memoPeek<number>(store, countKey(req));
  return size === undefined || size > QUICK_SCAN_FLOWS;
}

export async function countFlows(
  store: CaseReader,
  req: CountRequest,
  opts: QueryOptions = {},
): Promise<number> {
  return gated(store, opts, async () => {
    const where = flowWhere(req);
    return memo(
      store,
      countKey(req),
      async (version) =>
        where.sql === 'true'
          ? Number(version.split(':')[0])
          : ((
              await store.one<{ n: number }>(
                `SELECT count(*) AS n FROM flows WHERE ${where.sql}`,
                where.params,
              )
            )?.n ?? 0),
      opts.signal,
    );
  });
}
