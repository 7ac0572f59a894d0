// The one implementation of the service contract (src/shared/api.ts) over a CaseStore. The
// Electron main process and the loopback HTTP server both call it; neither adds logic of its own.
import fs from 'node:fs';
import path from 'node:path';
import type {
  AppSettings,
  CaseInfo,
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
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Job } from '../jobs/job';
import { CaseStore } from '../store/case-store';
import { NetsiftError } from '../store/errors';
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
import { homeDir, readJson, serviceHome, writeJson } from './home';
import { GridFirst } from './grid-first';
import { IncidentPrefetch } from './incident-prefetch';
import { JobRegistry, type StepContext } from './job-registry';
import { Supersede } from './supersede';
import * as triageOps from './triage-ops';
import type { AllowRuleAdded, DetectionRerun, ExportedReport, ExportRequest } from '../../shared/triage-api';
import type { AllowRule, AllowRuleInput, AuditEntry, IncidentTriage, TriageChange } from '../../shared/triage';
import { listAllowRules } from '../triage/allow-rules';
import { allTriage, auditTrail, getTriage, updateTriage } from '../triage/triage-store';

export interface ServiceOptions {
  ops: EngineOps;
  /** Folder holding sample/netsift-sample.csv.gz. */
  resourcesDir: string;
  /** DuckDB threads for the open case (the machine is shared). */
  threads?: number;
}

const SAMPLE_FILE = 'sample/netsift-sample.csv.gz';
const UI_STATE_KEY = 'ui_state';

export class NetsiftService implements NetsiftApi {
  private store: CaseStore | null = null;
  /** Extra connections on the open case, one per kind of query (see lane()). */
  private lanes = new Map<string, Promise<CaseStore>>();
  private laneConns: DuckDBConnection[] = [];
  private readonly listeners = new Set<(e: ServerEvent) => void>();
  /** Grid pages ahead of counts, charts and alerts (see grid-first.ts). */
  private readonly gridFirst = new GridFirst();
  private readonly prefetch = new IncidentPrefetch(this.gridFirst);
  private readonly registry = new JobRegistry((job) => this.publish({ type: 'job', job }));
  /** Counts, charts and first pages a newer request of the same tag replaces (supersede.ts). */
  private readonly supersede = new Supersede();

  constructor(private readonly opts: ServiceOptions) {}

