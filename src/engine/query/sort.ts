// Sort keys of the flows grid: names from the shared allow-list -> SQL expressions. Nothing else
// reaches ORDER BY. Addresses sort numerically (10.0.0.9 before 10.0.0.10).
import { FLOW_SORT_COLUMNS, type FlowSort, type FlowSortColumn } from '../../shared/query';
import { NetsiftError } from '../core/errors';

const SORT_SQL: Record<FlowSortColumn, string> = {
  id: 'id',
  ts: 'ts',
  ts_end: 'ts_end',
  duration: "date_diff('microsecond', ts, ts_end)",
  proto: 'proto',
  state: 'state',
  src_ip: 'src_num',
  src_port: 'src_port',
  dst_ip: 'dst_num',
  dst_port: 'dst_port',
  src_bytes: 'src_bytes',
  dst_bytes: 'dst_bytes',
  bytes: '(src_bytes + dst_bytes)',
  src_pkts: 'src_pkts',
  dst_pkts: 'dst_pkts',
  packets: '(coalesce(src_pkts, 0) + coalesce(dst_pkts, 0))',
  label: 'label',
  import_id: 'import_id',
};

/** Validated sort keys, always ending with id so pages are stable. */
export function normaliseSort(sort: FlowSort[] | undefined): FlowSort[] {
  const out: FlowSort[] = [];
  for (const s of sort ?? []) {
    if (!(FLOW_SORT_COLUMNS as readonly string[]).includes(s.column))
      throw new NetsiftError(
        `cannot sort flows by '${String(s.column)}' (allowed: ${FLOW_SORT_COLUMNS.join(', ')})`,
        'usage',
      );
    if (s.dir !== 'asc' && s.dir !== 'desc')
      throw new NetsiftError(`sort direction must be asc or desc, not '${String(s.dir)}'`, 'usage');
    if (!out.some((o) => o.column === s.column)) out.push({ column: s.column, dir: s.dir });
  }
  if (!out.some((o) => o.column === 'id')) out.push({ column: 'id', dir: 'asc' });
  return out;
}

export function orderBySql(sort: FlowSort[]): string {
  return sort
    .map((s) => `${SORT_SQL[s.column]} ${s.dir === 'desc' ? 'DESC' : 'ASC'} NULLS LAST`)
    .join(', ');
}
