// contract: case. Which case is open, the case list Home shows, new, rename, delete, save as.
// A case is named by its id from recentCases, or by a granted path (src/engine/service/path-grants.ts).
// Implemented by src/engine/service/case-service.ts.
import type { ImportRecord } from '../model';
import type { CaseFlowStore } from '../store';
import { methodsOf } from './method-list';

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
  /** Where the flows live when not in the case file (null: in it); see contracts/store.ts. */
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

export interface CaseApi {
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
  /** A copy of the open case: a bare name goes under NETSIFT_HOME/cases, a path must be granted. */
  saveCaseAs(path: string): Promise<CaseInfo>;
}

export const CASE_METHODS = methodsOf<CaseApi>()([
  'caseInfo',
  'openCase',
  'createCase',
  'closeCase',
  'recentCases',
  'renameCase',
  'deleteCase',
  'grantedFolders',
  'saveCaseAs',
]);
