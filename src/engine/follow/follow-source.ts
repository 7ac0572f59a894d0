// What the follower asks of each kind of source (a folder, a growing file, the listener): a step
// that imports what is ready, a graceful finish, an abandon for an immediate stop, and what is
// still waiting (the lag).
import type { FollowBatch } from '../../shared/follow';

export interface SourceBacklog {
  /** when the oldest input not imported yet was seen ready (ms since the epoch); null: none */
  oldestWaitingSince: number | null;
  queuedFiles: number;
  queuedBytes: number;
  unreadBytes: number;
}

export interface FollowSourceRunner {
  /** "folder /data/nfcapd", "file /var/log/zeek/conn.log", "udp:127.0.0.1:2055" */
  readonly describe: string;
  /** Imports what is ready now; `more`: call again at once (a backlog is waiting). */
  step(now: number): Promise<{ batches: FollowBatch[]; more: boolean }>;
  /** Writes what is read and complete, closes the imports (graceful stop). */
  finish(reason: string): Promise<FollowBatch[]>;
  /** Stops at once; what is pending is not written (it stays in its file, or is counted). */
  abandon(): void;
  backlog(now: number): SourceBacklog;
}
