// The flows grid's paging through the engine (ag-grid's infinite row model): the first page is
// asked for at once with the count after it, the grid's own request for that first block reuses
// it, later blocks are pages at the grid's offsets, and the last row is known from the count (or
// from a short page before the count is in). Kept apart from the component so it can be tested
// against the contract without a grid.
import type { IDatasource, IGetRowsParams } from 'ag-grid-community';
import type { NetsiftApi } from '../../../../shared/api';
import type { FlowQuery, FlowSort, FlowSortColumn } from '../../../../shared/query';
import { FLOW_SORT_COLUMNS, FLOWS_BLOCK } from '../../../../shared/query';
import { requestTag } from '../../util/request-tag';

export const isCancelled = (e: unknown) => (e as { code?: string } | null)?.code === 'cancelled';

/** The grid's sort model in the engine's terms (columns the engine does not sort by are dropped). */
export function engineSort(
  model: readonly { colId: string; sort?: 'asc' | 'desc' | null }[],
): FlowSort[] {
  return model
    .filter((s) => s.sort && (FLOW_SORT_COLUMNS as readonly string[]).includes(s.colId))
    .map((s) => ({ column: s.colId as FlowSortColumn, dir: s.sort! }));
}

export interface FlowsPaging {
  api: Pick<NetsiftApi, 'flows' | 'countFlows'>;
  /** The selection's query. */
  q: FlowQuery;
  /** The grid's sort when the selection changed (the first page is read in it). */
  firstSort: FlowSort[];
  /** False once the grid shows another selection: its answers are dropped. */
  isCurrent(): boolean;
  /** The selection's flow count (the grid's row count follows it). */
  onCount(n: number): void;
  /** The first rows are in the grid (or failed to come: `ok` false). */
  onFirstRows(ok: boolean): void;
  /** A page or the count failed (not a cancelled one: a newer selection superseded it). */
  onError(e: unknown): void;
}

export function flowsDatasource(p: FlowsPaging): IDatasource {
  const { api, q, firstSort } = p;
  let total: number | null = null;
  let first = true;
  let firstTaken = false; // the first page answers the first request only (new flows: refresh)
  const firstPage = api.flows({
    ...q,
    sort: firstSort,
    offset: 0,
    limit: FLOWS_BLOCK,
    supersede: requestTag('grid-first'),
  });
  // the count follows the first page (its failure is reported by getRows): rows come first,
  // and the server would only split the cores between the two. A time range or the whole case
  // without a filter is counted at once instead: that count is a few ms (zone maps), and asked
  // after the page it queued behind a brush's charts for a free connection (issue 14 item 7:
  // brush -> count took 280 ms with the Charts tab open, 16 ms of it counting)
  // asked for here and now, so it leaves before the charts' requests (the page has six
  // connections to the server, and a count sent after four charts waited for one of them)
  const count = () => api.countFlows({ ...q, supersede: requestTag('count') });
  const cheap = !q.filter?.trim() && !q.selector;
  (cheap
    ? count()
    : firstPage.catch(() => undefined).then(() => (p.isCurrent() ? count() : null))
  ).then(
    (n) => {
      if (n == null || !p.isCurrent()) return;
      total = n;
      p.onCount(n);
    },
    (e) => !isCancelled(e) && p.onError(e),
  );
  return {
    getRows: (r: IGetRowsParams) => {
      const sort = engineSort(r.sortModel);
      const limit = r.endRow - r.startRow;
      const reuse =
        !firstTaken &&
        r.startRow === 0 &&
        limit === FLOWS_BLOCK &&
        JSON.stringify(sort) === JSON.stringify(firstSort);
      if (reuse) firstTaken = true;
      (reuse ? firstPage : api.flows({ ...q, sort, offset: r.startRow, limit }))
        .then((page) => {
          const n = page.rows.length;
          const last = total ?? (n < limit ? r.startRow + n : -1);
          r.successCallback(page.rows, last);
          if (first) {
            first = false;
            p.onFirstRows(true);
          }
        })
        .catch((e) => {
          if (first) p.onFirstRows(false);
          if (!isCancelled(e)) p.onError(e);
          r.failCallback();
        });
    },
  };
}
