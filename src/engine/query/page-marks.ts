// The address marks of a flows page (internal or not, and the kind: internal, multicast,
// broadcast, a special range, public), worked out here for the page's few hundred addresses. In
// the page's statement they were the SQL macros' CASE chains over every range, and DuckDB took
// ~18 ms to bind them on every page (issue 15's load run: a third of a deep page's time). The
// rules are the macros' own (ip_internal, ip_nonhost, ip_special in src/engine/store/macros.ts,
// built from the same lists of src/engine/util/ip.ts); page-marks.test.ts holds them together.
import type { FlowRow } from '../../shared/query';
import type { CaseReader } from '../store/case-reader';
import { addressMarker } from './host-kind';

/** A page row as read, before its marks. */
export type UnmarkedRow = Omit<FlowRow, 'src_internal' | 'dst_internal' | 'src_kind' | 'dst_kind'>;

/**
 * Marks the page's rows in place and gives them back: they are the statement's own, fresh, and
 * copying each row to add four fields cost the server's one JavaScript thread 1.5 s a minute in
 * issue 15's load run.
 */
export async function markPage(store: CaseReader, rows: UnmarkedRow[]): Promise<FlowRow[]> {
  if (!rows.length) return [];
  const mark = await addressMarker(store);
  const marked = rows as FlowRow[];
  for (const r of marked) {
    const s = mark(r.src_ip);
    const d = mark(r.dst_ip);
    r.src_internal = s.internal;
    r.dst_internal = d.internal;
    r.src_kind = s.kind;
    r.dst_kind = d.kind;
  }
  return marked;
}
