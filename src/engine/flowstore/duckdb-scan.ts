// scanFlows on the DuckDB case: the selector's flows in (ts, id) order, a keyset page at a time
// (each page starts after the last row of the one before; no OFFSET re-reading what was passed).
import type { FlowSelector } from '../../shared/model';
import { selectorToSql } from '../query/selector';
import type { CaseReader } from '../store/case-reader';
import type { StoredFlow } from './flow-store';
import { SCAN_BATCH } from './flow-store';

const COLUMNS = `id, import_id, epoch_us(ts) AS ts_us, epoch_us(ts_end) AS ts_end_us, proto, state,
  coalesce(state_raw, state) AS state_raw, src_ip, src_port, dst_ip, dst_port, src_bytes, dst_bytes,
  src_pkts, dst_pkts, label`;

export async function scanCaseFlows(
  store: CaseReader,
  sel: FlowSelector,
  onBatch: (rows: StoredFlow[]) => Promise<void> | void,
  batch = SCAN_BATCH,
): Promise<number> {
  const size = Math.max(1, Math.floor(batch));
  let after: { ts: number; id: number } | null = null;
  let n = 0;
  for (;;) {
    const p = selectorToSql(sel);
    const params: (string | number)[] = [...p.params];
    let keyset = '';
    if (after) {
      const t = `$${params.push(after.ts)}`;
      const id = `$${params.push(after.id)}`;
      keyset = ` AND ts >= make_timestamp(${t}::BIGINT) AND (epoch_us(ts) > ${t}::BIGINT OR id > ${id}::BIGINT)`;
    }
    const rows = await store.all<StoredFlow>(
      `SELECT ${COLUMNS} FROM flows WHERE ${p.sql}${keyset} ORDER BY ts, id LIMIT ${size}`,
      params,
    );
    if (!rows.length) return n;
    n += rows.length;
    await onBatch(
      rows.map((r) => ({
        ...r,
        ts_us: Number(r.ts_us),
        ts_end_us: r.ts_end_us === null ? null : Number(r.ts_end_us),
      })),
    );
    if (rows.length < size) return n;
    const last = rows[rows.length - 1];
    after = { ts: Number(last.ts_us), id: Number(last.id) };
  }
}
