// App-wide feed store: JSON files plus one immutable file per feed version. A new version is
// written in full first, then the feed's `current.json` pointer is switched by rename, so readers
// (detection) always see a whole version and a failed refresh leaves the old one in place.
//
//   <home>/feeds/catalogue.json            feeds and the allow-list (absent: the defaults)
//   <home>/feeds/catalogue.lock            held while a process changes the catalogue
//   <home>/feeds/<id>/state.json           last attempt, last error, ETag / Last-Modified
//   <home>/feeds/<id>/current.json         { version } pointer
//   <home>/feeds/<id>/versions/<v>.tsv     entry \t lo(hex) \t hi(hex) \t note
//   <home>/feeds/<id>/versions/<v>.json    VersionMeta
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FeedSpec, FeedVersionInfo } from '../../shared/feeds';
import { NetsiftError } from '../core/errors';
import { DEFAULT_INTERNAL_NETWORKS } from '../util/ip';
import { bundledSnapshots } from './bundled';
import { DEFAULT_FEEDS, defaultFeeds } from './defaults';
import { parseFeed, type FeedEntry } from './formats';
import { withFileLock } from './file-lock';
import { guardRanges, splitGuarded } from './guard';
import { largeEntries } from './large-range';

export interface Catalogue {
  feeds: FeedSpec[];
  allowList: string[];
}

export interface FeedState {
  lastAttemptAt: string | null;
  lastCheckedAt: string | null;
  lastError: string | null;
  lastOutcome: 'updated' | 'unchanged' | 'skipped' | 'failed' | null;
  etag: string | null;
  lastModified: string | null;
}

export interface VersionMeta extends FeedVersionInfo {
  invalidLines: number;
  invalidSample: string[];
  guarded: { entry: string; reason: string }[];
  /**
   * Entries of a /8 (/16 IPv6) or more, not in `guarded`: guarded too unless the feed is trusted
   * for large ranges (a property of the feed, not of the version). Absent in older versions.
   */
  large?: { entry: string; reason: string }[];
}

const KEEP_VERSIONS = 5;
const ID_RE = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export function checkFeedId(id: string): string {
  if (!ID_RE.test(id))
    throw new NetsiftError(
      `feed id "${id}" must be lower-case letters, digits, '.', '_' or '-' (max 64)`,
      'usage',
    );
  return id;
}

