// The one service contract between the renderer and the engine. Implemented once in
// src/engine/service; carried over Electron IPC (src/main + src/preload) or over the loopback HTTP
// server (src/cli/server). Everything here must survive JSON.
import type { CaseFlowStore, StoreConnectRequest } from './store'; // contract: store
import type { FeedAddRequest, FeedStatus } from './feeds';
import type { Alert, FlowSelector, ImportRecord, Incident, JobProgress, JobStatus } from './model';
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
} from './query';
import type { AllowRuleAdded, DetectionRerun, ExportedReport, ExportRequest } from './triage-api';
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
} from './context';
import type { SiteChange, SiteModel } from './site';
import type {
  AllowRule,
  AllowRuleInput,
  AuditEntry,
  IncidentTriage,
  TriageChange,
  TriageStatus,
} from './triage';

export interface CaseInfo {
  /** The case's entry in the case list (recentCases); the page names cases by it. */
  id: string;
  path: string;
  name: string;
  flows: number;
  imports: ImportRecord[];
  firstTs: string | null;
  lastTs: string | null;
  incidents: number;
  alerts: number;
  /** Detection has run at least once on this case. */
  analyzed: boolean;
  /** How the imports' timestamps were placed in time (the header shows an assumed zone). */
  zones: CaseZone[];
  /** contract: store. Where the flows live when not in the case file (null: in it). */
  flowStore?: CaseFlowStore | null;
}

/** The zone applied to an import's timestamps, and whether the file said it or it was assumed. */
export interface CaseZone {
  zone: string;
  /**
   * 'file': the timestamps carry their zone (epoch seconds, an offset): nothing was assumed.
   * 'chosen': they carry none and the analyst chose this zone at import.
   * 'assumed': they carry none and nobody chose: read as this zone (UTC) by default.
   * 'unknown': imported before netsift recorded it (e.g. by the CLI) with this --tz.
   */
  source: 'file' | 'chosen' | 'assumed' | 'unknown';
  files: string[];
}

/** One case of the list Home shows (cases kept under NETSIFT_HOME/cases and cases opened before). */
export interface RecentCase {
  /** Stable id: openCase, renameCase and deleteCase take it. */
  id: string;
  path: string;
  name: string;
  /** Last opened in netsift; null for a kept case never opened. */
  openedAt: string | null;
  /** Flows and span as of the last time netsift had it open (null when never opened). */
  flows: number | null;
  firstTs: string | null;
  lastTs: string | null;
  /** Size on disk (case file and its write-ahead log). */
  bytes: number;
  /** Kept in netsift's own cases folder: delete removes the file; elsewhere it only leaves the list. */
  managed: boolean;
  /** The open case. */
  open: boolean;
}

/** A file uploaded to the loopback server (browser mode); imports name it by id. */
export interface UploadInfo {
  id: string;
  name: string;
  bytes: number;
}

/** Where a file to import comes from: a path (Electron: chosen or dropped; granted) or an upload. */
export type ImportSource = { path: string } | { upload: string };

/**
 * Where imported flows go. A new case (named after the first file unless a name is given) is the
 * default; adding to the open case happens only when the analyst chose it.
 */
export type ImportTarget = { kind: 'new'; name?: string } | { kind: 'open' };

export interface ImportRequest {
  sources: ImportSource[];
  target?: ImportTarget;
  /**
   * Zone of timestamps that carry none (IANA name). Absent or null: as the format says; where it
   * says nothing, UTC is assumed and the summary and the header say so.
   */
  tz?: string | null;
  /** 'auto' (default) or a format id. */
  format?: string;
}

/** What an import would do, before it runs (checkImport). */
export interface ImportCheck {
  files: ImportFileCheck[];
  /** The name a new case would get. */
  suggestedName: string;
  /** For adding to the open case: time ranges far apart, another format. Empty when all is well. */
  warnings: string[];
}

export interface ImportFileCheck {
  /** The source as the import takes it (a folder is listed file by file). */
  source: ImportSource;
  /** Which of the request's sources it came from (a folder gives several files). */
  from: number;
  name: string;
  bytes: number;
  format: string | null;
  formatTitle: string | null;
  /** First timestamp of the file's first lines (UTC, read with the chosen or default zone). */
  firstTs: string | null;
  /** The timestamps carry no zone (null: could not tell). */
  zoneless: boolean | null;
  /** Why this file cannot be imported (not a flow file...); never quotes its content. */
  error: string | null;
}

