// The one open case and what every domain service shares around it: the store and its pool of
// query connections, the job registry, the event listeners, the path grants and the uploads.
// The domain services (<domain>-service.ts) each take this session; none holds state of its
// own about the case.
import type { CaseInfo, ServerEvent } from '../../shared/api';
import { NetsiftError } from '../core/errors';
import { homeDir } from '../core/home';
import { forgetFlowsVersion, keepFlowsVersion } from '../query/id-segments';
import type { CaseReader } from '../store/case-reader';
import { CaseStore } from '../store/case-store';
import { readAppSettings } from './app-settings';
import { StoreFlows, type ServerFlowStore } from '../flowstore/store-flows';
import { caseInfoOf } from './case-info';
import { casesDir, rememberCase } from './case-list';
import type { EngineOps } from './engine-ops';
import { GridFirst } from './grid-first';
import { FollowSession } from './follow-session';
import { finishInterruptedJob } from './import-job';
import { JobRegistry } from './job-registry';
import { PathGrants } from './path-grants';
import { QueryLanes, type LaneName, type RunOptions } from './query-lanes';
import { requestSignal, withRequestSignal } from './request-signal';
import { Supersede } from './supersede';
import { DEFAULT_UPLOAD_LIMIT, UploadStore } from './uploads';

export interface ServiceOptions {
  ops: EngineOps;
  /** Folder holding sample/netsift-sample.csv.gz. */
  resourcesDir: string;
  /** DuckDB threads for the open case (the machine is shared). */
  threads?: number;
  /** Connections the workspace's queries share at most (query-lanes.ts); default 3. */
  queryConnections?: number;
}

export class CaseSession {
  private current: CaseStore | null = null;
  /** The open case's pool of query connections (see lane()). */
  private lanes: QueryLanes | null = null;
  private readonly listeners = new Set<(e: ServerEvent) => void>();
  /** Grid pages ahead of counts, charts and alerts (see grid-first.ts). */
  readonly gridFirst = new GridFirst();
  readonly registry = new JobRegistry((job) => this.publish({ type: 'job', job }));
  /** What the page may name on disk: the app's own folders and what the user granted. */
  readonly grants = new PathGrants(() => [
    { dir: casesDir(), use: 'case' },
    { dir: homeDir('uploads'), use: 'read' },
  ]);
  readonly uploads = new UploadStore(
    () => homeDir('uploads'),
    () => readAppSettings().uploadLimitBytes ?? DEFAULT_UPLOAD_LIMIT,
  );
  /** Counts, charts and first pages a newer request of the same tag replaces (supersede.ts). */
  readonly supersede = new Supersede();
  /**
   * "Follow a folder" on the open case (follow-session.ts): it writes flows outside the registry's
   * jobs, so it says when they changed (cached results are read again) and when detection ran.
   */
  readonly following = new FollowSession({
    publish: (e) => this.publish(e),
    flowsChanged: (store) => {
      if (store !== this.current) return;
      this.changes++;
      forgetFlowsVersion(store.cacheScope);
      this.publishCaseSoon();
    },
    detected: (store) => {
      if (store !== this.current) return;
      this.changes++;
      this.publishCaseSoon();
    },
  });
  /**
   * Counts what may have changed the open case's flows or analyses: every job or case event
   * (imports, detection, a feed matched again) and the followed folder's writes and runs. Work
   * done once per state of the case (the incidents' read-ahead) is done again when it moved.
   */
  changes = 0;
  private caseSoon: ReturnType<typeof setTimeout> | null = null;
  /** The open case's flows on a ClickHouse server, when it names one (store-flows.ts). */
  server: StoreFlows | null = null;

  constructor(readonly opts: ServiceOptions) {}

  /** The open case, or null. */
  get store(): CaseStore | null {
    return this.current;
  }

  requireStore(): CaseStore {
    if (!this.current)
      throw new NetsiftError('no case is open: open a capture or a case first', 'usage');
    return this.current;
  }

