// What the analyst has narrowed to; every pane reads its flows through flowQuery().
// An incident, or one of its alerts (the alert's own evidence, not the whole incident's), a drill
// picked on a chart or the graph (a host, a port, a pair: ANDed with the rest), a brushed time
// range and the filter text.
import { createContext, useContext } from 'react';
import type { Alert, FlowSelector, Incident } from '../../../../shared/model';
import type { FlowQuery, TimeRange } from '../../../../shared/query';

/** A narrowing picked on a chart element; its selector has no anyOf (see combine). */
export interface Drill {
  label: string;
  selector: Omit<FlowSelector, 'anyOf'>;
}

export interface Selection {
  incident: Incident | null;
  /** An alert of the selected incident; its evidence replaces the incident's. */
  alert: Alert | null;
  drill: Drill | null;
  range: TimeRange | null;
  filter: string;
}

export const EMPTY_SELECTION: Selection = {
  incident: null,
  alert: null,
  drill: null,
  range: null,
  filter: '',
};

/** Both selectors at once: the drill's fields ANDed with the evidence as its one anyOf branch. */
export function combine(
  evidence: FlowSelector | undefined,
  drill: Drill | null,
): FlowSelector | undefined {
  if (!drill) return evidence;
  if (!evidence) return { ...drill.selector };
  return { ...drill.selector, anyOf: [evidence] };
}

export function flowQuery(sel: Selection): FlowQuery {
  const q: FlowQuery = {};
  const selector = combine(sel.alert?.evidence ?? sel.incident?.evidence, sel.drill);
  if (selector) q.selector = selector;
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
  /** The selected incident's alerts (empty while loading or with no incident). */
  alerts: Alert[];
  selectIncident(i: Incident | null): void;
  /** An alert of the selected incident, or null for the whole incident again. */
  selectAlert(a: Alert | null): void;
  setDrill(d: Drill | null): void;
  setRange(r: TimeRange | null): void;
  setFilter(text: string): void;
  /** Adds `clause` (or `not clause`) to the filter with `and`. */
  addClause(clause: string, exclude?: boolean): void;
  showHost(ip: string | null): void;
  openMenu(x: number, y: number, items: MenuItem[]): void;
  /** Columns the analyst hid in a grid ('incidents', 'alerts', 'flows'), else `fallback`. */
  hiddenColumns(grid: string, fallback: readonly string[]): string[];
  setHiddenColumns(grid: string, ids: string[]): void;
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
    // address context (issue 17)
    case 'src_country':
    case 'dst_country':
      return `${column.slice(0, 3)} country ${value}`;
    case 'src_asn':
    case 'dst_asn':
      return `${column.slice(0, 3)} as ${value}`;
    case 'country':
      return `country ${value}`;
    case 'asn':
      return `as ${value}`;
    case 'name':
      return `host name ${value}`;
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
  if ((column.endsWith('ip') || column === 'attacker') && value)
    items.push({ label: `Show host ${value}`, run: () => w.showHost(String(value)) });
  items.push({
    label: 'Copy',
    run: () => void navigator.clipboard?.writeText(String(value ?? '')),
  });
  return items;
}

/** Drills for chart elements: the flows behind a bar, a point or an edge. */
export const drills = {
  host: (ip: string): Drill => ({ label: `host ${ip}`, selector: { anyIps: [ip] } }),
  port: (proto: string, port: number): Drill => ({
    label: `${proto} port ${port}`,
    selector: { protos: [proto], dstPorts: [port] },
  }),
  pair: (src: string, dst: string): Drill => ({
    label: `${src} → ${dst}`,
    selector: { srcIps: [src], dstIps: [dst] },
  }),
  pairWindow: (src: string, dst: string, from: string, to: string): Drill => ({
    label: `${src} → ${dst} @ ${from.slice(11, 19)}`,
    selector: { srcIps: [src], dstIps: [dst], from, to },
  }),
};