export type ImportFileStatus =
  'waiting' | 'reading' | 'validating' | 'writing' | 'done' | 'failed' | 'rolled-back';

/** One file of an import job as it goes. */
export interface ImportFileState {
  name: string;
  bytes: number;
  status: ImportFileStatus;
  /** Bytes of the file read so far. */
  read: number;
  format: string | null;
  flows: number | null;
  rejects: number | null;
  /** Timestamps without zone were read in `tz` (see CaseZone.source). */
  zone: CaseZone['source'] | null;
  tz: string;
  error: string | null;
}

/** An import job's progress: stage, bytes, rows and an estimate that is never 0 while work remains. */
export interface ImportProgressView {
  /** Where the flows go: a new case, or the open case the analyst chose to add to. */
  target: { kind: 'new' | 'open'; caseName: string };
  stage: 'read' | 'validate' | 'write' | 'context' | 'analyse' | 'finish' | 'rollback';
  /** Index of the file being worked on. */
  current: number | null;
  files: ImportFileState[];
  bytesRead: number;
  bytesTotal: number;
  /** Flows written so far (files done). */
  flows: number;
  /** 0..1 over the whole job (import and analysis); 1 only when the job is done. */
  fraction: number;
  elapsedSeconds: number;
  /**
   * Seconds left until the flows are in the case, from the rate so far; null while there is no
   * honest estimate (analysis, the first moments, or under two seconds: "finishing").
   */
  etaSeconds: number | null;
  analyse: { step: string; done: number; total: number } | null;
}

/** A long job as the UI sees it (import + analysis, feed refresh). */
export interface JobState {
  id: string;
  kind: string;
  title: string;
  status: JobStatus;
  progress: JobProgress | null;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
  /** For an import job: what it imported, when done. */
  summary: ImportSummaryView | null;
  /** For an import job: its files and stage as it runs (and how it ended). */
  import?: ImportProgressView | null;
}

export interface ImportSummaryView {
  caseId: string;
  caseName: string;
  casePath: string;
  /** 'new': the flows went into a new case; 'open': they were added to the case that was open. */
  target: 'new' | 'open';
  /** The zones the files' timestamps were read in (an assumed zone is said so). */
  zones: CaseZone[];
  /** Files that could not be imported (each left the case unchanged). */
  failed: { name: string; error: string }[];
  /** This job's imports (for an addition, only the files it added). */
  imports: ImportRecord[];
  /** Flows in the case now. */
  flows: number;
  /** Flows this job wrote. */
  added: number;
  rejects: number;
  firstTs: string | null;
  lastTs: string | null;
  incidents: number;
  seconds: number;
}

/** Renderer state saved in the case so it reopens as it was left. */
export interface UiState {
  selectedIncidentId?: number | null;
  /** The selected incident's stable key (ids are renumbered by each detection run). */
  selectedIncidentKey?: string | null;
  /** The alert drilled to within the selected incident (its id in the latest run). */
  selectedAlertId?: number | null;
  /** A narrowing picked on a chart or the graph (a host, a port, a pair), shown as a chip. */
  drill?: { label: string; selector: FlowSelector } | null;
  filter?: string;
  filterHistory?: string[];
  range?: { from: string; to: string } | null;
  tab?: string;
  /** Pane sizes in CSS pixels, as the analyst dragged them. */
  panes?: PaneSizes;
  /** Columns the analyst hid, per grid ('incidents', 'alerts', 'flows'). */
  hiddenColumns?: Record<string, string[]>;
  /** Triage statuses the incident list shows (absent: all but closed and false positives). */
  statuses?: TriageStatus[];
}

/** The workspace's resizable panes (see src/renderer/src/features/workspace/layout.ts). */
export interface PaneSizes {
  left?: number;
  right?: number;
  timeline?: number;
  incidents?: number;
  alerts?: number;
}

export interface AppSettings {
  /** Last window bounds (Electron). */
  window?: { width: number; height: number; x?: number; y?: number };
  sampleOpened?: boolean;
  /** Cap on everything kept under NETSIFT_HOME/uploads (bytes); 16 GiB when absent. */
  uploadLimitBytes?: number;
}

