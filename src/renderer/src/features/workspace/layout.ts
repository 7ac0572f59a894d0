// Pane sizes of the workspace: what the analyst dragged (kept in the case's UI state), else the
// defaults; each clamped so every pane keeps a usable size in the window it is shown in.
import type { PaneSizes } from '../../../../shared/api';

export type Panes = Required<PaneSizes>;

export const DEFAULT_PANES: Panes = {
  left: 470,
  right: 290,
  timeline: 200,
  incidents: 300,
  alerts: 190,
};

/** Smallest sizes (px) a pane keeps. */
export const MIN = {
  left: 280,
  right: 220,
  middle: 360,
  timeline: 120,
  flows: 160,
  incidents: 120,
  alerts: 90,
  detail: 90,
};

export interface Bounds {
  left: [number, number];
  right: [number, number];
  timeline: [number, number];
  incidents: [number, number];
  alerts: [number, number];
}

/** What each size may be in a window of this size (columns area width and height). */
export function bounds(p: Panes, width: number, height: number): Bounds {
  return {
    left: [MIN.left, Math.max(MIN.left, width - p.right - MIN.middle)],
    right: [MIN.right, Math.max(MIN.right, width - p.left - MIN.middle)],
    timeline: [MIN.timeline, Math.max(MIN.timeline, height - MIN.flows)],
    incidents: [MIN.incidents, Math.max(MIN.incidents, height - p.alerts - MIN.detail)],
    alerts: [MIN.alerts, Math.max(MIN.alerts, height - p.incidents - MIN.detail)],
  };
}

/** Saved sizes over the defaults, clamped to the window. */
export function effectivePanes(saved: PaneSizes | undefined, width: number, height: number): Panes {
  const p: Panes = { ...DEFAULT_PANES };
  for (const k of Object.keys(p) as (keyof Panes)[]) {
    const v = saved?.[k];
    if (typeof v === 'number' && Number.isFinite(v)) p[k] = v;
  }
  // one after another: each bound depends on the sizes already settled
  for (const k of ['right', 'left', 'timeline', 'alerts', 'incidents'] as const) {
    const [lo, hi] = bounds(p, width, height)[k];
    p[k] = Math.round(Math.max(lo, Math.min(hi, p[k])));
  }
  return p;
}
