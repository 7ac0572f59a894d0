// Reads the first flows page of the top incidents ahead of the analyst's click. Selecting an
// incident is the workspace's main move, and at 10M flows reading its evidence cold takes
// 100-200 ms (selectors without a narrow time range scan the address columns); read once in the
// background, the click is served from the page cache (memo.ts) and the wait is the drawing.
import { FLOWS_BLOCK } from '../../shared/query';
import type { Incident } from '../../shared/model';
import { queryFlows } from '../query/flows';
import { flowsVersion } from '../query/id-segments';
import type { CaseReader } from '../store/case-reader';
import type { GridFirst } from './grid-first';

/** Incidents read ahead, from the top of the list (the incidents grid's order: score, then id). */
export const PREFETCH_TOP = 10;

export class IncidentPrefetch {
  /**
   * Per case (store.cacheScope, one per open of a case file): what was read ahead for it, and the
   * read-ahead running. A case reopened is a new scope, so nothing carries over by mistake.
   */
  private readonly cases = new WeakMap<
    object,
    { doneFor: string | null; running: Promise<void> | null }
  >();

  constructor(private readonly gridFirst: GridFirst) {}

  /**
   * Reads ahead once per analysis run and version of the flows; each page waits behind the
   * grid's own pages (GridFirst), so it never delays what the analyst asked for. `onLane` runs
   * one query on a connection of the service's pool (query-lanes.ts), taken per query so the
   * read-ahead never holds a connection while it waits.
   */
  run(scope: object, onLane: OnLane): Promise<void> {
    let c = this.cases.get(scope);
    if (!c) this.cases.set(scope, (c = { doneFor: null, running: null }));
    const state = c;
    state.running ??= this.readAhead(onLane, state).finally(() => (state.running = null));
    return state.running;
  }

  private async readAhead(onLane: OnLane, state: { doneFor: string | null }): Promise<void> {
    const key = await onLane(async (store) => {
      const run = await store.one<{ id: number | null }>('SELECT max(id) AS id FROM analysis_runs');
      return `${await flowsVersion(store)}:${run?.id ?? 0}`;
    });
    if (state.doneFor === key) return;
    const incidents = await onLane((store) =>
      store.all<{ evidence: string }>(
        'SELECT evidence::VARCHAR AS evidence FROM incidents ORDER BY score DESC, id LIMIT $1',
        [PREFETCH_TOP],
      ),
    );
    for (const inc of incidents) {
      // the request the flows grid sends for a selected incident (flowQuery, first block, id order)
      const selector = JSON.parse(inc.evidence) as Incident['evidence'];
      await this.gridFirst.background(() =>
        onLane((store) => queryFlows(store, { selector, offset: 0, limit: FLOWS_BLOCK })),
      );
    }
    state.doneFor = key;
  }
}

/** Runs one query on a connection of the service's pool. */
export type OnLane = <T>(fn: (store: CaseReader) => Promise<T>) => Promise<T>;