/** Pushed from the engine to the renderer (IPC event or SSE). */
export type ServerEvent = { type: 'job'; job: JobState } | { type: 'case'; info: CaseInfo | null };

export interface NetsiftApi {
  // case (a case is named by its id from recentCases, or by a granted path: see path-grants.ts)
  caseInfo(): Promise<CaseInfo | null>;
  openCase(ref: string): Promise<CaseInfo>;
  /** An empty case: a name (kept under NETSIFT_HOME/cases) or a granted path. */
  createCase(nameOrPath: string): Promise<CaseInfo>;
  closeCase(): Promise<void>;
  recentCases(): Promise<RecentCase[]>;
  renameCase(ref: string, name: string): Promise<RecentCase[]>;
  /** Deletes a kept case (file, log and its uploads); a case elsewhere only leaves the list. */
  deleteCase(ref: string): Promise<RecentCase[]>;
  /** Folders the page may name paths in (browser mode: Home shows them). */
  grantedFolders(): Promise<string[]>;
  // contract: store. A new case whose flows are on a ClickHouse server, or the open one reconnected
  connectStore(req: StoreConnectRequest): Promise<CaseInfo>;
  // import jobs (import is followed by analysis; the job's summary says what landed)
  checkImport(req: ImportRequest): Promise<ImportCheck>;
  importFiles(req: ImportRequest): Promise<JobState>;
  /** Uploads the page will not import after all. */
  discardUploads(ids: string[]): Promise<void>;
  openSample(): Promise<JobState>;
  jobs(): Promise<JobState[]>;
  job(id: string): Promise<JobState>;
  cancelJob(id: string): Promise<void>;
  rejects(req: RejectsRequest): Promise<RejectsPage>;
  // flows (the query shapes are the engine's, src/shared/query.ts)
  flows(req: FlowsRequest): Promise<FlowsPage>;
  countFlows(req: CountRequest): Promise<number>;
  checkFilter(text: string): Promise<FilterCheck>;
  // incidents and alerts
  incidents(): Promise<Incident[]>;
  alerts(incidentId: number): Promise<Alert[]>;
  // charts
  timeline(req: TimelineRequest): Promise<Timeline>;
  topTalkers(req: TopTalkersRequest): Promise<TopTalker[]>;
  dstPorts(req: PortDistributionRequest): Promise<PortBucket[]>;
  pairScatter(req: PairScatterRequest): Promise<PairScatter>;
  // hosts
  host(ip: string): Promise<HostSummary>;
  // settings
  uiState(): Promise<UiState>;
  saveUiState(state: UiState): Promise<void>;
  appSettings(): Promise<AppSettings>;
  // feeds
  feeds(): Promise<FeedStatus[]>;
  refreshFeeds(ids?: string[]): Promise<FeedStatus[]>;
  setFeedEnabled(id: string, enabled: boolean): Promise<FeedStatus[]>;
  addFeed(req: FeedAddRequest): Promise<FeedStatus[]>;
  removeFeed(id: string): Promise<FeedStatus[]>;
  /** Stops the running requests of these supersede tags (a pane closed; see Supersedable). */
  cancelQueries(tags: string[]): Promise<void>;
  // triage, allow rules, reports, save as (src/engine/service/triage-ops.ts)
  triage(incidentKey: string): Promise<IncidentTriage>;
  /** Triage of every incident that has any (the others are 'new' without tags or notes). */
  triageAll(): Promise<IncidentTriage[]>;
  updateTriage(incidentKey: string, change: TriageChange): Promise<IncidentTriage>;
  auditTrail(incidentKey: string): Promise<AuditEntry[]>;
  allowRules(): Promise<AllowRule[]>;
  addAllowRule(input: AllowRuleInput): Promise<AllowRuleAdded>;
  removeAllowRule(id: number): Promise<AllowRule[]>;
  rerunDetection(): Promise<DetectionRerun>;
  exportReport(req: ExportRequest): Promise<ExportedReport>;
  saveCaseAs(path: string): Promise<CaseInfo>;
  // address context (src/shared/context.ts, src/engine/service/context-ops.ts)
  hostContext(ip: string): Promise<HostContext>;
  /** Country/AS of addresses of the open case (the grids' visible rows). */
  geoOf(ips: string[]): Promise<GeoInfo[]>;
  /** Names of addresses at times (each flow's address at its ts), keyed "ip|at". */
  namesAt(items: { ip: string; at: string }[]): Promise<Record<string, string[]>>;
  /** Addresses a DNS name resolved to in the case (exact or suffix). */
  addressesOfName(req: NameLookupRequest): Promise<DnsName[]>;
  contextStatus(): Promise<ContextStatus>;
  /** Top countries or AS of the selected flows (charts). */
  topGeo(req: TopGeoRequest): Promise<TopGeoRow[]>;
  /** About box: GeoIP/ASN data sources, versions, dates, licences, attribution. */
  geoSources(): Promise<GeoSourceInfo>;
  /** Writes a pcap under NETSIFT_HOME/exports (download: GET /api/exports/<fileName>). */
  exportPackets(req: PacketExportRequest): Promise<PacketExportResult>;
  // site model (src/shared/site.ts): the case's internal networks
  site(): Promise<SiteModel>;
  /** Sets the internal networks (null: netsift's defaults) and re-runs detection on an analysed case. */
  setSite(internal: string[] | null): Promise<SiteChange>;
}

