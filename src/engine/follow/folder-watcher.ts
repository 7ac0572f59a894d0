// Watches a folder (and the folders below it, as nfcapd -S and Zeek's archive lay them out) for
// complete files and queues them in the order they became complete. Polling, not inotify: it
// works the same on every system and on network file systems, and a poll of a folder of a few
// thousand files costs little next to an import.
//
// Complete (file-rules.ts): a final name its writer gives only after closing the file
// (nfcapd.YYYYMMDDhhmm), or a file whose size and mtime stayed the same for the settle time and
// that no process holds open for writing (open-writers.ts; where that cannot be known, the settle
// time alone decides). Names of files still being written (nfcapd.current.*, *.tmp, *.part, hidden
// files) are never taken.
//
// The queue is on disk: a queued file is hard-linked into the follower's spool (beside the case)
// at once, so a writer's expiry (nfexpire, logrotate's maxage) removing it before its turn does
// not lose it; the link goes once the file is imported. Where a link cannot be made (another file
// system) the file itself is the queue, and one removed before its turn is reported as lost.
import fs from 'node:fs';
import path from 'node:path';
import { classifyName } from './file-rules';
import { openWriters } from './open-writers';

export interface QueuedFile {
  path: string;
  size: number;
  dev: number;
  ino: number;
  mtimeMs: number;
  /** when the watcher first saw it (ms since the epoch) */
  seenAt: number;
  /** when it was found complete */
  readyAt: number;
  /** hard link in the spool, if one could be made */
  spool: string | null;
  why: 'renamed into place' | 'settled, no writer' | 'settled';
}

export interface FolderWatcherOptions {
  settleMs: number;
  /** leave the files that are there (and complete) when following starts */
  newOnly: boolean;
  /** folder for the queue's hard links; null: no spool */
  spoolDir: string | null;
  /** paths never to take (the case file, its WAL and temp folder, the spool) */
  exclude: string[];
  /** true when the case holds an import of this path with this size already */
  imported(path: string, size: number): boolean;
  note(e: string): void;
}

interface Candidate {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  /** when size and mtime were last seen to change */
  since: number;
  seenAt: number;
  writers: number[];
}

export interface FolderCounts {
  /** files queued so far */
  queued: number;
  /** present at start and left there (--new-only) */
  leftAtStart: number;
  /** already in the case (same path and size) */
  alreadyImported: number;
  /** files still being written (by name or by a writer holding them) or not yet settled */
  inProgress: number;
  /** of those, held open by a writer right now */
  heldByWriter: number;
  /** removed before their turn with no spool link to read them from */
  lost: number;
}

export class FolderWatcher {
  private readonly candidates = new Map<string, Candidate>();
  /** path -> "dev:ino:size" of files queued or left */
  private readonly taken = new Map<string, string>();
  readonly queue: QueuedFile[] = [];
  private seq = 0;
  private writersKnown: boolean | null = null;
  readonly counts: FolderCounts = {
    queued: 0,
    leftAtStart: 0,
    alreadyImported: 0,
    inProgress: 0,
    heldByWriter: 0,
    lost: 0,
  };

  constructor(
    readonly dir: string,
    private readonly opts: FolderWatcherOptions,
  ) {}

  /** Whether writers can be seen here (/proc); null before the first check. */
  get writerCheck(): boolean | null {
    return this.writersKnown;
  }

  /** Takes stock of what is there when following starts. */
  start(now = Date.now()): void {
    if (!this.opts.newOnly) return this.poll(now);
    const files = this.list();
    const scan = openWriters(files.map((f) => f.path));
    this.writersKnown = scan.known;
    for (const f of files) {
      if (scan.writers.has(f.path) || classifyName(f.path) === 'in-progress') continue;
      this.taken.set(f.path, key(f.st));
      this.counts.leftAtStart++;
    }
    this.poll(now);
  }

