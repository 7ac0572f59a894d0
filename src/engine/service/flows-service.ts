// contract: flows (src/shared/contracts/flows.ts). The flows grid's pages (with what the next
// clicks will need read ahead), counts, the filter check and one host's summary; the query
// engine (src/engine/query) does the work on the session's query lanes.
import type { FlowsApi } from '../../shared/contracts/flows';
import type {
  CountRequest,
  FilterCheck,
  FlowsPage,
  FlowsRequest,
  HostSummary,
} from '../../shared/query';
import { decoratePage } from '../context/flow-page-context';
import { NetsiftError } from '../core/errors';
import {
  checkFilter,
  countFlows,
  hostSummary,
  pageNeedsScan,
  queryFlows,
  warmPaging,
} from '../query/index';
import type { CaseReader } from '../store/case-reader';
import type { CaseSession } from './case-session';
import { IncidentPrefetch } from './incident-prefetch';

export class FlowsService implements FlowsApi {
  private readonly prefetch: IncidentPrefetch;
  /** A read-ahead is queued or running (see readAhead()). */
  private readingAhead = false;
  /** The case and its state (CaseSession.changes) the last read-ahead finished for. */
  private readAheadFor: { scope: object; changes: number } | null = null;

  constructor(private readonly s: CaseSession) {
    this.prefetch = new IncidentPrefetch(s.gridFirst);
  }

  async flows(req: FlowsRequest): Promise<FlowsPage> {
    if (this.s.server)
      return this.s.onServer(req.supersede, async (f, o) => {
        const p = await f.queryFlows(req, o);
        // country/AS from the packaged data, names from the local case (flow-page-context.ts)
        const rows = await decoratePage(this.s.requireStore(), p.rows, { serverFlows: true });
        return { ...p, rows };
      });
    // each page's rows with the country, AS and names of their addresses (issue 17)
    const read = async (lane: CaseReader) => {
      const p = await queryFlows(lane, req);
      return { ...p, rows: await decoratePage(lane, p.rows) };
    };
    // a deep page that must scan or sort the selection is heavy work: it queues with the charts,
    // not ahead of the quick pages and counts (query-lanes.ts)
    const deep = await pageNeedsScan(this.s.requireStore(), req);
    const page = await this.s.superseding(req.supersede, () =>
      deep
        ? this.s.lane('deep', read)
        : this.s.lane('grid', (grid) => this.s.gridFirst.page(() => read(grid))),
    );
    this.readAhead();
    return page;
  }

  async countFlows(req: CountRequest): Promise<number> {
    if (this.s.server) return this.s.onServer(req.supersede, (f, o) => f.countFlows(req, o));
    return this.s.superseding(req.supersede, () =>
      this.s.lane('count', (lane) => countFlows(lane, req)),
    );
  }

  async checkFilter(text: string): Promise<FilterCheck> {
    return checkFilter(text);
  }

  async host(ip: string): Promise<HostSummary> {
    if (this.s.server) return this.s.onServer(undefined, (f, o) => f.hostSummary(ip, o));
    return this.s.lane('host', (lane) => hostSummary(lane, ip));
  }

  async cancelQueries(tags: string[]): Promise<void> {
    if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string'))
      throw new NetsiftError('cancelQueries takes a list of tags', 'usage');
    this.s.supersede.cancel(tags);
  }

  /** After a page: what the next clicks will need, in the background (best effort). */
  private readAhead(): void {
    const store = this.s.store;
    if (this.readingAhead || !store) return;
    // once per state of the case: checking whether it moved took a query on a connection of
    // the pool after every page (issue 15's load run: 700 a minute)
    const at = { scope: store.cacheScope, changes: this.s.changes };
    if (this.readAheadFor?.scope === at.scope && this.readAheadFor.changes === at.changes) return;
    this.readingAhead = true;
    const onLane = <T>(fn: (s: CaseReader) => Promise<T>) =>
      this.s.lane('prefetch', fn, { background: true });
    void onLane(warmPaging)
      .then(() => this.prefetch.run(at.scope, onLane))
      .then(() => (this.readAheadFor = at))
      .catch(() => undefined) // a click reads the page itself
      .finally(() => (this.readingAhead = false));
  }
}
