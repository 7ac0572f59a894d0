// What the analyst has narrowed to; every pane reads its flows through flowQuery().
import { createContext, useContext } from 'react';
import type { Incident } from '../../../../shared/model';
import type { FlowQuery, TimeRange } from '../../../../shared/query';

export interface Selection {
  incident: Incident | null;
  range: TimeRange | null;
  filter: string;
}

export function flowQuery(sel: Selection): FlowQuery {
  const q: FlowQuery = {};
  if (sel.incident) q.selector = sel.incident.evidence;
  if (sel.range) q.range = sel.range;
  if (sel.filter.trim()) q.filter = sel.filter.trim();
  return q;
}

/** A stable key for effects that depend on the query. */
export function queryKey(q: FlowQuery): string {
  return JSON.stringify(q);
}

export interface WorkspaceActions {
  selection: Selection;
  selectIncident(i: Incident | null): void;
  setRange(r: TimeRange | null): void;
  setFilter(text: string): void;
  /** Adds `clause` (or `not clause`) to the filter with `and`. */
  addClause(clause: string, exclude?: boolean): void;
  showHost(ip: string | null): void;
  openMenu(x: number, y: number, items: MenuItem[]): void;
}

export interface MenuItem {
  label: string;
  run(): void;
}

export const WorkspaceContext = createContext<WorkspaceActions | null>(null);

export function useWorkspace(): WorkspaceActions {
  const w = useContext(WorkspaceContext);
  if (!w) throw new Error('useWorkspace outside the workspace');
  return w;
}

/** Filter-language clause selecting one value of a flow column. */
export function clauseFor(column: string, value: unknown): string | null {
  if (value == null || value === '') return null;
  switch (column) {
    case 'src_ip':
      return `src ip ${value}`;
    case 'dst_ip':
      return `dst ip ${value}`;
    case 'ip':
      return `ip ${value}`;
    case 'src_port':
      return `src port ${value}`;
    case 'dst_port':
      return `dst port ${value}`;
    case 'proto':
      return `proto ${value}`;
    case 'state':
      return `state ${value}`;
    default:
      return null;
  }
}

/** The usual context-menu items for a cell of a flow column. */
export function cellMenu(w: WorkspaceActions, column: string, value: unknown): MenuItem[] {
  const items: MenuItem[] = [];
  const clause = clauseFor(column, value);
  if (clause) {
    items.push({ label: `Filter to ${clause}`, run: () => w.addClause(clause) });
    items.push({ label: `Exclude ${clause}`, run: () => w.addClause(clause, true) });
  }
  if ((column.endsWith('ip') || column === 'attacker') && value) items.push({ label: `Show host ${value}`, run: () => w.showHost(String(value)) });
  items.push({ label: 'Copy', run: () => void navigator.clipboard?.writeText(String(value ?? '')) });
  return items;
}
