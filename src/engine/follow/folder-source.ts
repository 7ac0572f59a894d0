// A followed folder: complete files (folder-watcher.ts) imported one at a time through the import
// pipeline itself, so each is exactly the import `netsift import FILE` makes (its own imports row,
// sha256, duplicate check, rejects with line numbers, pcap names). Zeek dns/http/ssl logs that
// arrive go to the address context as the import pipeline sends them. A file that fails is
// reported and following goes on; an nfcapd file of a quiet interval (no flows) is counted, not
// an error.
import fs from 'node:fs';
import path from 'node:path';
import type { FollowBatch, RetentionRequest } from '../../shared/follow';
import { importFiles, type ImportJobOptions } from '../import/pipeline';
import type { Job } from '../core/job';
import type { CaseStore } from '../store/case-store';
import type { ImportSummary } from '../../shared/model';
import { NetsiftError } from '../core/errors';
import { FolderWatcher, type QueuedFile } from './folder-watcher';
import type { FollowSourceRunner, SourceBacklog } from './follow-source';
import { LimitReached } from './live-import';
import { overLimit } from './retention';
import type { WriteGate } from './write-gate';

export interface FolderSourceOptions {
  settleMs: number;
  /** the folder is looked at this often, also while a file is imported (for the lag) */
  pollMs: number;
  newOnly: boolean;
  spoolDir: string;
  exclude: string[];
  importOptions: ImportJobOptions;
  gate: WriteGate;
  /** retention in stop mode: a file that would pass the limit is taken out again */
  stopAt?: RetentionRequest;
  note(e: string): void;
}

export interface FolderFileCounts {
  imported: number;
  empty: number;
  contextLogs: number;
  failed: { path: string; error: string }[];
}

const EMPTY = /no flows in the capture|header only, no data lines|empty file/;

export class FolderSource implements FollowSourceRunner {
  readonly watcher: FolderWatcher;
  readonly files: FolderFileCounts = { imported: 0, empty: 0, contextLogs: 0, failed: [] };
  private readonly known = new Set<string>();
  private job: Job<ImportSummary> | null = null;
  private started = false;
  private timer: NodeJS.Timeout | null = null;

  private constructor(
    private readonly store: CaseStore,
    readonly dir: string,
    private readonly opts: FolderSourceOptions,
  ) {
    this.watcher = new FolderWatcher(dir, {
      settleMs: opts.settleMs,
      newOnly: opts.newOnly,
      spoolDir: opts.spoolDir,
      exclude: opts.exclude,
      imported: (p, size) => this.known.has(`${p}\0${size}`),
      note: opts.note,
    });
  }

  static async create(
    store: CaseStore,
    dir: string,
    opts: FolderSourceOptions,
  ): Promise<FolderSource> {
    const s = new FolderSource(store, fs.realpathSync(dir), opts);
    for (const r of await store.all<{ path: string; size: number }>(
      'SELECT path, size FROM imports',
    ))
      s.known.add(`${r.path}\0${r.size}`);
    return s;
  }

  get describe(): string {
    return `folder ${this.dir}`;
  }

  async step(now: number): Promise<{ batches: FollowBatch[]; more: boolean }> {
    if (!this.started) {
      this.started = true;
      this.watcher.start(now);
      // files that complete while a long import runs are seen (and their wait counted) at once
      this.timer = setInterval(() => this.watcher.poll(Date.now()), this.opts.pollMs);
      this.timer.unref();
    } else this.watcher.poll(now);
    const f = this.watcher.next();
    if (!f) return { batches: [], more: false };
    const batch = await this.importOne(f);
    return { batches: batch ? [batch] : [], more: this.watcher.queue.length > 0 };
  }

  async finish(): Promise<FollowBatch[]> {
    if (this.timer) clearInterval(this.timer);
    return [];
  }

  abandon(): void {
    if (this.timer) clearInterval(this.timer);
    this.job?.cancel();
  }

