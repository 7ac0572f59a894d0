// contract: import. Import jobs (a new case by default, or added to the open case when the
// analyst chose so), the check before, uploads, the bundled sample, the rejected lines.
// Implemented by src/engine/service/import-service.ts.
import type { RejectsPage, RejectsRequest } from '../query';
import type { ImportRecord, Incident } from '../model';
import type { CaseZone } from './case';
import type { JobState } from './jobs';
import { methodsOf } from './method-list';

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
  analyse: {
    step: string;
    done: number;
    total: number;
    /** Incidents of the detectors done so far, shown while the others run (issue 16). */
    found?: IncidentsFound | null;
  } | null;
}

/**
 * The incidents a running detection has found so far: a preview (the case keeps the run's own
 * list when it ends); more may come and scores may rise while detectors are left.
 */
export interface IncidentsFound {
  incidents: IncidentPreview[];
  /** Detectors still to run. */
  detectorsLeft: number;
  /** Seconds since the job started when these were found. */
  seconds: number;
}

export type IncidentPreview = Pick<
  Incident,
  | 'key'
  | 'type'
  | 'severity'
  | 'score'
  | 'attacker'
  | 'victims'
  | 'first_seen'
  | 'last_seen'
  | 'detectors'
  | 'alert_count'
  | 'summary'
>;

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

export interface ImportApi {
  checkImport(req: ImportRequest): Promise<ImportCheck>;
  /** Import is followed by analysis; the job's summary says what landed. */
  importFiles(req: ImportRequest): Promise<JobState>;
  /** Uploads the page will not import after all. */
  discardUploads(ids: string[]): Promise<void>;
  openSample(): Promise<JobState>;
  rejects(req: RejectsRequest): Promise<RejectsPage>;
}

export const IMPORT_METHODS = methodsOf<ImportApi>()([
  'checkImport',
  'importFiles',
  'discardUploads',
  'openSample',
  'rejects',
]);
