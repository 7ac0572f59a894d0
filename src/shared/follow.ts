// Following a live capture (a folder of rotated files, a growing text file, a NetFlow/IPFIX
// listener) into the open case: the request, the status with its lag, and what each batch added.
// Contract types only: the engine's follower (src/engine/follow/follower.ts) implements them, the
// CLI (`netsift follow`) prints them; the workspace's "Follow a folder" carries them as events.
import type { Severity } from './model';

export type FollowSource =
  /** new complete files in a folder (and below it) */
  | { kind: 'folder'; path: string }
  /** lines appended to one text file, across its rotations and truncations */
  | { kind: 'file'; path: string }
  /** NetFlow v5/v9 and IPFIX datagrams on a UDP port */
  | {
      kind: 'listener';
      /** udp:HOST:PORT */
      listen: string;
      allowRemote?: boolean;
      exporters?: string[];
      sampling?: number;
      batchFlows?: number;
    };

/** Limits that keep the case from growing without end while following. */
export interface RetentionRequest {
  /** keep this much data time (newest flow minus this); older windows go */
  seconds?: number;
  /** keep at most this many flows (whole windows: the newest window may pass it alone) */
  maxFlows?: number;
  /** drop: the oldest windows are deleted (their alerts and incidents archived); stop: following stops with a message */
  onLimit: 'drop' | 'stop';
}

export interface FollowRequest {
  source: FollowSource;
  /** 'auto' (default) or a format id, for folders and files */
  format?: string;
  /** zone of zone-less timestamps (IANA name); UTC by default */
  tz?: string;
  /** a growing file or the listener writes a batch at least this often (s); default 10 */
  batchSeconds?: number;
  /** a file in a folder is complete once unchanged this long with no writer (s); default 2 */
  settleSeconds?: number;
  /** how often folders and files are looked at (s); default 0.5 */
  pollSeconds?: number;
  /** leave the files a folder holds when following starts */
  newOnly?: boolean;
  retain?: RetentionRequest;
  /**
   * run detection this often while following; off when absent. Runs are incremental
   * (src/engine/analysis/incremental.ts): the first is a full run, each later one covers the
   * flows that arrived since; a run never waits in a queue (the next starts when one is done).
   */
  detectEverySeconds?: number;
  /** ... or after this many batches */
  detectEveryBatches?: number;
  /** run detection once more when following stops (default: when detection runs while following) */
  detectAtStop?: boolean;
  /** rebuild country and AS of the case's addresses at most this often (s); default 30 */
  geoEverySeconds?: number;
  /** skip country and AS (tests, machines without the data) */
  noGeo?: boolean;
}

/** What one batch added: the hook incremental detection will take. */
export interface FollowBatch {
  importId: number;
  /** the file or source the batch came from */
  source: string;
  flows: number;
  rejects: number;
  /** first and last flow start of the batch, ISO 8601 UTC (null: no flows) */
  fromTs: string | null;
  toTs: string | null;
  /** the batch's flows are exactly the flows with these ids (null: no flows) */
  flowIds: { first: number; last: number } | null;
}

export interface FollowLag {
  /** how long the oldest input not yet imported has waited, in wall time (0: caught up) */
  behindSeconds: number;
  /** newest flow start imported, ISO 8601 UTC */
  newestFlow: string | null;
  /** now minus the newest flow imported (data time; large for a replayed capture) */
  dataBehindSeconds: number | null;
  /** complete files waiting (folders) */
  queuedFiles: number;
  queuedBytes: number;
  /** bytes appended to a followed file and not imported yet (a last unfinished line included) */
  unreadBytes: number;
  /** "2 min behind (3 files, 41 MB waiting)" or "caught up" */
  text: string;
}

export interface FollowStatus {
  state: 'starting' | 'following' | 'stopping' | 'stopped' | 'failed';
  source: string;
  startedAt: string;
  batches: number;
  flows: number;
  rejects: number;
  /** imports written (a folder: one per file; a file: one per rotation or truncation) */
  imports: number[];
  files: {
    imported: number;
    /** complete but no flows (an nfcapd file of a quiet interval) */
    empty: number;
    failed: { path: string; error: string }[];
    alreadyImported: number;
    leftAtStart: number;
    inProgress: number;
    heldByWriter: number;
    lost: number;
  } | null;
  /** a followed file: where it stands */
  file: {
    path: string;
    generation: number;
    importId: number | null;
    /** lines of the current file imported (header lines included) */
    lines: number;
    /** an unfinished last line waiting for its newline, in bytes */
    partialBytes: number;
    /** imports closed by a rotation or a truncation */
    closedImports: { importId: number; endedBy: string }[];
  } | null;
  lag: FollowLag;
  detection: {
    runs: number;
    running: boolean;
    lastRunAt: string | null;
    incidents: number | null;
    alerts: number | null;
    error: string | null;
    /** the last run: 'full' (the first of the session, or after a retention drop) or 'incremental' */
    lastMode: 'full' | 'incremental' | null;
    lastSeconds: number | null;
    /** flows the last run found new, and the windows it evaluated again (finite-lookback detectors) */
    lastNewFlows: number | null;
    lastWindows: number | null;
    /** how long the oldest batch no finished run covers has waited (0: incidents are current) */
    behindSeconds: number;
  } | null;
  retention: {
    droppedFlows: number;
    drops: number;
    /** flows before this time were dropped */
    cutoff: string | null;
    archivedAlerts: number;
    archivedIncidents: number;
  } | null;
  geo: {
    runs: number;
    lastRunAt: string | null;
    addresses: number | null;
    error: string | null;
  } | null;
  /** the last notes (rotation, truncation, template changes, limits...) */
  events: string[];
  stopReason: string | null;
  /** following stopped at a limit (retention in stop mode) */
  limitReached: boolean;
  error: string | null;
}

/**
 * An incident that appeared, or whose severity rose, in a detection run while following: what
 * notifications are made of (the workspace's toast, Electron's desktop notification, the CLI's
 * `--notify` line).
 */
export interface IncidentNotice {
  change: 'new' | 'raised';
  id: number;
  key: string;
  type: string;
  severity: Severity;
  previousSeverity: Severity | null;
  score: number;
  attacker: string | null;
  summary: string;
  first_seen: string;
  last_seen: string;
}

/** "Follow a folder" in the workspace: a granted folder followed into the open case. */
export interface FollowFolderRequest {
  /** a folder the user granted (serve --grant, a dialog, a drop), or one below it */
  path: string;
  /** leave the files the folder holds now; follow only those that appear */
  newOnly?: boolean;
  /** tell about incidents that appear at or above this severity (toast, desktop); null: none */
  notify?: Severity | null;
  /** 'auto' (default) or a format id */
  format?: string;
}

/** The workspace's view of following: what, how it stands, what it tells about. */
export interface FollowView {
  folder: string;
  notify: Severity | null;
  status: FollowStatus;
}