  backlog(): SourceBacklog {
    const b = this.watcher.backlog();
    return {
      oldestWaitingSince: b.oldestReadyAt,
      queuedFiles: b.files,
      queuedBytes: b.bytes,
      unreadBytes: 0,
    };
  }

  private async importOne(f: QueuedFile): Promise<FollowBatch | null> {
    let from = this.watcher.readable(f);
    if (!from) {
      this.opts.note(
        `${f.path}: removed before its turn and not in the spool; not imported (lost)`,
      );
      this.watcher.done(f, false);
      return null;
    }
    for (let attempt = 0; ; attempt++) {
      try {
        const batch = await this.opts.gate.run(() => this.importAndCheck(from!, f));
        this.watcher.done(f, from === f.spool);
        return batch;
      } catch (e) {
        const msg = (e as Error).message;
        if (e instanceof LimitReached) throw e;
        if (
          /disappeared during the import/.test(msg) &&
          attempt === 0 &&
          f.spool &&
          from !== f.spool
        ) {
          from = f.spool; // its writer removed it meanwhile: the spool link still holds it
          continue;
        }
        this.watcher.done(f, false);
        if (EMPTY.test(msg)) this.files.empty++;
        else if (/already in this case/.test(msg)) this.watcher.counts.alreadyImported++;
        else {
          this.files.failed.push({ path: f.path, error: msg });
          this.opts.note(`${f.path}: not imported: ${msg.replace(`${from}: `, '')}`);
        }
        return null;
      }
    }
  }

  /** Imports one file; in stop mode, takes it out again when the case passed the limit. */
  private async importAndCheck(from: string, f: QueuedFile): Promise<FollowBatch | null> {
    this.job = importFiles(this.store, [from], { ...this.opts.importOptions, keepGoing: false });
    let summary: ImportSummary;
    try {
      summary = await this.job.result;
    } finally {
      this.job = null;
    }
    const logs = summary.context?.logs ?? [];
    if (logs.length) {
      this.files.contextLogs += logs.length;
      this.opts.note(
        `${f.path}: Zeek ${logs.map((l) => l.kind).join(', ')} log imported as address context`,
      );
    }
    const rec = summary.files[0]?.record;
    if (!rec) return null;
    if (this.opts.stopAt) {
      // on a connection of its own: the store's connection belongs to the door's short queries
      const conn = await this.store.connect();
      const over = await overLimit(conn, this.opts.stopAt).finally(() => conn.closeSync());
      if (over) {
        await this.undo(rec.id);
        throw new LimitReached(
          `${f.path}: ${over}; the file was not imported and following stopped`,
        );
      }
    }
    this.known.add(`${rec.path}\0${rec.size}`);
    this.files.imported++;
    if (summary.files[0].warnings?.length)
      this.opts.note(`${f.path}: ${summary.files[0].warnings.join('; ')}`);
    const ids = await this.store.one<{ first: number | null; last: number | null }>(
      'SELECT min(id) AS first, max(id) AS last FROM flows WHERE import_id = $1',
      [rec.id],
    );
    return {
      importId: rec.id,
      source: path.basename(f.path),
      flows: rec.rows_read,
      rejects: rec.rows_rejected,
      fromTs: rec.first_ts,
      toTs: rec.last_ts,
      flowIds: ids?.first != null ? { first: ids.first, last: ids.last! } : null,
    };
  }

  private async undo(importId: number): Promise<void> {
    const conn = await this.store.connect();
    try {
      await conn.run('BEGIN TRANSACTION');
      await conn.run('DELETE FROM flows WHERE import_id = $1', [importId]);
      await conn.run('DELETE FROM rejects WHERE import_id = $1', [importId]);
      await conn.run('DELETE FROM imports WHERE id = $1', [importId]);
      await conn.run('COMMIT');
    } catch (e) {
      await conn.run('ROLLBACK').catch(() => undefined);
      throw new NetsiftError(
        `import ${importId} passed the limit and could not be taken out again: ${(e as Error).message}`,
        'case',
      );
    } finally {
      conn.closeSync();
    }
  }
}
