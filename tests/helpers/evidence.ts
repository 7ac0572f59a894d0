// Checks an alert's evidence selector against the flows a fixture says are behind it.
import { selectorToSql } from '../../src/engine/query/selector';
import type { CaseStore } from '../../src/engine/store/case-store';
import type { FlowSelector } from '../../src/shared/model';

/** Ids of the flows the selector picks, ascending. */
export async function selectedIds(store: CaseStore, sel: FlowSelector): Promise<number[]> {
  const p = selectorToSql(sel);
  const rows = await store.all<{ id: number }>(`SELECT id FROM flows WHERE ${p.sql} ORDER BY id`, p.params);
  return rows.map((r) => r.id);
}

/** Ids of the flows whose fixture label is `label`, ascending. */
export async function labelledIds(store: CaseStore, label: string): Promise<number[]> {
  const rows = await store.all<{ id: number }>('SELECT id FROM flows WHERE label = $1 ORDER BY id', [label]);
  return rows.map((r) => r.id);
}
