// Files uploaded through the loopback server (browser mode). Each upload is a folder
// NETSIFT_HOME/uploads/<id>/ holding the file and upload.json (name, size, whether it arrived
// whole, and the cases that imported it). The page refers to an upload by its id, never by path.
// An upload is kept only while a case that imported it exists: a failed or aborted transfer is
// deleted at once, one no case imported is deleted when the page discards it or at the next
// start, and the folder's total size is capped (AppSettings.uploadLimitBytes).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import type { UploadInfo } from '../../shared/api';
import { NetsiftError } from '../core/errors';
import { readJson, writeJson } from '../core/home';

/** Default cap on everything kept under uploads/ (a setting: AppSettings.uploadLimitBytes). */
export const DEFAULT_UPLOAD_LIMIT = 16 * 1024 ** 3;
/** An upload no case has imported yet is the page's to import or discard for this long. */
export const UNUSED_GRACE_MS = 60 * 60 * 1000;

const META = 'upload.json';
const ID = /^u-[A-Za-z0-9_-]{16,64}$/;

interface Meta {
  name: string;
  bytes: number;
  created: string;
  complete: boolean;
  /** Case files that imported this upload. */
  cases: string[];
}

export class UploadStore {
  /** Uploads arriving now (their folders are not stale, whatever their meta says). */
  private readonly receiving = new Set<string>();
  /** Uploads a running import job reads: never swept or discarded under it. */
  private readonly pinned = new Map<string, number>();

  constructor(
    private readonly root: () => string,
    private readonly limit: () => number,
  ) {}