  /** Looks at the folder again; complete files join the queue. */
  poll(now = Date.now()): void {
    const seen = new Set<string>();
    const settled: string[] = [];
    let inProgress = 0;
    for (const { path: p, st } of this.list()) {
      seen.add(p);
      const k = key(st);
      const prev = this.taken.get(p);
      if (prev === k) continue;
      if (prev && prev.split(':').slice(0, 2).join(':') === `${st.dev}:${st.ino}`) {
        // the same file grew or changed after it was taken: not taken twice
        this.taken.set(p, k);
        this.opts.note(
          `${p} changed after it was imported (now ${st.size} bytes); not imported again: follow it as a growing file instead`,
        );
        continue;
      }
      const cls = classifyName(p);
      if (cls === 'in-progress') {
        inProgress++;
        continue;
      }
      let c = this.candidates.get(p);
      if (
        !c ||
        c.dev !== st.dev ||
        c.ino !== st.ino ||
        c.size !== st.size ||
        c.mtimeMs !== st.mtimeMs
      ) {
        c = {
          dev: st.dev,
          ino: st.ino,
          size: st.size,
          mtimeMs: st.mtimeMs,
          since: now,
          seenAt: c && c.ino === st.ino ? c.seenAt : now,
          writers: [],
        };
        this.candidates.set(p, c);
      }
      if (cls === 'renamed-into-place') this.take(p, c, now, 'renamed into place');
      else if (now - c.since >= this.opts.settleMs && st.size > 0) settled.push(p);
      else inProgress++;
    }
    // one pass over /proc for every file that has settled
    let held = 0;
    if (settled.length) {
      const scan = openWriters(settled);
      this.writersKnown = scan.known;
      for (const p of settled) {
        const c = this.candidates.get(p)!;
        c.writers = scan.writers.get(p) ?? [];
        if (c.writers.length) {
          held++;
          inProgress++;
        } else this.take(p, c, now, scan.known ? 'settled, no writer' : 'settled');
      }
    }
    for (const p of this.candidates.keys()) if (!seen.has(p)) this.candidates.delete(p);
    this.counts.inProgress = inProgress;
    this.counts.heldByWriter = held;
  }

  /** Next file to import (oldest complete first), or undefined. */
  next(): QueuedFile | undefined {
    return this.queue[0];
  }

  /** The file at the head of the queue is done with (imported, failed or lost). */
  done(f: QueuedFile, keepSpool: boolean): void {
    const i = this.queue.indexOf(f);
    if (i >= 0) this.queue.splice(i, 1);
    if (f.spool && !keepSpool) fs.rmSync(f.spool, { force: true });
  }

  /**
   * Where to read a queued file now: its own path while it is the same file, else its spool link;
   * null when both are gone (counted as lost).
   */
  readable(f: QueuedFile): string | null {
    try {
      const st = fs.statSync(f.path);
      if (st.ino === f.ino && st.dev === f.dev) return f.path;
    } catch {
      // removed: read the spool link
    }
    if (f.spool && fs.existsSync(f.spool)) return f.spool;
    this.counts.lost++;
    return null;
  }

  /** Files waiting and their bytes. */
  backlog(): { files: number; bytes: number; oldestReadyAt: number | null } {
    return {
      files: this.queue.length,
      bytes: this.queue.reduce((a, f) => a + f.size, 0),
      oldestReadyAt: this.queue.length ? Math.min(...this.queue.map((f) => f.readyAt)) : null,
    };
  }

  private take(p: string, c: Candidate, now: number, why: QueuedFile['why']): void {
    this.candidates.delete(p);
    this.taken.set(p, `${c.dev}:${c.ino}:${c.size}`);
    if (this.opts.imported(p, c.size)) {
      this.counts.alreadyImported++;
      return;
    }
    let spool: string | null = null;
    if (this.opts.spoolDir) {
      const link = path.join(
        this.opts.spoolDir,
        `${String(++this.seq).padStart(6, '0')}-${process.pid}-${path.basename(p)}`,
      );
      try {
        fs.mkdirSync(this.opts.spoolDir, { recursive: true });
        fs.linkSync(p, link);
        spool = link;
      } catch {
        spool = null; // another file system: the file itself is the queue
      }
    }
    this.queue.push({
      path: p,
      size: c.size,
      dev: c.dev,
      ino: c.ino,
      mtimeMs: c.mtimeMs,
      seenAt: c.seenAt,
      readyAt: now,
      spool,
      why,
    });
    this.counts.queued++;
  }

  /** Regular files below the folder, in name order (nfcapd's names sort by time). */
  private list(): { path: string; st: fs.Stats }[] {
    const out: { path: string; st: fs.Stats }[] = [];
    const walk = (d: string) => {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(d, { withFileTypes: true });
      } catch {
        return; // removed meanwhile, or not readable
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const e of entries) {
        const p = path.join(d, e.name);
        if (this.opts.exclude.some((x) => p === x || p.startsWith(`${x}${path.sep}`))) continue;
        if (e.isDirectory()) {
          if (!e.name.startsWith('.')) walk(p);
          continue;
        }
        if (!e.isFile()) continue;
        try {
          out.push({ path: p, st: fs.statSync(p) });
        } catch {
          // removed between the listing and the stat
        }
      }
    };
    walk(this.dir);
    return out;
  }
}

function key(st: fs.Stats): string {
  return `${st.dev}:${st.ino}:${st.size}`;
}