/** Writes a file so that readers see the old or the new content, never a half-written one. */
export function writeAtomic(file: string, data: string | Buffer): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new NetsiftError(
      `${file}: unreadable feed store file (${(e as Error).message})`,
      'input',
    );
  }
}

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export class FeedStore {
  readonly dir: string;

  constructor(readonly home: string) {
    this.dir = path.join(home, 'feeds');
  }

  exists(): boolean {
    return fs.existsSync(this.dir);
  }

  catalogue(): Catalogue {
    const c = readJson<Catalogue>(path.join(this.dir, 'catalogue.json'));
    if (!c) return { feeds: defaultFeeds(), allowList: [] };
    // NETSIFT_FEED_BASE_URL also rewrites default feeds that still have their publisher's URL
    const defaults = new Map(defaultFeeds().map((f) => [f.id, f]));
    const original = new Map(DEFAULT_FEEDS.map((f) => [f.id, f.url]));
    return {
      allowList: c.allowList ?? [],
      feeds: c.feeds.map((f) =>
        defaults.has(f.id) && f.url === original.get(f.id)
          ? { ...f, url: defaults.get(f.id)!.url }
          : f,
      ),
    };
  }

  private saveCatalogue(c: Catalogue): void {
    writeAtomic(path.join(this.dir, 'catalogue.json'), JSON.stringify(c, null, 2) + '\n');
  }

  /**
   * Reads, changes and writes the catalogue under an exclusive lock, so that concurrent processes
   * (ten `netsift feeds add` at once, the app and the CLI) never lose each other's updates. `change`
   * edits the catalogue in place; a throw leaves the file as it was.
   */
  async updateCatalogue<T>(change: (c: Catalogue) => T | Promise<T>): Promise<T> {
    fs.mkdirSync(this.dir, { recursive: true });
    return withFileLock(
      path.join(this.dir, 'catalogue.lock'),
      async () => {
        const c = this.catalogue();
        const out = await change(c);
        this.saveCatalogue(c);
        return out;
      },
      { what: 'the feed catalogue' },
    );
  }

  feed(id: string): FeedSpec {
    const f = this.catalogue().feeds.find((x) => x.id === id);
    if (!f)
      throw new NetsiftError(`no feed "${id}" (netsift feeds list shows the catalogue)`, 'usage');
    return f;
  }

  private feedDir(id: string): string {
    return path.join(this.dir, checkFeedId(id));
  }

  state(id: string): FeedState {
    return (
      readJson<FeedState>(path.join(this.feedDir(id), 'state.json')) ?? {
        lastAttemptAt: null,
        lastCheckedAt: null,
        lastError: null,
        lastOutcome: null,
        etag: null,
        lastModified: null,
      }
    );
  }

  saveState(id: string, s: FeedState): void {
    writeAtomic(path.join(this.feedDir(id), 'state.json'), JSON.stringify(s, null, 2) + '\n');
  }

  /** The feed's current version: the stored pointer, else the bundled snapshot, else null. */
  currentVersion(id: string): VersionMeta | null {
    const ptr = readJson<{ version: string }>(path.join(this.feedDir(id), 'current.json'));
    if (ptr) {
      const meta = readJson<VersionMeta>(
        path.join(this.feedDir(id), 'versions', `${ptr.version}.json`),
      );
      if (meta) return meta;
    }
    return this.bundledVersion(id)?.meta ?? null;
  }

  /** The stored entries file of a version (`entry \t lo \t hi [\t note]`, hex), or null if bundled. */
  versionFile(id: string, version: string): string | null {
    const file = path.join(this.feedDir(id), 'versions', `${version}.tsv`);
    return fs.existsSync(file) ? file : null;
  }

  /** Entries of a version (stored or bundled). */
  readEntries(id: string, version: string): FeedEntry[] {
    const file = path.join(this.feedDir(id), 'versions', `${version}.tsv`);
    if (!fs.existsSync(file)) {
      const b = this.bundledVersion(id);
      if (b && b.meta.version === version) return b.entries;
      throw new NetsiftError(`${file}: feed version ${version} of ${id} is missing`, 'input');
    }
    const out: FeedEntry[] = [];
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      if (!line) continue;
      const [entry, lo, hi, note] = line.split('\t');
      out.push(
        note
          ? { entry, lo: BigInt(`0x${lo}`), hi: BigInt(`0x${hi}`), note }
          : { entry, lo: BigInt(`0x${lo}`), hi: BigInt(`0x${hi}`) },
      );
    }
    return out;
  }

  private bundledCache = new Map<string, { meta: VersionMeta; entries: FeedEntry[] } | null>();

  bundledVersion(id: string): { meta: VersionMeta; entries: FeedEntry[] } | null {
    if (this.bundledCache.has(id)) return this.bundledCache.get(id)!;
    const snap = bundledSnapshots().find((s) => s.feedId === id);
    let out: { meta: VersionMeta; entries: FeedEntry[] } | null = null;
    if (snap && fs.existsSync(snap.path)) {
      const body = fs.readFileSync(snap.path);
      const parsed = parseFeed(body.toString('utf8'), snap.format);
      const { guarded } = splitGuarded(parsed.entries, guardRanges(DEFAULT_INTERNAL_NETWORKS));
      const large = largeEntries(parsed.entries, guarded);
      out = {
        entries: parsed.entries,
        meta: {
          version: `bundled-${snap.date}`,
          fetchedAt: new Date(`${snap.date}T00:00:00Z`).toISOString(),
          entries: parsed.entries.length,
          sha256: sha256(body),
          sourceUrl: snap.sourceUrl,
          bundled: true,
          invalidLines: parsed.invalidLines,
          invalidSample: parsed.invalidSample,
          guarded,
          large,
        },
      };
    }
    this.bundledCache.set(id, out);
    return out;
  }

  /**
   * Writes a complete new version, then switches the pointer by rename. Old versions beyond the
   * last KEEP_VERSIONS are pruned (never the current one).
   */
  writeVersion(id: string, meta: VersionMeta, entries: FeedEntry[]): void {
    const vdir = path.join(this.feedDir(id), 'versions');
    fs.mkdirSync(vdir, { recursive: true });
    const lines = entries.map(
      (e) =>
        `${e.entry}\t${e.lo.toString(16)}\t${e.hi.toString(16)}${e.note ? `\t${e.note.replace(/[\t\n]/g, ' ')}` : ''}`,
    );
    writeAtomic(path.join(vdir, `${meta.version}.tsv`), lines.join('\n') + '\n');
    writeAtomic(path.join(vdir, `${meta.version}.json`), JSON.stringify(meta, null, 2) + '\n');
    writeAtomic(
      path.join(this.feedDir(id), 'current.json'),
      JSON.stringify({ version: meta.version }) + '\n',
    );
    this.prune(id, meta.version);
  }

  private prune(id: string, current: string): void {
    const vdir = path.join(this.feedDir(id), 'versions');
    const versions = fs
      .readdirSync(vdir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -5))
      .sort();
    for (const v of versions.slice(0, Math.max(0, versions.length - KEEP_VERSIONS))) {
      if (v === current) continue;
      for (const ext of ['.tsv', '.json']) fs.rmSync(path.join(vdir, v + ext), { force: true });
    }
  }

  /** The version's large entries (computed from its entries for versions written before). */
  largeOf(id: string, meta: VersionMeta): { entry: string; reason: string }[] {
    return meta.large ?? largeEntries(this.readEntries(id, meta.version), meta.guarded);
  }

  versions(id: string): VersionMeta[] {
    const vdir = path.join(this.feedDir(id), 'versions');
    if (!fs.existsSync(vdir)) return [];
    return fs
      .readdirSync(vdir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => readJson<VersionMeta>(path.join(vdir, f))!)
      .filter(Boolean);
  }

  removeFeedData(id: string): void {
    fs.rmSync(this.feedDir(id), { recursive: true, force: true });
  }
}

/** A sortable, file-name-safe version id: fetch time plus the start of the body's sha256. */
export function versionId(at: Date, sha: string): string {
  return `${at.toISOString().replace(/[:.]/g, '-')}-${sha.slice(0, 8)}`;
}
