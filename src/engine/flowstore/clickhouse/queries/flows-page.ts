// Pages and counts of flows on ClickHouse: the same request, sort allow-list and row shape as the
// DuckDB side (src/engine/query/flows.ts, sort.ts). ClickHouse reads only the sort keys before
// the page's other columns by itself (PREWHERE/lazy reading), so no two-step id fetch here.
import type { FlowState } from '../../../../shared/model';
import type {
  CountRequest,
  FlowRow,
  FlowSortColumn,
  FlowsPage,
  FlowsRequest,
} from '../../../../shared/query';
import { MAX_PAGE } from '../../../query/flows';
import { normaliseSort } from '../../../query/sort';
import { NetsiftError } from '../../../core/errors';
import {
  kindOf,
  num,
  numOrNull,
  whereOf,
  type ExecOptions,
  type QueryContext,
} from '../query-context';
import type { TableModel } from '../table-model';
import { usToIso } from '../time-text';

function sortSql(m: TableModel): Record<FlowSortColumn, string> {
  const s = m.sql;
  const end = m.timeEnd ? m.timeEnd.us : 'CAST(NULL AS Nullable(Int64))';
  return {
    id: s.id,
    ts: m.time.us,
    ts_end: end,
    duration: `(${end} - ${m.time.us})`,
    proto: s.proto,
    state: s.state,
    src_ip: m.src.sortKey,
    src_port: s.src_port,
    dst_ip: m.dst.sortKey,
    dst_port: s.dst_port,
    src_bytes: s.src_bytes,
    dst_bytes: s.dst_bytes,
    bytes: `(${s.src_bytes} + ${s.dst_bytes})`,
    src_pkts: s.src_pkts,
    dst_pkts: s.dst_pkts,
    packets: `(ifNull(${s.src_pkts}, 0) + ifNull(${s.dst_pkts}, 0))`,
    label: s.label,
    import_id: s.import_id,
  };
}

/** Output columns under o_ names: an alias equal to a mapped column's name would be cyclic. */
export function selectList(m: TableModel): string {
  const s = m.sql;
  const end = m.timeEnd ? m.timeEnd.us : 'CAST(NULL AS Nullable(Int64))';
  return [
    `${s.id} AS o_id`,
    `${s.import_id} AS o_import_id`,
    `${m.time.us} AS o_ts`,
    `${end} AS o_ts_end`,
    `${s.proto} AS o_proto`,
    `${s.state} AS o_state`,
    `${s.state_raw} AS o_state_raw`,
    `${s.src_ip} AS o_src_ip`,
    `${s.src_port} AS o_src_port`,
    `${s.dst_ip} AS o_dst_ip`,
    `${s.dst_port} AS o_dst_port`,
    `${s.src_bytes} AS o_src_bytes`,
    `${s.dst_bytes} AS o_dst_bytes`,
    `${s.src_pkts} AS o_src_pkts`,
    `${s.dst_pkts} AS o_dst_pkts`,
    `${s.label} AS o_label`,
  ].join(', ');
}

type Raw = Record<string, unknown>;

function toRow(ctx: QueryContext, r: Raw): FlowRow {
  const src = String(r.o_src_ip);
  const dst = String(r.o_dst_ip);
  const sk = kindOf(ctx, src);
  const dk = kindOf(ctx, dst);
  return {
    id: num(r.o_id),
    import_id: num(r.o_import_id),
    ts: usToIso(r.o_ts as number)!,
    ts_end: usToIso(r.o_ts_end as number | null),
    proto: String(r.o_proto),
    state: r.o_state as FlowState,
    state_raw: (r.o_state_raw as string | null) ?? null,
    src_ip: src,
    src_port: numOrNull(r.o_src_port),
    dst_ip: dst,
    dst_port: numOrNull(r.o_dst_port),
    src_bytes: num(r.o_src_bytes),
    dst_bytes: num(r.o_dst_bytes),
    src_pkts: numOrNull(r.o_src_pkts),
    dst_pkts: numOrNull(r.o_dst_pkts),
    label: (r.o_label as string | null) ?? null,
    src_internal: sk === 'internal',
    dst_internal: dk === 'internal',
    src_kind: sk,
    dst_kind: dk,
  };
}

export async function queryFlowsCh(
  ctx: QueryContext,
  req: FlowsRequest,
  opts?: ExecOptions,
): Promise<FlowsPage> {
  const { offset, limit } = req;
  if (!Number.isInteger(offset) || offset < 0)
    throw new NetsiftError(`offset must be a whole number >= 0, not ${offset}`, 'usage');
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_PAGE)
    throw new NetsiftError(
      `limit must be a whole number from 0 to ${MAX_PAGE}, not ${limit}`,
      'usage',
    );
  const sort = normaliseSort(req.sort);
  if (limit === 0) return { rows: [], offset };
  const keys = sortSql(ctx.model);
  const order = sort
    .map((s) => `${keys[s.column]} ${s.dir === 'desc' ? 'DESC' : 'ASC'} NULLS LAST`)
    .join(', ');
  const { b, where } = whereOf(ctx, req);
  const rows = await ctx.ex.rows<Raw>(
    `SELECT ${selectList(ctx.model)} FROM ${ctx.model.table} WHERE ${where}
     ORDER BY ${order} LIMIT ${offset}, ${limit}`, // whole numbers, checked above
    b.params,
    opts,
  );
  return { rows: rows.map((r) => toRow(ctx, r)), offset };
}

export async function countFlowsCh(
  ctx: QueryContext,
  req: CountRequest,
  opts?: ExecOptions,
): Promise<number> {
  const { b, where } = whereOf(ctx, req);
  const [r] = await ctx.ex.rows<{ n: unknown }>(
    `SELECT count() AS n FROM ${ctx.model.table} WHERE ${where}`,
    b.params,
    opts,
  );
  return num(r?.n ?? 0);
}