export type ApiMethod = keyof NetsiftApi;

/** The only methods either transport carries; the preload and both servers are generated from it. */
export const API_METHODS = [
  'caseInfo',
  'openCase',
  'createCase',
  'closeCase',
  'recentCases',
  'renameCase',
  'deleteCase',
  'grantedFolders',
  'connectStore', // contract: store
  'checkImport',
  'importFiles',
  'discardUploads',
  'openSample',
  'jobs',
  'job',
  'cancelJob',
  'rejects',
  'flows',
  'countFlows',
  'checkFilter',
  'incidents',
  'alerts',
  'timeline',
  'topTalkers',
  'dstPorts',
  'pairScatter',
  'host',
  'uiState',
  'saveUiState',
  'appSettings',
  'feeds',
  'refreshFeeds',
  'setFeedEnabled',
  'addFeed',
  'removeFeed',
  'cancelQueries',
  'triage',
  'triageAll',
  'updateTriage',
  'auditTrail',
  'allowRules',
  'addAllowRule',
  'removeAllowRule',
  'rerunDetection',
  'exportReport',
  'saveCaseAs',
  'hostContext',
  'geoOf',
  'namesAt',
  'addressesOfName',
  'contextStatus',
  'topGeo',
  'geoSources',
  'exportPackets',
  'site',
  'setSite',
] as const satisfies readonly ApiMethod[];

// Every method of the interface is listed (compile-time check).
type Missing = Exclude<ApiMethod, (typeof API_METHODS)[number]>;
const _allListed: Missing extends never ? true : Missing = true;
void _allListed;

export function isApiMethod(m: unknown): m is ApiMethod {
  return typeof m === 'string' && (API_METHODS as readonly string[]).includes(m);
}

/** The IPC channels (Electron). */
export const IPC_RPC = 'netsift:rpc';
export const IPC_EVENT = 'netsift:event';
export const IPC_CHOOSE = 'netsift:choose-files';
export const IPC_CHOOSE_CASE = 'netsift:choose-case';
export const IPC_GRANT_DROPPED = 'netsift:grant-dropped';

/** What the preload exposes as window.netsift. */
export type NetsiftBridge = NetsiftApi & {
  onEvent(listener: (e: ServerEvent) => void): () => void;
  /** Electron only: native open dialog; returns chosen paths (empty when cancelled), now granted. */
  chooseFiles?(): Promise<string[]>;
  /** Electron only: native open dialog for a case file; its path (granted) or null. */
  chooseCase?(): Promise<string | null>;
  /** Electron only: the path of a dropped File. */
  pathForFile?(file: unknown): string;
  /**
   * Electron only: grants the files (or folders) the user dropped and returns their paths. The
   * preload reads the paths from the File objects itself, so a page cannot name other paths.
   */
  grantDropped?(files: unknown[]): Promise<string[]>;
};

/** Error shape carried over both transports. */
export interface ApiErrorBody {
  message: string;
  code: string;
}