  onEvent(l: (e: ServerEvent) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  private publish(e: ServerEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // a dead listener (closed stream) must not stop the others
      }
    }
  }

  private requireStore(): CaseStore {
    if (!this.store) throw new NetsiftError('no case is open: open a capture or a case first', 'usage');
    return this.store;
  }

  samplePath(): string {
    return path.join(this.opts.resourcesDir, SAMPLE_FILE);
  }

  /**
   * The open case seen through its own connection for one kind of query. Queries on one DuckDB
   * connection run one after another, so a slow chart would hold up the grid's next page; each
   * lane (grid pages, counts, charts, host) gets its own connection and they run side by side.
   */
  private lane(name: 'grid' | 'count' | 'charts' | 'host' | 'prefetch'): Promise<CaseStore> {
    const store = this.requireStore();
    let l = this.lanes.get(name);
    if (!l) {
      l = store.connect().then((conn) => {
        if (this.store !== store) {
          conn.closeSync(); // the case was closed meanwhile
          throw new NetsiftError('the case was closed', 'usage');
        }
        this.laneConns.push(conn);
        return Object.create(store, { conn: { value: conn } }) as CaseStore;
      });
      this.lanes.set(name, l);
      l.catch(() => this.lanes.delete(name));
    }
    return l;
  }

  close(): void {
    this.supersede.cancelAll();
    for (const c of this.laneConns) {
      try {
        c.closeSync();
      } catch {
        // already closed
      }
    }
    this.laneConns = [];
    this.lanes.clear();
    this.store?.close();
    this.store = null;
  }

  // ---- case ----

  async caseInfo(): Promise<CaseInfo | null> {
    if (!this.store) return null;
    const s = this.store;
    const imports = await s.all<ImportRecord>('SELECT * EXCLUDE (details) FROM imports ORDER BY id');
    const stats = await s.one<{ n: number; lo: string | null; hi: string | null }>(
      'SELECT count(*) AS n, min(ts) AS lo, max(ts) AS hi FROM flows',
    );
    const inc = await s.one<{ n: number }>('SELECT count(*) AS n FROM incidents');
    const al = await s.one<{ n: number }>('SELECT count(*) AS n FROM alerts');
    const runs = await s.one<{ n: number }>('SELECT count(*) AS n FROM analysis_runs');
    return {
      path: s.path,
      name: path.basename(s.path).replace(/\.duckdb$/, ''),
      flows: stats?.n ?? 0,
      imports,
      firstTs: stats?.lo ?? null,
      lastTs: stats?.hi ?? null,
      incidents: inc?.n ?? 0,
      alerts: al?.n ?? 0,
      analyzed: (runs?.n ?? 0) > 0,
    };
  }

  async openCase(file: string): Promise<CaseInfo> {
    if (!file.endsWith('.duckdb') && !fs.existsSync(file))
      throw new NetsiftError(`${file}: no such case file`, 'input');
    if (this.registry.running()) throw new NetsiftError('a job is running; wait for it or cancel it first', 'usage');
    const next = await CaseStore.open(file, { threads: this.opts.threads });
    this.close();
    this.store = next;
    const info = (await this.caseInfo())!;
    this.remember(info);
    this.publish({ type: 'case', info });
    return info;
  }

  async createCase(file: string): Promise<CaseInfo> {
    if (fs.existsSync(file)) throw new NetsiftError(`${file}: already exists; open it instead`, 'input');
    return this.openCase(file);
  }

  async closeCase(): Promise<void> {
    this.close();
    this.publish({ type: 'case', info: null });
  }

  async recentCases(): Promise<RecentCase[]> {
    const list = readJson<RecentCase[]>(path.join(serviceHome(), 'recent.json'), []);
    return list.filter((r) => fs.existsSync(r.path));
  }

  private remember(info: CaseInfo): void {
    const file = path.join(serviceHome(), 'recent.json');
    const list = readJson<RecentCase[]>(file, []).filter((r) => r.path !== info.path);
    list.unshift({ path: info.path, name: info.name, openedAt: new Date().toISOString(), flows: info.flows });
    writeJson(file, list.slice(0, 12));
  }

  // ---- import jobs ----

  async importFiles(paths: string[], casePath?: string): Promise<JobState> {
    if (!paths.length) throw new NetsiftError('no files to import', 'usage');
    for (const p of paths) if (!fs.existsSync(p)) throw new NetsiftError(`${p}: no such file`, 'input');
    if (this.registry.running()) throw new NetsiftError('a job is running; wait for it or cancel it first', 'usage');
    let target = casePath;
    if (!target && !this.store) {
      const base = path.basename(paths[0]).replace(/\.(gz|csv|log|txt|json|ndjson|binetflow|pcap|nfcapd)/gi, '');
      const stamp = new Date().toISOString().replace(/[-:]/g, '').slice(0, 15);
      target = path.join(homeDir('cases'), `${base.replace(/[^\w.-]+/g, '_') || 'case'}-${stamp}.duckdb`);
    }
    if (target && target !== this.store?.path) await this.openCase(target);
    const title = paths.length === 1 ? path.basename(paths[0]) : `${paths.length} files`;
    return this.registry.start('import', `Import ${title}`, (ctx) => this.importAndAnalyze(paths, ctx));
  }

  async openSample(): Promise<JobState> {
    const sample = this.samplePath();
    if (!fs.existsSync(sample)) throw new NetsiftError(`${sample}: the bundled sample capture is missing`, 'input');
    const casePath = path.join(homeDir('cases'), 'netsift-sample.duckdb');
    if (fs.existsSync(casePath)) {
      // reopen the analysed sample instead of importing it again
      const info = await this.openCase(casePath);
      if (info.flows > 0 && info.analyzed)
        return this.registry.start('import', 'Open sample', async () => this.summary(info, 0));
      this.close();
      fs.rmSync(casePath, { force: true });
      fs.rmSync(`${casePath}.wal`, { force: true });
    }
    const settingsFile = path.join(serviceHome(), 'app-settings.json');
    writeJson(settingsFile, { ...readJson<AppSettings>(settingsFile, {}), sampleOpened: true });
    return this.importFiles([sample], casePath);
  }

  private async importAndAnalyze(paths: string[], ctx: StepContext): Promise<ImportSummaryView> {
    const store = this.requireStore();
    const t0 = Date.now();
    await this.follow(this.opts.ops.importFiles(store, paths), ctx, 'import');
    const detection = this.opts.ops.runDetection(store);
    if (detection) await this.follow(detection, ctx, 'analyse');
    const info = (await this.caseInfo())!;
    this.remember(info);
    this.publish({ type: 'case', info });
    return this.summary(info, (Date.now() - t0) / 1000);
  }

  private async follow(job: Job<unknown>, ctx: StepContext, phase: string): Promise<unknown> {
    if (ctx.cancelled()) job.cancel();
    ctx.setCancel(() => job.cancel());
    const off = job.onProgress((p: JobProgress) => ctx.progress({ ...p, phase: `${phase}: ${p.phase}` }));
    try {
      return await job.result;
    } finally {
      off();
      ctx.setCancel(null);
    }
  }

  private async summary(info: CaseInfo, seconds: number): Promise<ImportSummaryView> {
    const rejects = await this.requireStore().one<{ n: number }>('SELECT count(*) AS n FROM rejects');
    return {
      casePath: info.path,
      imports: info.imports,
      flows: info.flows,
      rejects: rejects?.n ?? 0,
      firstTs: info.firstTs,
      lastTs: info.lastTs,
      incidents: info.incidents,
      seconds,
    };
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
    const grid = await this.lane('grid');
    const page = await this.supersede.run(req.supersede, (signal) =>
      this.gridFirst.page(() => queryFlows(grid, req, { signal })),
    );
    void warmPaging(grid).catch(() => undefined); // best effort; a page computes it anyway
    void this.lane('prefetch')
      .then((lane) => this.prefetch.run(lane))
      .catch(() => undefined); // best effort: a click reads the page itself
    return page;
  }

  async countFlows(req: CountRequest): Promise<number> {
    const lane = await this.lane('count');
    return this.supersede.run(req.supersede, (signal) =>
      this.gridFirst.background(() => countFlows(lane, req, { signal })),
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
    return rows.map((r) => ({ ...r, evidence: parseJson(r.evidence), features: parseJson(r.features) }));
  }

  // ---- charts ----

  async timeline(req: TimelineRequest): Promise<Timeline> {
    const lane = await this.lane('charts');
    return this.supersede.run(req.supersede, (signal) =>
      this.gridFirst.background(() => timeline(lane, req, { signal })),
    );
  }

  async topTalkers(req: TopTalkersRequest): Promise<TopTalker[]> {
    const lane = await this.lane('charts');
    return this.supersede.run(req.supersede, (signal) =>
      this.gridFirst.background(() => topTalkers(lane, req, { signal })),
    );
  }

  async dstPorts(req: PortDistributionRequest): Promise<PortBucket[]> {
    const lane = await this.lane('charts');
    return this.supersede.run(req.supersede, (signal) =>
      this.gridFirst.background(() => portDistribution(lane, req, { signal })),
    );
  }

  async pairScatter(req: PairScatterRequest): Promise<PairScatter> {
    const lane = await this.lane('charts');
    return this.supersede.run(req.supersede, (signal) =>
      this.gridFirst.background(() => pairScatter(lane, req, { signal })),
    );
  }

  async host(ip: string): Promise<HostSummary> {
    const lane = await this.lane('host');
    return this.gridFirst.background(() => hostSummary(lane, ip));
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
    return readJson<AppSettings>(path.join(serviceHome(), 'app-settings.json'), {});
  }

  saveAppSettings(s: AppSettings): void {
    const file = path.join(serviceHome(), 'app-settings.json');
    writeJson(file, { ...readJson<AppSettings>(file, {}), ...s });
  }

  // ---- feeds ----

  private feedOps() {
    const f = this.opts.ops.feeds;
    if (!f) throw new NetsiftError('threat-intel feeds are not available in this build', 'internal');
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
    const versions = (l: FeedStatus[]) => JSON.stringify(l.map((f) => [f.id, f.enabled, f.current?.sha256 ?? null]));
    const before = versions(await this.feeds());
    await refresh();
    const after = await this.feeds();
    const store = this.store;
    if (store && versions(after) !== before && !this.registry.running()) {
      const job = this.opts.ops.runDetection(store, { only: ['blacklist'] });
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
    if (this.registry.running()) throw new NetsiftError('a job is running; wait for it or cancel it first', 'usage');
    const t0 = Date.now();
    let result: DetectionRerun | null = null;
    const started = this.registry.start('detect', 'Re-run detection', async (ctx) => {
      const job = this.opts.ops.runDetection(store);
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
        else reject(new NetsiftError(`detection ${e.job.status}: ${e.job.error ?? 'no result'}`, e.job.status === 'cancelled' ? 'cancelled' : 'internal'));
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

  async saveCaseAs(dest: string): Promise<CaseInfo> {
    if (this.registry.running()) throw new NetsiftError('a job is running; wait for it or cancel it first', 'usage');
    return triageOps.saveCaseAs(this.requireStore(), dest, () => this.close(), (f) => this.openCase(f));
  }
}

function parseJson<T>(v: unknown): T {
  return (typeof v === 'string' ? JSON.parse(v) : v) as T;
}
