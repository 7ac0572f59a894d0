// The one service contract between the renderer and the engine, composed of one contract per
// domain (src/shared/contracts/<domain>.ts: its interface and its method list), each implemented
// by a small service in src/engine/service (<domain>-service.ts). Carried over Electron IPC
// (src/main + src/preload) or over the loopback HTTP server (src/cli/server); both, and the
// renderer's clients, are generated from the method lists. Everything here must survive JSON.
//
// A new method goes in its domain's contract file (interface and list) and its service: nothing
// else changes. A new domain adds a line to CONTRACTS and DomainApis here and its service to
// src/engine/service/netsift-service.ts.
import type { RpcAnswer } from './api-error';
import type { FollowView, IncidentNotice } from './follow';
import { CASE_METHODS, type CaseApi, type CaseInfo } from './contracts/case';
import { CHARTS_METHODS, type ChartsApi } from './contracts/charts';
import { CONTEXT_METHODS, type ContextApi } from './contracts/context';
import { FEEDS_METHODS, type FeedsApi } from './contracts/feeds';
import { FLOWS_METHODS, type FlowsApi } from './contracts/flows';
import { FOLLOW_METHODS, type FollowApi } from './contracts/follow';
import { IMPORT_METHODS, type ImportApi } from './contracts/import';
import { INCIDENTS_METHODS, type IncidentsApi } from './contracts/incidents';
import { JOBS_METHODS, type JobsApi, type JobState } from './contracts/jobs';
import { REPORT_METHODS, type ReportApi } from './contracts/report';
import { SETTINGS_METHODS, type SettingsApi } from './contracts/settings';
import { SITE_METHODS, type SiteApi } from './contracts/site';
import { STORE_METHODS, type StoreApi } from './contracts/store';
import { TRIAGE_METHODS, type TriageApi } from './contracts/triage';

export type { CaseApi, CaseInfo, CaseZone, RecentCase } from './contracts/case';
export type {
  ImportApi,
  ImportCheck,
  ImportFileCheck,
  ImportFileState,
  ImportFileStatus,
  IncidentPreview,
  IncidentsFound,
  ImportProgressView,
  ImportRequest,
  ImportSource,
  ImportSummaryView,
  ImportTarget,
  UploadInfo,
} from './contracts/import';
export type { JobsApi, JobState } from './contracts/jobs';
export type { AppSettings, PaneSizes, SettingsApi, UiState } from './contracts/settings';
export type { FlowsApi } from './contracts/flows';
export type { IncidentsApi } from './contracts/incidents';
export type { ChartsApi } from './contracts/charts';
export type { FeedsApi } from './contracts/feeds';
export type { TriageApi } from './contracts/triage';
export type { ReportApi } from './contracts/report';
export type { ContextApi } from './contracts/context';
export type { SiteApi } from './contracts/site';
export type { FollowApi } from './contracts/follow';
export type { StoreApi } from './contracts/store';
export type { ApiErrorBody, ErrorCode, RpcAnswer } from './api-error';

/** The contract of each domain; the engine implements each with one service. */
export interface DomainApis {
  case: CaseApi;
  import: ImportApi;
  jobs: JobsApi;
  flows: FlowsApi;
  incidents: IncidentsApi;
  charts: ChartsApi;
  settings: SettingsApi;
  feeds: FeedsApi;
  triage: TriageApi;
  report: ReportApi;
  context: ContextApi;
  site: SiteApi;
  follow: FollowApi;
  store: StoreApi;
}

export type Domain = keyof DomainApis;

/** Each domain's methods (checked against its interface in its contract file). */
export const CONTRACTS = {
  case: CASE_METHODS,
  import: IMPORT_METHODS,
  jobs: JOBS_METHODS,
  flows: FLOWS_METHODS,
  incidents: INCIDENTS_METHODS,
  charts: CHARTS_METHODS,
  settings: SETTINGS_METHODS,
  feeds: FEEDS_METHODS,
  triage: TRIAGE_METHODS,
  report: REPORT_METHODS,
  context: CONTEXT_METHODS,
  site: SITE_METHODS,
  follow: FOLLOW_METHODS,
  store: STORE_METHODS,
} as const satisfies { [D in Domain]: readonly (keyof DomainApis[D])[] };

/** The one API the doors carry: every domain's contract. */
export interface NetsiftApi
  extends
    CaseApi,
    ImportApi,
    JobsApi,
    FlowsApi,
    IncidentsApi,
    ChartsApi,
    SettingsApi,
    FeedsApi,
    TriageApi,
    ReportApi,
    ContextApi,
    SiteApi,
    FollowApi,
    StoreApi {}

export type ApiMethod = keyof NetsiftApi;

/** Pushed from the engine to the renderer (IPC event or SSE). */
export type ServerEvent =
  | { type: 'job'; job: JobState }
  | { type: 'case'; info: CaseInfo | null }
  // how following stands (each batch, each detection run, every second), and the incidents that
  // appeared at or above the chosen severity (toast, desktop notification); contracts/follow.ts
  | { type: 'follow'; follow: FollowView | null }
  | { type: 'incidents'; notices: IncidentNotice[] };

/** The only methods either transport carries; the preload and both servers are generated from it. */
export const API_METHODS: readonly ApiMethod[] = Object.values(CONTRACTS).flat();

export function isApiMethod(m: unknown): m is ApiMethod {
  return typeof m === 'string' && (API_METHODS as readonly string[]).includes(m);
}

/** The IPC channels (Electron). */
export const IPC_RPC = 'netsift:rpc';
export const IPC_EVENT = 'netsift:event';
export const IPC_CHOOSE = 'netsift:choose-files';
export const IPC_CHOOSE_CASE = 'netsift:choose-case';
export const IPC_GRANT_DROPPED = 'netsift:grant-dropped';
export const IPC_CHOOSE_FOLDER = 'netsift:choose-folder';

/** A contract method as the preload exposes it: the same arguments, the answer as an envelope. */
export type Bridged<F> = F extends (...args: infer A) => Promise<infer R>
  ? (...args: A) => Promise<RpcAnswer<R>>
  : never;

/**
 * What the preload exposes as window.netsift: every call answers an RpcAnswer (src/shared/
 * api-error.ts), which the renderer's client unwraps, so an error keeps its code across IPC.
 */
export type NetsiftBridge = { [M in ApiMethod]: Bridged<NetsiftApi[M]> } & {
  onEvent(listener: (e: ServerEvent) => void): () => void;
  /** Native open dialog; the chosen paths (empty when cancelled), now granted. */
  chooseFiles(): Promise<RpcAnswer<string[]>>;
  /** Native open dialog for a case file; its path (granted) or null. */
  chooseCase(): Promise<RpcAnswer<string | null>>;
  /** Electron only: the native dialog for a folder to follow; its path (granted) or null. */
  chooseFolder(): Promise<RpcAnswer<string | null>>;
  /**
   * Grants the files (or folders) the user dropped and returns their paths. The preload reads
   * the paths from the File objects itself, so a page cannot name other paths.
   */
  grantDropped(files: unknown[]): Promise<RpcAnswer<string[]>>;
};
