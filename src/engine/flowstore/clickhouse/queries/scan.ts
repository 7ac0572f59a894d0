// scanFlows on ClickHouse: a selector's flows in (ts, id) order, a keyset page at a time. Each
// page starts after the last row of the one before (the time test is the index-friendly one of
// the table model, then the exact tie-break on id), so a long scan never re-sorts what it passed.
import type { FlowState, FlowSelector } from '../../../../shared/model';
import type { StoredFlow } from '../../flow-store';
import { SCAN_BATCH } from '../../flow-store';
import { num, numOrNull, whereOf, type ExecOptions, type QueryContext } from '../query-context';
import { selectList } from './flows-page';

type Raw = Record<string, unknown>;

function toStored(r: Raw): StoredFlow {
  const state = r.o_state as FlowState;
  return {
    id: num(r.o_id),
    import_id: num(r.o_import_id),
    ts_us: num(r.o_ts),
    ts_end_us: numOrNull(r.o_ts_end),
    proto: String(r.o_proto),
    state,
    state_raw: (r.o_state_raw as string | null) ?? state,
    src_ip: String(r.o_src_ip),
    src_port: numOrNull(r.o_src_port),
    dst_ip: String(r.o_dst_ip),
    dst_port: numOrNull(r.o_dst_port),
    src_bytes: num(r.o_src_bytes),
    dst_bytes: num(r.o_dst_bytes),
    src_pkts: numOrNull(r.o_src_pkts),
    dst_pkts: numOrNull(r.o_dst_pkts),
    label: (r.o_label as string | null) ?? null,
  };
}

export async function scanFlowsCh(
  ctx: QueryContext,
  sel: FlowSelector,
  onBatch: (rows: StoredFlow[]) => Promise<void> | void,
  opts: ExecOptions & { batch?: number } = {},
): Promise<number> {
  const size = Math.max(1, Math.floor(opts.batch ?? SCAN_BATCH));
  const m = ctx.model;
  let after: { ts: number; id: number } | null = null;
  let n = 0;
  for (;;) {
    const { b, where } = whereOf(ctx, { selector: sel });
    const keyset: string = after
      ? ` AND ${m.time.compare('>=', after.ts, b)} AND (${m.time.us} > ${b.int(after.ts)} OR ${m.sql.id} > ${b.int(after.id)})`
      : '';
    const raw: Raw[] = await ctx.ex.rows<Raw>(
      `SELECT ${selectList(m)} FROM ${m.table} WHERE ${where}${keyset}
       ORDER BY ${m.time.us}, ${m.sql.id} LIMIT ${size}`, // a whole number, computed above
      b.params,
      opts,
    );
    if (!raw.length) return n;
    const rows: StoredFlow[] = raw.map(toStored);
    n += rows.length;
    await onBatch(rows);
    if (rows.length < size) return n;
    const last: StoredFlow = rows[rows.length - 1];
    after = { ts: last.ts_us, id: last.id };
  }
}
