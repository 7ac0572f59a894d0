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

export async function markPage(store: CaseReader, rows: UnmarkedRow[]): Promise<FlowRow[]> {
  if (!rows.length) return [];
  const mark = await addressMarker(store);
  return rows.map((r) => {
    const s = mark(r.src_ip);
    const d = mark(r.dst_ip);
    return {
      ...r,
      src_internal: s.internal,
      dst_internal: d.internal,
      src_kind: s.kind,
      dst_kind: d.kind,
    };
  });
}