  /**
   * Stores one upload from `body`. `declared` is the Content-Length when known. A transfer that
   * fails, is aborted or grows past `maxFile` leaves nothing behind.
   */
  async receive(
    rawName: string,
    body: Readable,
    declared: number | null,
    maxFile: number,
  ): Promise<UploadInfo> {
    const name = path.basename(rawName).replace(/[^\w.-]+/g, '_');
    if (!name || name.startsWith('.'))
      throw new NetsiftError('upload needs ?name=<file name>', 'usage');
    if (declared != null && declared > maxFile)
      throw new NetsiftError(
        `${name}: upload too large (${declared} bytes; limit ${maxFile} per file)`,
        'input',
      );
    this.makeRoom(declared ?? 0, name);
    const id = `u-${randomBytes(12).toString('base64url')}`;
    const dir = path.join(this.root(), id);
    fs.mkdirSync(dir);
    this.receiving.add(id);
    const meta: Meta = {
      name,
      bytes: 0,
      created: new Date().toISOString(),
      complete: false,
      cases: [],
    };
    writeJson(path.join(dir, META), meta);
    let seen = 0;
    const limit = this.limit();
    const room = Math.max(0, limit - this.totalBytes());
    const counter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        seen += chunk.length;
        if (seen > maxFile)
          done(
            new NetsiftError(`${name}: upload too large (over ${maxFile} bytes per file)`, 'input'),
          );
        else if (seen > room)
          done(
            new NetsiftError(
              `${name}: the uploads folder would exceed its limit (${fmtGiB(limit)}); delete cases you no longer need`,
              'input',
            ),
          );
        else done(null, chunk);
      },
    });
    try {
      await pipeline(body, counter, fs.createWriteStream(path.join(dir, name)));
      if (declared != null && seen !== declared)
        throw new NetsiftError(`${name}: upload ended after ${seen} of ${declared} bytes`, 'input');
      writeJson(path.join(dir, META), { ...meta, bytes: seen, complete: true });
      return { id, name, bytes: seen };
    } catch (e) {
      fs.rmSync(dir, { recursive: true, force: true });
      if (e instanceof NetsiftError) throw e;
      throw new NetsiftError(
        `${name}: upload failed (${(e as Error).message}); nothing was kept`,
        'input',
      );
    } finally {
      this.receiving.delete(id);
    }
  }

  /** The stored file of a complete upload. */
  file(id: unknown): string {
    if (typeof id !== 'string' || !ID.test(id))
      throw new NetsiftError(`no upload ${String(id)}`, 'usage');
    const dir = path.join(this.root(), id);
    const meta = readJson<Meta | null>(path.join(dir, META), null);
    if (!meta?.complete)
      throw new NetsiftError(`no upload ${id} (it was discarded or never arrived whole)`, 'input');
    return path.join(dir, meta.name);
  }

  /** The upload a stored file belongs to, if it is one. */
  idOf(file: string): string | null {
    const rel = path.relative(this.root(), file).split(path.sep);
    return rel.length === 2 && ID.test(rel[0]) ? rel[0] : null;
  }

  /** Records that `casePath` imported the upload: it is kept as long as that case is. */
  markUsed(id: string, casePath: string): void {
    this.update(id, (m) =>
      m.cases.includes(casePath) ? m : { ...m, cases: [...m.cases, casePath] },
    );
  }

  /** A case was deleted (or moved): its uploads are kept only for the cases still using them. */
  caseGone(casePath: string, movedTo?: string): void {
    for (const id of this.ids()) {
      const m = this.meta(id);
      if (!m?.cases.includes(casePath)) continue;
      const cases = m.cases.filter((c) => c !== casePath).concat(movedTo ? [movedTo] : []);
      if (cases.length) this.update(id, () => ({ ...m, cases }));
      else this.remove(id);
    }
  }

  /** A case was copied (save as): the copy keeps the uploads it holds too. */
  caseCopied(from: string, to: string): void {
    for (const id of this.ids()) {
      const m = this.meta(id);
      if (m?.cases.includes(from) && !m.cases.includes(to))
        this.update(id, () => ({ ...m, cases: [...m.cases, to] }));
    }
  }

  /** While an import job reads the upload, nothing deletes it. */
  pin(id: string): () => void {
    this.pinned.set(id, (this.pinned.get(id) ?? 0) + 1);
    return () => {
      const n = (this.pinned.get(id) ?? 1) - 1;
      if (n > 0) this.pinned.set(id, n);
      else this.pinned.delete(id);
    };
  }

  /** Uploads the page chose not to import; those a case imported stay. */
  discard(ids: string[]): void {
    for (const id of ids) {
      if (typeof id !== 'string' || !ID.test(id)) continue;
      const m = this.meta(id);
      if (m && m.cases.length === 0 && !this.pinned.has(id)) this.remove(id);
    }
  }

  /**
   * Deletes what should not be kept: transfers that never completed, uploads no case imported
   * (older than `graceMs`), and uploads whose cases are all gone. Runs at start and before each
   * upload. Returns the ids removed.
   */
  sweep(graceMs = UNUSED_GRACE_MS, now = Date.now()): string[] {
    const removed: string[] = [];
    for (const id of this.ids()) {
      if (this.receiving.has(id) || this.pinned.has(id)) continue;
      const m = this.meta(id);
      const age = now - (m ? Date.parse(m.created) : this.mtime(id));
      const live = m?.cases.filter((c) => fs.existsSync(c)) ?? [];
      // a transfer that is not arriving in this process never will (one process serves a home)
      const stale =
        !m || !m.complete ? true : live.length === 0 && (m.cases.length > 0 || age > graceMs);
      if (stale) {
        this.remove(id);
        removed.push(id);
      } else if (m && live.length !== m.cases.length)
        this.update(id, () => ({ ...m, cases: live }));
    }
    return removed;
  }

  totalBytes(): number {
    let n = 0;
    for (const id of this.ids()) {
      const dir = path.join(this.root(), id);
      for (const f of safeList(dir)) {
        if (f === META) continue; // a few hundred bytes of bookkeeping
        try {
          n += fs.statSync(path.join(dir, f)).size;
        } catch {
          // gone meanwhile
        }
      }
    }
    return n;
  }

  private makeRoom(incoming: number, name: string): void {
    const limit = this.limit();
    if (this.totalBytes() + incoming <= limit) return;
    this.sweep();
    const used = this.totalBytes();
    if (used + incoming > limit)
      throw new NetsiftError(
        `${name}: the uploads folder would exceed its limit (${fmtGiB(used)} kept + ${fmtGiB(incoming)} > ${fmtGiB(limit)}); ` +
          'delete cases you no longer need, or raise uploadLimitBytes in app-settings.json',
        'input',
      );
  }

  private ids(): string[] {
    return safeList(this.root()).filter((n) => ID.test(n));
  }

  private meta(id: string): Meta | null {
    return readJson<Meta | null>(path.join(this.root(), id, META), null);
  }

  private mtime(id: string): number {
    try {
      return fs.statSync(path.join(this.root(), id)).mtimeMs;
    } catch {
      return 0;
    }
  }

  private update(id: string, f: (m: Meta) => Meta): void {
    const m = this.meta(id);
    if (m) writeJson(path.join(this.root(), id, META), f(m));
  }

  private remove(id: string): void {
    fs.rmSync(path.join(this.root(), id), { recursive: true, force: true });
  }
}

function safeList(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function fmtGiB(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${n} bytes`;
}
