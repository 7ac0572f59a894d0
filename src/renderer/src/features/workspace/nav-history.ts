// Back and forward through the workspace's selections and filters as browser history entries of
// the page itself (history.pushState, same URL): the browser's Back and Forward buttons, the
// mouse's back button, Alt+Left and the workspace's own buttons all walk them. A guard entry under
// the first one keeps Back inside the app: arriving on it goes forward again at once.
import type { TimeRange } from '../../../../shared/query';
import type { Drill } from './selection';

/** One place in the investigation, by stable keys (ids change when detection runs again). */
export interface NavState {
  incidentKey: string | null;
  alertId: number | null;
  drill: Drill | null;
  range: TimeRange | null;
  filter: string;
}

type Entry = { kind: 'guard' } | { kind: 'start' } | { kind: 'nav'; key: string; nav: NavState };

const TAG = 'netsift';

function entryOf(state: unknown): Entry | null {
  const e = (state as Record<string, unknown> | null)?.[TAG];
  return e && typeof e === 'object' ? (e as Entry) : null;
}

export function navKey(n: NavState): string {
  return JSON.stringify([n.incidentKey, n.alertId, n.drill, n.range, n.filter]);
}

let installed = false;

/** Puts the guard under the page's first entry, once per page (a reload keeps the entries). */
export function installHistoryGuard(): void {
  if (installed || typeof history === 'undefined') return;
  installed = true;
  if (!entryOf(history.state)) {
    history.replaceState({ [TAG]: { kind: 'guard' } }, '');
    history.pushState({ [TAG]: { kind: 'start' } }, '');
  }
  window.addEventListener('popstate', (e) => {
    if (entryOf(e.state)?.kind === 'guard') history.forward();
  });
}

/**
 * Records a new place (a new entry), unless the current entry already is that place (it was
 * reached by Back/Forward, or nothing changed). The page's first place replaces the start entry.
 */
export function recordNav(nav: NavState): void {
  const key = navKey(nav);
  const cur = entryOf(history.state);
  if (cur?.kind === 'nav' && cur.key === key) return;
  const entry = { [TAG]: { kind: 'nav', key, nav } satisfies Entry };
  if (cur?.kind === 'start' || !cur) history.replaceState(entry, '');
  else history.pushState(entry, '');
}

/** Calls `apply` with the place of each Back/Forward step; returns the unsubscribe. */
export function onNav(apply: (nav: NavState) => void): () => void {
  const on = (e: PopStateEvent) => {
    const entry = entryOf(e.state);
    if (entry?.kind === 'nav') apply(entry.nav);
  };
  window.addEventListener('popstate', on);
  return () => window.removeEventListener('popstate', on);
}
