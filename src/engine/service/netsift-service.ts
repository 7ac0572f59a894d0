// The one implementation of the service contract (src/shared/api.ts) over a CaseStore. The
// Electron main process and the loopback HTTP server both call it; neither adds logic of its own.
import fs from 'node:fs';
import path from 'node:path';
import type {
  AppSettings,
  CaseInfo,
  CaseZone,
  ImportCheck,
  ImportFileCheck,
  ImportRequest,
  ImportSource,
  ImportSummaryView,
  JobState,
  NetsiftApi,
  RecentCase,
  ServerEvent,
  UiState,
} from '../../shared/api';
import type { FeedAddRequest, FeedStatus } from '../../shared/feeds';
import type { Alert, ImportRecord, Incident, JobProgress } from '../../shared/model';
import type {
  CountRequest,
  FilterCheck,
  FlowsPage,
  FlowsRequest,
  HostSummary,
  PairScatter,
  PairScatterRequest,
  PortBucket,
  PortDistributionRequest,
  RejectsPage,
  RejectsRequest,
  Timeline,
  TimelineRequest,
  TopTalker,
  TopTalkersRequest,
} from '../../shared/query';
import type { Job } from '../core/job';
import { CaseStore } from '../store/case-store';
import { NetsiftError } from '../core/errors';
import {
  checkFilter,
  countFlows,
  hostSummary,
  pairScatter,
  portDistribution,
  queryFlows,
  warmPaging,
  rejectsPage,
  timeline,
  topTalkers,
} from '../query/index';
import type { EngineOps } from './engine-ops';
import { homeDir, readJson, serviceHome, writeJson } from '../core/home';
import { addWarnings } from './add-warnings';
import {
  caseId,
  caseMoved,
  caseName,
  casesDir,
  findCase,
  forgetCase,
  listCases,
  newCasePath,
  rememberCase,
  safeCaseName,
} from './case-list';
import { CHECK_TEMP_PREFIX, lookAtFile } from './import-check';
import { finishInterruptedJob, ImportRun, ZONES_KEY, type ImportInput } from './import-job';
import { PathGrants, realPath } from './path-grants';
import { DEFAULT_UPLOAD_LIMIT, UploadStore } from './uploads';
import { caseZones, checkTz, jobZones } from './zones';
import { expandInputs } from '../import/expand-inputs';
import { TEMP_PREFIX } from '../analysis/analyze';
import { sweepStaleTempDirs } from '../util/owned-temp';
import { forgetFlowsVersion, keepFlowsVersion } from '../query/id-segments';
import { GridFirst } from './grid-first';
import { IncidentPrefetch } from './incident-prefetch';
import { JobRegistry, type StepContext } from './job-registry';
import { QueryLanes, type LaneName, type LaneView, type RunOptions } from './query-lanes';
import { requestSignal, withRequestSignal } from './request-signal';
import { Supersede } from './supersede';
import * as triageOps from './triage-ops';
import { exportPacketsToHome } from './context-ops';
import type {
  ContextStatus,
  DnsName,
  GeoInfo,
  GeoSourceInfo,
  HostContext,
  NameLookupRequest,
  PacketExportRequest,
  PacketExportResult,
  TopGeoRequest,
  TopGeoRow,
} from '../../shared/context';
import { topGeo } from '../context/top-geo';
import { addressesOf, hostContext, namesAt } from '../context/host-context';
import { contextStatus } from '../context/context-status';
import { caseGeo } from '../geo/geo-lookup';
import { geoSourceInfo } from '../geo/geo-source';
import type {
  AllowRuleAdded,
  DetectionRerun,
  ExportedReport,
  ExportRequest,
} from '../../shared/triage-api';
import type {
  AllowRule,
  AllowRuleInput,
  AuditEntry,
  IncidentTriage,
  TriageChange,
} from '../../shared/triage';
import { listAllowRules } from '../triage/allow-rules';
import { allTriage, auditTrail, getTriage, updateTriage } from '../triage/triage-store';
import type { SiteChange, SiteModel } from '../../shared/site';
import { siteModel, changeSite } from './site-ops';
import type { StoreConnectRequest } from '../../shared/store'; // contract: store
import { StoreFlows, type ServerFlowStore } from '../flowstore/store-flows';

export interface ServiceOptions {
  ops: EngineOps;
  /** Folder holding sample/netsift-sample.csv.gz. */
  resourcesDir: string;
  /** DuckDB threads for the open case (the machine is shared). */
  threads?: number;
  /** Connections the workspace's queries share at most (query-lanes.ts); default 3. */
  queryConnections?: number;
}

const SAMPLE_FILE = 'sample/netsift-sample.csv.gz';
const UI_STATE_KEY = 'ui_state';

