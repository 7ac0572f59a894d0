// The flows an evidence selector selects, counted where the flows are (an alert's flow_count).
import type { FlowSelector } from '../../shared/model';
import type { FlowSql } from '../flowstore/flow-sql';
import { selectorWhere } from '../flowstore/selector-sql';

export async function evidenceCount(sql: FlowSql, sel: FlowSelector): Promise<number> {
  const p = selectorWhere(sql.d, sel);
  const [r] = await sql.rows<{ n: number }>(
    `SELECT count(*) AS n FROM ${sql.flows} WHERE ${p.sql}`,
    p.binds,
  );
  return r?.n ?? 0;
}
