// The open case's figures, incidents, triage and saved view asked for as the page starts, beside
// `jobs`, instead of one after another and once the workspace has mounted: mounting it (the grids,
// the timeline, the graph) took 300-500 ms of the page's one thread, and its requests then queued
// for the browser's six connections behind the flows page and the timeline. The incidents are in
// before the workspace first renders, so the list is drawn with it. Issue 16: the incident list
// within 1 s of opening a 10M-flow case. Each answer is taken once; a start that shows Home or an
// import drops them.
import type { CaseInfo, UiState } from '../../../../shared/api';
import type { Incident } from '../../../../shared/model';
import type { IncidentTriage } from '../../../../shared/triage';
import { api } from '../../api/client';

interface Reads {
  caseInfo: CaseInfo | null;
  incidents: Incident[];
  uiState: UiState;
  triageAll: IncidentTriage[];
}
type Entry<T> = { promise: Promise<T>; value?: { v: T } };

let early: { [K in keyof Reads]?: Entry<Reads[K]> } = {};

function entry<T>(promise: Promise<T>): Entry<T> {
  const e: Entry<T> = { promise };
  // kept once in (read synchronously by the first render); a read nobody takes must not be
  // reported as an unhandled rejection
  promise.then(
    (v) => (e.value = { v }),
    () => undefined,
  );
  return e;
}

/** Starts the reads (no case open: they fail or say so, and are dropped unread). */
export function readEarly(): void {
  early = {
    caseInfo: entry(api.caseInfo()),
    incidents: entry(api.incidents()),
    uiState: entry(api.uiState()),
    triageAll: entry(api.triageAll()),
  };
}

/** The early answer of `k`, once; null when there is none (then the caller asks itself). */
export function takeEarly<K extends keyof Reads>(k: K): Promise<Reads[K]> | null {
  const e = early[k];
  delete early[k];
  return e?.promise ?? null;
}

/** The early answer of `k` if it is already in, once (for a first render); else null. */
export function takeEarlyValue<K extends keyof Reads>(k: K): { v: Reads[K] } | null {
  const e = early[k];
  if (!e?.value) return null;
  delete early[k];
  return e.value as { v: Reads[K] };
}

/** Resolves once the early read of `k` has settled (at once when there is none). */
export function earlySettled(k: keyof Reads): Promise<void> {
  const p: Promise<unknown> | undefined = early[k]?.promise;
  return p
    ? p.then(
        () => undefined,
        () => undefined,
      )
    : Promise.resolve();
}

/** The start did not open the workspace: nothing read early is used. */
export function dropEarly(): void {
  early = {};
}
