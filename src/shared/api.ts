// The one service contract between the renderer and the engine. Implemented once in
// src/engine/service; carried over Electron IPC (src/main + src/preload) or over the loopback HTTP
// server (src/cli/server). Everything here must survive JSON.
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
  AllowRule,
  AllowRuleInput,
  AuditEntry,
  IncidentTriage,
  TriageChange,
  TriageStatus,
} from './triage';

export interface CaseInfo {
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
}

export interface RecentCase {
  path: string;
  name: string;
  openedAt: string;
  flows: number | null;
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
}

export interface ImportSummaryView {
  casePath: string;
  imports: ImportRecord[];
  flows: number;
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
}

/** Pushed from the engine to the renderer (IPC event or SSE). */
export type ServerEvent = { type: 'job'; job: JobState } | { type: 'case'; info: CaseInfo | null };

export interface NetsiftApi {
  // case
  caseInfo(): Promise<CaseInfo | null>;
  openCase(path: string): Promise<CaseInfo>;
  createCase(path: string): Promise<CaseInfo>;
  closeCase(): Promise<void>;
  recentCases(): Promise<RecentCase[]>;
  // import jobs (import is followed by analysis; the job's summary says what landed)
  importFiles(paths: string[], casePath?: string): Promise<JobState>;
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
}

export type ApiMethod = keyof NetsiftApi;

/** The only methods either transport carries; the preload and both servers are generated from it. */
export const API_METHODS = [
  'caseInfo',
  'openCase',
  'createCase',
  'closeCase',
  'recentCases',
  'importFiles',
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

/** What the preload exposes as window.netsift. */
export type NetsiftBridge = NetsiftApi & {
  onEvent(listener: (e: ServerEvent) => void): () => void;
  /** Electron only: native open dialog; returns chosen paths (empty when cancelled). */
  chooseFiles?(): Promise<string[]>;
  /** Electron only: the path of a dropped File. */
  pathForFile?(file: unknown): string;
};

/** Error shape carried over both transports. */
export interface ApiErrorBody {
  message: string;
  code: string;
}