export class NetsiftService implements NetsiftApi {
  private store: CaseStore | null = null;
  /** The open case's pool of query connections (see lane()). */
  private lanes: QueryLanes | null = null;
  /** A read-ahead is queued or running (see readAhead()). */
  private readingAhead = false;
  private readonly listeners = new Set<(e: ServerEvent) => void>();
  /** Grid pages ahead of counts, charts and alerts (see grid-first.ts). */
  private readonly gridFirst = new GridFirst();
  private readonly prefetch = new IncidentPrefetch(this.gridFirst);
  private readonly registry = new JobRegistry((job) => this.publish({ type: 'job', job }));
  /** What the page may name on disk: the app's own folders and what the user granted. */
  private readonly grants = new PathGrants(() => [
    { dir: casesDir(), use: 'case' },
    { dir: homeDir('uploads'), use: 'read' },
  ]);
  private readonly uploads = new UploadStore(
    () => homeDir('uploads'),
    () => this.readSettings().uploadLimitBytes ?? DEFAULT_UPLOAD_LIMIT,
  );
  /** Counts, charts and first pages a newer request of the same tag replaces (supersede.ts). */
  private readonly supersede = new Supersede();
  /** The open case's flows on a ClickHouse server, when it names one (store-flows.ts). */
  private server: StoreFlows | null = null;

  constructor(private readonly opts: ServiceOptions) {}