  onEvent(l: (e: ServerEvent) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  publish(e: ServerEvent): void {
    // a job (an import) may have written flows: cached results are read again (id-segments.ts)
    // the page is told the case moved (a job ran, or its state changed: a feed matched again)
    if (e.type === 'job' || e.type === 'case') this.changes++;
    if (e.type === 'job' && this.current) forgetFlowsVersion(this.current.cacheScope);
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // a dead listener (closed stream) must not stop the others
      }
    }
  }

  refuseWhileRunning(): void {
    if (this.registry.running())
      throw new NetsiftError('a job is running; wait for it or cancel it first', 'usage');
  }

  async caseInfo(): Promise<CaseInfo | null> {
    return this.current ? caseInfoOf(this.current, this.server) : null;
  }

  /** Tells the page the open case changed (flows, incidents...). */
  async publishCase(): Promise<void> {
    const info = await this.caseInfo();
    if (info) this.publish({ type: 'case', info });
  }

  /** Detection's options for the open case: its server's flows when it has some. */
  flowsFor(store: CaseStore): { flowStore?: ServerFlowStore } {
    if (!this.server || this.current !== store) return {};
    return { flowStore: this.server.connected() };
  }

  /** A flow read on the open case's server (its request and supersede signals cancel it there). */
  onServer<T>(
    tag: string | undefined,
    fn: (flows: ServerFlowStore, o: { signal?: AbortSignal }) => Promise<T>,
  ): Promise<T> {
    const server = this.server!;
    return this.superseding(tag, () => fn(server.connected(), { signal: requestSignal() }));
  }

  /** The open case's figures (flows, span, incidents) to the page after following changed them, at most every 2 s. */
  publishCaseSoon(): void {
    if (this.caseSoon) return;
    this.caseSoon = setTimeout(() => {
      this.caseSoon = null;
      void this.publishCase().catch(() => undefined);
    }, 2000);
    this.caseSoon.unref?.();
  }

  /**
   * Runs a query request the page tagged with `supersede` (src/shared/query.ts): a newer request
   * of the same tag aborts it (supersede.ts). The abort joins the request's own signal, which the
   * query lanes honour (queued: dropped; running: interrupted in DuckDB), over IPC as over HTTP.
   */
  superseding<T>(tag: string | undefined, fn: () => Promise<T>): Promise<T> {
    return this.supersede.run(tag, (signal) => {
      if (!signal) return fn();
      const own = requestSignal();
      return withRequestSignal(own ? AbortSignal.any([own, signal]) : signal, fn);
    });
  }

  /**
   * Runs fn on the open case through a connection of the query pool, in the queue of one kind
   * of query (grid pages, counts, host; charts, deep pages, the scatter, read-ahead): a slow chart
   * never holds up the grid's next page, a request whose client went away is dropped or interrupted, and
   * closing the case waits for what runs (query-lanes.ts).
   */
  lane<T>(name: LaneName, fn: (view: CaseReader) => Promise<T>, opts?: RunOptions): Promise<T> {
    const store = this.requireStore();
    if (this.lanes?.store !== store) {
      // grid pages go first: heavy work starting on an idle pool waits (briefly) for the pages
      // being read, as the cores are few (grid-first.ts, query-lanes.ts)
      this.lanes = new QueryLanes(store, this.opts.queryConnections, () => this.gridFirst.quiet());
      // the flows change only through this service's jobs: their version is kept between them
      keepFlowsVersion(store.cacheScope);
    }
    return this.lanes.run(name, fn, opts);
  }

  /** Opens (or creates) a case file the caller has already checked; the one open case switches. */
  async openFile(file: string): Promise<CaseInfo> {
    const next = await CaseStore.open(file, { threads: this.opts.threads });
    try {
      await finishInterruptedJob(next); // a job killed halfway: undo what it imported
    } catch (e) {
      next.close();
      throw e;
    }
    await this.leaveCase();
    this.current = next;
    this.server = await StoreFlows.attach(next); // null for a case holding its own flows
    const info = (await this.caseInfo())!;
    rememberCase(info);
    this.publish({ type: 'case', info });
    return info;
  }

  /** Closes the open case, keeping its figures for the case list. */
  async leaveCase(): Promise<void> {
    if (this.current) {
      const info = await this.caseInfo().catch(() => null);
      if (info) rememberCase(info);
    }
    await this.closeStore();
  }

  /**
   * Closes the open case once nothing runs on it: jobs are cancelled and waited for, queued
   * queries refused, running ones interrupted and waited for, then DuckDB is closed.
   */
  async close(): Promise<void> {
    await this.registry.cancelAll();
    await this.closeStore();
  }

  /**
   * Closes the open case without touching jobs: for case switches, which are refused while a job
   * runs, and for the import job that opens its new case at its end (cancelAll there would wait
   * for that very job).
   */
  async closeStore(): Promise<void> {
    await this.following.caseClosing(this.current);
    this.supersede.cancelAll();
    const store = this.current;
    const lanes = this.lanes;
    const server = this.server;
    this.current = null;
    this.lanes = null;
    this.server = null;
    await server?.close();
    await lanes?.close();
    await store?.closeWhenIdle();
  }
}