  onEvent(l: (e: ServerEvent) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  private publish(e: ServerEvent): void {
    // a job (an import) may have written flows: cached results are read again (id-segments.ts)
    if (e.type === 'job' && this.store) forgetFlowsVersion(this.store.cacheScope);
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // a dead listener (closed stream) must not stop the others
      }
    }
  }

  private requireStore(): CaseStore {
    if (!this.store)
      throw new NetsiftError('no case is open: open a capture or a case first', 'usage');
    return this.store;
  }

  samplePath(): string {
    return path.join(this.opts.resourcesDir, SAMPLE_FILE);
  }

  /**
   * Runs fn on the open case through a connection of the query pool, in the queue of one kind
   * of query (grid pages, counts, charts, the scatter, host, read-ahead): a slow chart never holds up the
   * grid's next page, a request whose client went away is dropped or interrupted, and closing
   * the case waits for what runs (query-lanes.ts).
   */
  /**
   * Runs a query request the page tagged with `supersede` (src/shared/query.ts): a newer request
   * of the same tag aborts it (supersede.ts). The abort joins the request's own signal, which the
   * query lanes honour (queued: dropped; running: interrupted in DuckDB), over IPC as over HTTP.
   */
  private superseding<T>(tag: string | undefined, fn: () => Promise<T>): Promise<T> {
    return this.supersede.run(tag, (signal) => {
      if (!signal) return fn();
      const own = requestSignal();
      return withRequestSignal(own ? AbortSignal.any([own, signal]) : signal, fn);
    });
  }

  private lane<T>(
    name: LaneName,
    fn: (view: LaneView) => Promise<T>,
    opts?: RunOptions,
  ): Promise<T> {
    const store = this.requireStore();
    if (this.lanes?.store !== store) {
      // grid pages go first: other lanes wait (briefly) while pages are read before they take a
      // connection, as the cores are few (grid-first.ts)
      this.lanes = new QueryLanes(store, this.opts.queryConnections, (lane) =>
        lane === 'grid' ? Promise.resolve() : this.gridFirst.quiet(),
      );
      // the flows change only through this service's jobs: their version is kept between them
      keepFlowsVersion(store.cacheScope);
    }
    return this.lanes.run(name, fn, opts);
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
  private async closeStore(): Promise<void> {
    this.supersede.cancelAll();
    const store = this.store;
    const lanes = this.lanes;
    const server = this.server;
    this.store = null;
    this.lanes = null;
    this.server = null;
    await server?.close();
    await lanes?.close();
    await store?.closeWhenIdle();
  }

  // ---- paths the doors grant (not in the contract: see path-grants.ts) ----

  /**
   * Grants a file or folder the user chose outside the page: a native dialog or a drop (Electron
   * main), `serve --case X` or `--grant DIR` (the CLI). Returns its resolved path.
   */
  grant(p: string): string {
    return this.grants.grant(p);
  }

  /** The uploads kept under NETSIFT_HOME/uploads (the server's upload route stores into it). */
  uploadStore(): UploadStore {
    return this.uploads;
  }

  /**
   * At start (serve, the desktop app): uploads no case keeps, transfers that never completed, and
   * the temporary cases of `netsift analyze` runs that were killed.
   */
  sweepAtStart(): { uploads: string[]; temporaries: string[] } {
    return {
      uploads: this.uploads.sweep(0),
      temporaries: [...sweepStaleTempDirs(TEMP_PREFIX), ...sweepStaleTempDirs(CHECK_TEMP_PREFIX)],
    };
  }

  // ---- case ----

  async caseInfo(): Promise<CaseInfo | null> {
    if (!this.store) return null;
    const s = this.store;
    // a case whose flows are on a server: their figures from there (none while not connected)
    const onServer = this.server ? await this.server.figures() : null;
    const imports =
      onServer?.imports ??
      (await s.all<ImportRecord>('SELECT * EXCLUDE (details) FROM imports ORDER BY id'));
    const stats =
      onServer?.stats ??
      (await s.one<{ n: number; lo: string | null; hi: string | null }>(
        'SELECT count(*) AS n, min(ts) AS lo, max(ts) AS hi FROM flows',
      ));
    const inc = await s.one<{ n: number }>('SELECT count(*) AS n FROM incidents');
    const al = await s.one<{ n: number }>('SELECT count(*) AS n FROM alerts');
    const runs = await s.one<{ n: number }>('SELECT count(*) AS n FROM analysis_runs');
    return {
      id: caseId(s.path),
      path: s.path,
      name: caseName(s.path),
      flows: stats?.n ?? 0,
      imports,
      firstTs: stats?.lo ?? null,
      lastTs: stats?.hi ?? null,
      incidents: inc?.n ?? 0,
      alerts: al?.n ?? 0,
      analyzed: (runs?.n ?? 0) > 0,
      zones: caseZones(
        imports,
        await s.getSetting<Record<string, { source: CaseZone['source'] }>>(ZONES_KEY, {}),
      ),
      flowStore: this.server?.describe() ?? null, // contract: store
    };
  }

  /** The case file `ref` names: an entry of the case list (by id), or a granted path. */
  private resolveCase(ref: unknown): string {
    if (typeof ref !== 'string' || !ref)
      throw new NetsiftError('name a case by its id from the case list', 'usage');
    const known = findCase(ref, this.store?.path ?? null);
    if (known) return known.path;
    return this.grants.check(ref, 'case', 'case');
  }

  private refuseWhileRunning(): void {
    if (this.registry.running())
      throw new NetsiftError('a job is running; wait for it or cancel it first', 'usage');
  }

  async openCase(ref: string): Promise<CaseInfo> {
    const file = this.resolveCase(ref);
    if (!fs.existsSync(file)) throw new NetsiftError(`${ref}: no such case file`, 'input');
    if (this.store?.path === file) return (await this.caseInfo())!; // already open: nothing to switch
    this.refuseWhileRunning();
    return this.openFile(file);
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
    this.store = next;
    this.server = await StoreFlows.attach(next); // null for a case holding its own flows
    const info = (await this.caseInfo())!;
    rememberCase(info);
    this.publish({ type: 'case', info });
    return info;
  }

  /** Closes the open case, keeping its figures for the case list. */
  private async leaveCase(): Promise<void> {
    if (this.store) {
      const info = await this.caseInfo().catch(() => null);
      if (info) rememberCase(info);
    }
    await this.closeStore();
  }

  async createCase(nameOrPath: string): Promise<CaseInfo> {
    const file = this.caseFileFor(nameOrPath);
    if (fs.existsSync(file))
      throw new NetsiftError(
        `${caseName(file)}: a case of that name already exists; open it instead`,
        'input',
      );
    this.refuseWhileRunning();
    return this.openFile(file);
  }

  // contract: store
  /**
   * A new case (named `caseName`) whose flows are on a ClickHouse server, or the open case
   * connected to its server again (its password was not kept). A new case that cannot connect is
   * removed again: nothing is left behind by a wrong password.
   */
  async connectStore(req: StoreConnectRequest): Promise<CaseInfo> {
    if (!req || typeof req !== 'object' || typeof req.url !== 'string')
      throw new NetsiftError('connectStore needs a url', 'usage');
    this.refuseWhileRunning();
    if (req.caseName === undefined) {
      const store = this.requireStore();
      if (!this.server)
        throw new NetsiftError(
          `${caseName(store.path)} keeps its own flows; connect a server as a new case`,
          'usage',
        );
      await this.server.connect(req);
    } else {
      const file = this.caseFileFor(req.caseName);
      if (fs.existsSync(file))
        throw new NetsiftError(
          `${caseName(file)}: a case of that name already exists; choose another name`,
          'input',
        );
      const link = StoreFlows.check(req); // bad URL, password in it, bad variable: before any file
      await this.openFile(file);
      try {
        this.server = await StoreFlows.create(this.requireStore(), req, link);
      } catch (e) {
        await this.deleteCase(file).catch(() => undefined);
        throw e;
      }
    }
    const info = (await this.caseInfo())!;
    rememberCase(info);
    this.publish({ type: 'case', info });
    return info;
  }

  /** Detection's options for the open case: its server's flows when it has some. */
  private flowsFor(store: CaseStore): { flowStore?: ServerFlowStore } {
    if (!this.server || this.store !== store) return {};
    return { flowStore: this.server.connected() };
  }

  /** A bare name is a case under NETSIFT_HOME/cases; a path must be granted. */
  private caseFileFor(nameOrPath: unknown): string {
    if (typeof nameOrPath !== 'string' || !nameOrPath.trim())
      throw new NetsiftError('a case needs a name', 'usage');
    if (!/[\\/]/.test(nameOrPath))
      return path.join(casesDir(), `${safeCaseName(nameOrPath)}.duckdb`);
    return this.grants.check(
      nameOrPath.endsWith('.duckdb') ? nameOrPath : `${nameOrPath}.duckdb`,
      'case',
      'case',
    );
  }

  async closeCase(): Promise<void> {
    this.refuseWhileRunning(); // an import may be adding to the open case
    await this.leaveCase();
    this.publish({ type: 'case', info: null });
  }

  async recentCases(): Promise<RecentCase[]> {
    return listCases(this.store?.path ?? null);
  }

  async renameCase(ref: string, name: string): Promise<RecentCase[]> {
    const file = this.resolveCase(ref);
    if (!fs.existsSync(file)) throw new NetsiftError(`${ref}: no such case file`, 'input');
    this.refuseWhileRunning(); // a job may be writing this very case (a new one is listed already)
    const dest = path.join(path.dirname(file), `${safeCaseName(String(name ?? ''))}.duckdb`);
    if (dest === file) return this.recentCases();
    if (!this.grants.allows(dest, 'case'))
      throw new NetsiftError(
        `${dest}: forbidden: rename a case outside netsift's folders in your file manager`,
        'forbidden',
      );
    if (fs.existsSync(dest))
      throw new NetsiftError(`${caseName(dest)}: a case of that name already exists`, 'input');
    const wasOpen = this.store?.path === file;
    if (wasOpen) {
      await this.store!.run('CHECKPOINT');
      await this.leaveCase();
    }
    try {
      fs.renameSync(file, dest);
      if (fs.existsSync(`${file}.wal`)) fs.renameSync(`${file}.wal`, `${dest}.wal`);
    } catch (e) {
      if (wasOpen) await this.openFile(file);
      throw new NetsiftError(
        `${caseName(file)}: could not rename the case (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
        'case',
      );
    }
    caseMoved(file, dest);
    this.uploads.caseGone(file, dest);
    if (wasOpen) await this.openFile(dest);
    return this.recentCases();
  }

  async deleteCase(ref: string): Promise<RecentCase[]> {
    const file = this.resolveCase(ref);
    this.refuseWhileRunning(); // a job may be writing this very case (a new one is listed already)
    const entry = findCase(file, this.store?.path ?? null);
    if (this.store?.path === file) {
      await this.closeStore(); // not leaveCase: its figures are not to be remembered
      this.publish({ type: 'case', info: null });
    }
    if (entry?.managed ?? path.dirname(file) === realPath(casesDir())) {
      for (const f of [file, `${file}.wal`]) fs.rmSync(f, { force: true });
      this.uploads.caseGone(file);
    }
    forgetCase(file);
    return this.recentCases();
  }

  async grantedFolders(): Promise<string[]> {
    return this.grants.folders();
  }

  // ---- import jobs ----

  /** The files a request names: uploads by id, granted paths (a folder stands for its files). */
  private resolveSources(
    req: ImportRequest,
  ): (ImportInput & { source: ImportSource; upload: string | null; from: number })[] {
    if (!req || typeof req !== 'object' || !Array.isArray(req.sources) || !req.sources.length)
      throw new NetsiftError('no files to import', 'usage');
    const out: (ImportInput & { source: ImportSource; upload: string | null; from: number })[] = [];
    for (const [from, s] of (req.sources as unknown[]).entries()) {
      if (s && typeof s === 'object' && 'upload' in s) {
        const id = (s as { upload: unknown }).upload;
        const file = this.uploads.file(id);
        out.push({
          path: file,
          name: path.basename(file),
          bytes: fileSize(file),
          source: { upload: String(id) },
          upload: String(id),
          from,
        });
      } else if (s && typeof s === 'object' && 'path' in s) {
        const given = (s as { path: unknown }).path;
        const p = this.grants.check(given, 'file to import');
        if (!fs.existsSync(p)) throw new NetsiftError(`${String(given)}: no such file`, 'input');
        for (const f of expandInputs([p])) {
          const real = this.grants.check(f, 'file to import');
          out.push({
            path: real,
            name: path.basename(real),
            bytes: fileSize(real),
            source: { path: real },
            upload: this.uploads.idOf(real),
            from,
          });
        }
      } else throw new NetsiftError('each source is {path} or {upload}', 'usage');
    }
    return out;
  }

  async checkImport(req: ImportRequest): Promise<ImportCheck> {
    const inputs = this.resolveSources(req);
    const tz = checkTz(req.tz);
    const files: ImportFileCheck[] = [];
    for (const f of inputs) {
      const look = await lookAtFile(f.path, { format: req.format, tz });
      files.push({
        source: f.source,
        from: f.from,
        name: f.name,
        bytes: look.bytes,
        format: look.format,
        formatTitle: look.formatTitle,
        firstTs: look.firstTs,
        zoneless: look.zoneless,
        error: look.error,
      });
    }
    const info = req.target?.kind === 'open' ? await this.caseInfo() : null;
    const name = req.target?.kind === 'new' && req.target.name ? req.target.name : inputs[0].name;
    return {
      files,
      suggestedName: caseName(newCasePath(name)),
      warnings: info ? addWarnings(info, files) : [],
    };
  }

  async importFiles(req: ImportRequest): Promise<JobState> {
    const inputs = this.resolveSources(req);
    const tz = checkTz(req.tz);
    const target = req.target ?? { kind: 'new' };
    if (target.kind !== 'new' && target.kind !== 'open')
      throw new NetsiftError('an import goes into a new case or the open case', 'usage');
    this.refuseWhileRunning();
    if (target.kind === 'open') {
      const store = this.requireStore();
      if (this.server)
        throw new NetsiftError(
          `${caseName(store.path)}: its flows are on ${this.server.describe().location}; ` +
            'import into the server with netsift import FILE --store URL',
          'usage',
        );
      if (store.readOnly)
        throw new NetsiftError(
          `${store.path}: the case is open read-only; cannot import into it`,
          'case',
        );
      return this.startImport(inputs, { kind: 'open' }, tz, req.format, sourcesTitle(req, inputs));
    }
    const file = target.name
      ? path.join(casesDir(), `${safeCaseName(target.name)}.duckdb`)
      : newCasePath(inputs[0].name);
    if (fs.existsSync(file))
      throw new NetsiftError(
        `${caseName(file)}: a case of that name already exists; choose another name`,
        'input',
      );
    return this.startImport(
      inputs,
      { kind: 'new', file },
      tz,
      req.format,
      sourcesTitle(req, inputs),
    );
  }

  async discardUploads(ids: string[]): Promise<void> {
    if (!Array.isArray(ids))
      throw new NetsiftError('discardUploads takes a list of upload ids', 'usage');
    this.uploads.discard(ids);
  }

  /**
   * The one import job: into a new case file (imported on its own connection while the open case
   * stays open and untouched, then opened) or into the open case (the analyst chose to add).
   */
  private async startImport(
    inputs: (ImportInput & { upload: string | null })[],
    target: { kind: 'new'; file: string } | { kind: 'open' },
    tz: string | null,
    format: string | undefined,
    named = inputs.length === 1 ? inputs[0].name : `${inputs.length} files`,
  ): Promise<JobState> {
    const store =
      target.kind === 'open'
        ? this.requireStore()
        : await CaseStore.open(target.file, { threads: this.opts.threads });
    const unpin = inputs.filter((f) => f.upload).map((f) => this.uploads.pin(f.upload!));
    const title = `Import ${named}`;
    return this.registry.start('import', title, async (ctx) => {
      const t0 = Date.now();
      const dropNew = () => {
        if (target.kind !== 'new') return;
        store.close();
        for (const f of [target.file, `${target.file}.wal`]) fs.rmSync(f, { force: true });
      };
      try {
        let result;
        try {
          result = await new ImportRun(
            this.opts.ops,
            store,
            inputs,
            tz,
            format,
            ctx,
            {
              kind: target.kind,
              caseName: caseName(target.kind === 'new' ? target.file : store.path),
            },
            target.kind === 'new',
          ).run();
        } catch (e) {
          dropNew();
          throw e;
        }
        const failed = result.files
          .filter((f) => f.status === 'failed')
          .map((f) => ({ name: f.name, error: f.error ?? 'failed' }));
        if (!result.importIds.length) {
          dropNew();
          throw new NetsiftError(
            failed.map((f) => `${f.name}: ${f.error}`).join('\n') || 'nothing was imported',
            'input',
          );
        }
        const casePath = target.kind === 'new' ? target.file : store.path;
        for (const f of inputs) if (f.upload) this.uploads.markUsed(f.upload, casePath);
        let info: CaseInfo;
        if (target.kind === 'new') {
          store.close();
          info = await this.openFile(target.file);
        } else {
          info = (await this.caseInfo())!;
          rememberCase(info);
          this.publish({ type: 'case', info });
        }
        const rejects = await this.requireStore().one<{ n: number }>(
          'SELECT count(*) AS n FROM rejects',
        );
        return {
          caseId: info.id,
          caseName: info.name,
          casePath: info.path,
          target: target.kind,
          zones: jobZones(result.files),
          failed,
          imports: info.imports.filter((i) => result.importIds.includes(i.id)),
          flows: info.flows,
          added: result.added,
          rejects: rejects?.n ?? 0,
          firstTs: info.firstTs,
          lastTs: info.lastTs,
          incidents: info.incidents,
          seconds: (Date.now() - t0) / 1000,
        };
      } finally {
        for (const u of unpin) u();
      }
    });
  }

  async openSample(): Promise<JobState> {
    const sample = this.samplePath();
    if (!fs.existsSync(sample))
      throw new NetsiftError(`${sample}: the bundled sample capture is missing`, 'input');
    this.refuseWhileRunning();
    const casePath = path.join(casesDir(), 'netsift-sample.duckdb');
    if (fs.existsSync(casePath)) {
      // reopen the analysed sample instead of importing it again
      const info = await this.openFile(casePath);
      if (info.flows > 0 && info.analyzed)
        return this.registry.start('import', 'Open sample', async () => this.summary(info));
      await this.closeStore();
      fs.rmSync(casePath, { force: true });
      fs.rmSync(`${casePath}.wal`, { force: true });
    }
    this.saveAppSettings({ sampleOpened: true });
    return this.startImport(
      [{ path: sample, name: path.basename(sample), bytes: fileSize(sample), upload: null }],
      { kind: 'new', file: casePath },
      null,
      undefined,
    );
  }

  /** A summary of a case opened as it is (the sample, already analysed). */
  private async summary(info: CaseInfo): Promise<ImportSummaryView> {
    const rejects = await this.requireStore().one<{ n: number }>(
      'SELECT count(*) AS n FROM rejects',
    );
    return {
      caseId: info.id,
      caseName: info.name,
      casePath: info.path,
      target: 'new',
      zones: info.zones,
      failed: [],
      imports: info.imports,
      flows: info.flows,
      added: 0,
      rejects: rejects?.n ?? 0,
      firstTs: info.firstTs,
      lastTs: info.lastTs,
      incidents: info.incidents,
      seconds: 0,
    };
  }

  private async follow(job: Job<unknown>, ctx: StepContext, phase: string): Promise<unknown> {
    if (ctx.cancelled()) job.cancel();
    ctx.setCancel(() => job.cancel());
    const off = job.onProgress((p: JobProgress) =>
      ctx.progress({ ...p, phase: `${phase}: ${p.phase}` }),
    );
    try {
      return await job.result;
    } finally {
      off();
      ctx.setCancel(null);
    }
  }

  async jobs(): Promise<JobState[]> {
    return this.registry.list();
  }

  async job(id: string): Promise<JobState> {
    const j = this.registry.get(id);
    if (!j) throw new NetsiftError(`no job ${id}`, 'usage');
    return j;
  }

  async cancelJob(id: string): Promise<void> {
    this.registry.cancel(id);
  }

  async rejects(req: RejectsRequest): Promise<RejectsPage> {
    return rejectsPage(this.requireStore(), req);
  }

  // ---- flows (the query engine does the work) ----

  async flows(req: FlowsRequest): Promise<FlowsPage> {
    if (this.server) return this.onServer(req.supersede, (f, o) => f.queryFlows(req, o));
    const page = await this.superseding(req.supersede, () =>
      this.lane('grid', (grid) => this.gridFirst.page(() => queryFlows(grid, req))),
    );
    this.readAhead();
    return page;
  }

  /** After a page: what the next clicks will need, in the background (best effort). */
  private readAhead(): void {
    if (this.readingAhead || !this.store) return;
    this.readingAhead = true;
    const onLane = <T>(fn: (s: CaseStore) => Promise<T>) =>
      this.lane('prefetch', fn, { background: true });
    void onLane(warmPaging)
      .then(() => this.prefetch.run(this.requireStore().cacheScope, onLane))
      .catch(() => undefined) // a click reads the page itself
      .finally(() => (this.readingAhead = false));
  }

  async countFlows(req: CountRequest): Promise<number> {
    if (this.server) return this.onServer(req.supersede, (f, o) => f.countFlows(req, o));
    return this.superseding(req.supersede, () =>
      this.lane('count', (lane) => countFlows(lane, req)),
    );
  }

  async cancelQueries(tags: string[]): Promise<void> {
    if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string'))
      throw new NetsiftError('cancelQueries takes a list of tags', 'usage');
    this.supersede.cancel(tags);
  }

  async checkFilter(text: string): Promise<FilterCheck> {
    return checkFilter(text);
  }

  // ---- incidents ----

  async incidents(): Promise<Incident[]> {
    const rows = await this.requireStore().all<Incident & { evidence: string }>(
      'SELECT * EXCLUDE (run_id) FROM incidents ORDER BY score DESC, id',
    );
    return rows.map((r) => ({ ...r, evidence: parseJson(r.evidence) }));
  }

  async alerts(incidentId: number): Promise<Alert[]> {
    const store = this.requireStore();
    const rows = await this.gridFirst.background(() =>
      store.all<Alert & { evidence: string; features: string }>(
        'SELECT * EXCLUDE (run_id) FROM alerts WHERE incident_id = $1 ORDER BY score DESC, id',
        [incidentId],
      ),
    );
    return rows.map((r) => ({
      ...r,
      evidence: parseJson(r.evidence),
      features: parseJson(r.features),
    }));
  }

  // ---- charts ----

  async timeline(req: TimelineRequest): Promise<Timeline> {
    if (this.server) return this.onServer(req.supersede, (f, o) => f.timeline(req, o));
    return this.superseding(req.supersede, () =>
      this.lane('charts', (lane) => timeline(lane, req)),
    );
  }

  async topTalkers(req: TopTalkersRequest): Promise<TopTalker[]> {
    if (this.server) return this.onServer(req.supersede, (f, o) => f.topTalkers(req, o));
    return this.superseding(req.supersede, () =>
      this.lane('charts', (lane) => topTalkers(lane, req)),
    );
  }

  async dstPorts(req: PortDistributionRequest): Promise<PortBucket[]> {
    if (this.server) return this.onServer(req.supersede, (f, o) => f.portDistribution(req, o));
    return this.superseding(req.supersede, () =>
      this.lane('charts', (lane) => portDistribution(lane, req)),
    );
  }

  async pairScatter(req: PairScatterRequest): Promise<PairScatter> {
    if (this.server) return this.onServer(req.supersede, (f, o) => f.pairScatter(req, o));
    return this.superseding(req.supersede, () =>
      this.lane('scatter', (lane) => pairScatter(lane, req)),
    );
  }

  async host(ip: string): Promise<HostSummary> {
    if (this.server) return this.onServer(undefined, (f, o) => f.hostSummary(ip, o));
    return this.lane('host', (lane) => hostSummary(lane, ip));
  }

  /** A flow read on the open case's server (its request and supersede signals cancel it there). */
  private onServer<T>(
    tag: string | undefined,
    fn: (flows: ServerFlowStore, o: { signal?: AbortSignal }) => Promise<T>,
  ): Promise<T> {
    const server = this.server!;
    return this.superseding(tag, () => fn(server.connected(), { signal: requestSignal() }));
  }

  // ---- settings ----

  async uiState(): Promise<UiState> {
    if (!this.store) return {};
    return this.store.getSetting<UiState>(UI_STATE_KEY, {});
  }

  async saveUiState(state: UiState): Promise<void> {
    if (!this.store || this.store.readOnly) return;
    await this.store.setSetting(UI_STATE_KEY, state);
  }

  async appSettings(): Promise<AppSettings> {
    return this.readSettings();
  }

  private readSettings(): AppSettings {
    return readJson<AppSettings>(path.join(serviceHome(), 'app-settings.json'), {});
  }

  saveAppSettings(s: AppSettings): void {
    const file = path.join(serviceHome(), 'app-settings.json');
    writeJson(file, { ...readJson<AppSettings>(file, {}), ...s });
  }

  // ---- feeds ----

  private feedOps() {
    const f = this.opts.ops.feeds;
    if (!f)
      throw new NetsiftError('threat-intel feeds are not available in this build', 'internal');
    return f;
  }

  async feeds(): Promise<FeedStatus[]> {
    return this.feedOps().list();
  }

  async refreshFeeds(ids?: string[]): Promise<FeedStatus[]> {
    return this.refreshThenRematch(() => this.feedOps().refresh(ids));
  }

  /** Start-up and timer refresh (Electron main): only the feeds that are due. Not in the contract. */
  async refreshDueFeeds(): Promise<FeedStatus[]> {
    const ops = this.feedOps();
    return this.refreshThenRematch(() => (ops.refreshDue ? ops.refreshDue() : Promise.resolve()));
  }

  /**
   * A refresh that changed a list is matched again on the open case at once: the blacklist
   * detector alone, on the flows already imported (the runner keeps the other detectors' alerts).
   */
  private async refreshThenRematch(refresh: () => Promise<unknown>): Promise<FeedStatus[]> {
    const versions = (l: FeedStatus[]) =>
      JSON.stringify(l.map((f) => [f.id, f.enabled, f.current?.sha256 ?? null]));
    const before = versions(await this.feeds());
    await refresh();
    const after = await this.feeds();
    const store = this.store;
    if (store && versions(after) !== before && !this.registry.running()) {
      const job = this.opts.ops.runDetection(store, {
        only: ['blacklist'],
        ...this.flowsFor(store),
      });
      if (job) {
        await job.result;
        const info = await this.caseInfo();
        if (info) this.publish({ type: 'case', info });
      }
    }
    return after;
  }

  async setFeedEnabled(id: string, enabled: boolean): Promise<FeedStatus[]> {
    await this.feedOps().setEnabled(id, enabled);
    return this.feeds();
  }

  async addFeed(spec: FeedAddRequest): Promise<FeedStatus[]> {
    // a list file must be one the user granted, like any other path the page names
    if (spec && typeof spec === 'object' && spec.file != null)
      spec = { ...spec, file: this.grants.check(spec.file, 'feed file') };
    await this.feedOps().add(spec);
    return this.feeds();
  }

  async removeFeed(id: string): Promise<FeedStatus[]> {
    await this.feedOps().remove(id);
    return this.feeds();
  }

  // ---- triage, allow rules, reports, save as (src/engine/service/triage-ops.ts) ----

  async triage(key: string): Promise<IncidentTriage> {
    return getTriage(this.requireStore(), key);
  }

  async triageAll(): Promise<IncidentTriage[]> {
    return [...(await allTriage(this.requireStore())).values()];
  }

  async updateTriage(key: string, change: TriageChange): Promise<IncidentTriage> {
    return updateTriage(this.requireStore(), key, change);
  }

  async auditTrail(key: string): Promise<AuditEntry[]> {
    return auditTrail(this.requireStore(), key);
  }

  async allowRules(): Promise<AllowRule[]> {
    return listAllowRules(this.requireStore());
  }

  async addAllowRule(input: AllowRuleInput): Promise<AllowRuleAdded> {
    return triageOps.addRule(this.requireStore(), input);
  }

  async removeAllowRule(id: number): Promise<AllowRule[]> {
    return triageOps.removeRule(this.requireStore(), id);
  }

  /** Detection again (allow rules apply), as a job others see; answers when it is done. */
  async rerunDetection(): Promise<DetectionRerun> {
    const store = this.requireStore();
    if (this.registry.running())
      throw new NetsiftError('a job is running; wait for it or cancel it first', 'usage');
    const t0 = Date.now();
    let result: DetectionRerun | null = null;
    const started = this.registry.start('detect', 'Re-run detection', async (ctx) => {
      const job = this.opts.ops.runDetection(store, this.flowsFor(store));
      if (!job) throw new NetsiftError('detection is not available in this build', 'internal');
      await this.follow(job, ctx, 'analyse');
      result = await triageOps.finishRerun(store, job, t0);
      const info = await this.caseInfo();
      if (info) this.publish({ type: 'case', info });
      return null;
    });
    // answer once the registry has marked the job finished, so the next job may start at once
    return new Promise<DetectionRerun>((resolve, reject) => {
      const off = this.onEvent((e) => {
        if (e.type !== 'job' || e.job.id !== started.id || e.job.status === 'running') return;
        off();
        if (e.job.status === 'done' && result) resolve(result);
        else
          reject(
            new NetsiftError(
              `detection ${e.job.status}: ${e.job.error ?? 'no result'}`,
              e.job.status === 'cancelled' ? 'cancelled' : 'internal',
            ),
          );
      });
    });
  }

  async exportReport(req: ExportRequest): Promise<ExportedReport> {
    const info = await this.caseInfo();
    return triageOps.exportToHome(this.requireStore(), info?.name ?? 'case', req);
  }

  /** The desktop app's File > Export: the analyst chose the file. Not part of the contract. */
  async exportReportTo(out: string, req: ExportRequest): Promise<ExportedReport> {
    return triageOps.exportReportTo(this.requireStore(), out, req);
  }

  /** The HTML report (Electron prints it with webContents.printToPDF). Not part of the contract. */
  async reportHtml(req: Omit<ExportRequest, 'format'>): Promise<string> {
    return triageOps.reportHtml(this.requireStore(), req);
  }

  // ---- address context (src/engine/service/context-ops.ts) ----

  async hostContext(ip: string): Promise<HostContext> {
    return this.lane('host', async (lane) => hostContext(await lane.connection(), ip));
  }

  async geoOf(ips: string[]): Promise<GeoInfo[]> {
    if (!Array.isArray(ips) || ips.length > 5000)
      throw new NetsiftError('geoOf takes up to 5000 addresses', 'usage');
    return this.lane('host', async (lane) => caseGeo(await lane.connection(), ips.map(String)));
  }

  async namesAt(items: { ip: string; at: string }[]): Promise<Record<string, string[]>> {
    return this.lane('host', async (lane) => namesAt(await lane.connection(), items));
  }

  async addressesOfName(req: NameLookupRequest): Promise<DnsName[]> {
    return this.lane('host', async (lane) => addressesOf(await lane.connection(), req));
  }

  async contextStatus(): Promise<ContextStatus> {
    return this.lane('host', async (lane) => contextStatus(await lane.connection()));
  }

  async topGeo(req: TopGeoRequest): Promise<TopGeoRow[]> {
    return this.lane('charts', (lane) => topGeo(lane, req));
  }

  async geoSources(): Promise<GeoSourceInfo> {
    return geoSourceInfo();
  }

  async exportPackets(req: PacketExportRequest): Promise<PacketExportResult> {
    const info = await this.caseInfo();
    return exportPacketsToHome(this.requireStore(), info?.name ?? 'case', req);
  }

  // ---- site model (src/engine/service/site-ops.ts) ----

  async site(): Promise<SiteModel> {
    return siteModel(this.requireStore());
  }

  /** New internal networks, then detection again (as rerunDetection) when the case was analysed. */
  async setSite(internal: string[] | null): Promise<SiteChange> {
    const store = this.requireStore();
    this.refuseWhileRunning();
    const analysed = await changeSite(store, internal);
    const rerun = analysed ? await this.rerunDetection() : null;
    return { site: await siteModel(store), rerun };
  }

  /** A copy of the open case: a bare name goes under NETSIFT_HOME/cases, a path must be granted. */
  async saveCaseAs(dest: string): Promise<CaseInfo> {
    const file = this.caseFileFor(dest);
    this.refuseWhileRunning();
    const src = this.requireStore().path;
    const info = await triageOps.saveCaseAs(
      this.requireStore(),
      file,
      () => this.closeStore(),
      (f) => this.openFile(f),
    );
    this.uploads.caseCopied(src, info.path);
    return info;
  }
}

function parseJson<T>(v: unknown): T {
  return (typeof v === 'string' ? JSON.parse(v) : v) as T;
}

function fileSize(p: string): number {
  try {
    return fs.statSync(p).size;
  } catch {
    return 0;
  }
}

/** What the analyst picked, in a word: the file or folder when one, else how many. */
function sourcesTitle(req: ImportRequest, inputs: ImportInput[]): string {
  if (req.sources.length !== 1) return `${req.sources.length} files`;
  const s = req.sources[0];
  return 'path' in s && typeof s.path === 'string' ? path.basename(s.path) : inputs[0].name;
}
