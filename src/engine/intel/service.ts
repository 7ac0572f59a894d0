// FeedService: the one entry point to the app-wide feed catalogue for the doors (Electron main,
// CLI, loopback server). Refresh runs as a Job with per-feed progress.
import fs from 'node:fs';
import path from 'node:path';
import type { FeedAddRequest, FeedSpec, FeedStatus } from '../../shared/feeds';
import { Job } from '../core/job';
import { NetsiftError } from '../core/errors';
import { FeedStore, checkFeedId } from './feed-store';
import { checkFeedFormat } from './formats';
import { parseAllowList } from './guard';
import { refreshFeed, type RefreshOptions, type RefreshResult } from './refresh';
import { feedStatus } from './status';

/** Feeds fetched at once: all six defaults in parallel, without flooding a slow link. */
const PARALLEL = 6;

export class FeedService {
  readonly store: FeedStore;

  constructor(readonly home: string) {
    this.store = new FeedStore(home);
  }

  async list(): Promise<FeedStatus[]> {
    const now = new Date();
    return this.store.catalogue().feeds.map((f) => feedStatus(this.store, f, now));
  }

  async status(id: string): Promise<FeedStatus> {
    return feedStatus(this.store, this.store.feed(id));
  }

  /**
   * Refreshes one feed, or every enabled feed. Feeds not yet due (their interval) are skipped;
   * `force` ignores the interval but never the publisher's minimum. Per-feed failures do not fail
   * the job: they are in each status' lastError (and in `results`).
   */
  refresh(
    id?: string,
    opts: RefreshOptions = {},
  ): Job<FeedStatus[]> & { results?: RefreshResult[] } {
    const job: Job<FeedStatus[]> & { results?: RefreshResult[] } = new Job(
      'feeds-refresh',
      async (ctx) => {
        const feeds = id
          ? [this.store.feed(id)]
          : this.store.catalogue().feeds.filter((f) => f.enabled);
        const results: RefreshResult[] = [];
        let done = 0;
        ctx.progress({ phase: 'refreshing feeds', done, total: feeds.length, unit: 'feeds' });
        const queue = [...feeds];
        const worker = async () => {
          for (let f = queue.shift(); f; f = queue.shift()) {
            ctx.checkCancelled();
            const r = await refreshFeed(this.store, f, { ...opts, signal: ctx.signal });
            results.push(r);
            done++;
            ctx.progress({
              phase: 'refreshing feeds',
              done,
              total: feeds.length,
              unit: 'feeds',
              message: `${f.id}: ${r.outcome}`,
            });
          }
        };
        await Promise.all(Array.from({ length: Math.min(PARALLEL, feeds.length) }, worker));
        job.results = results;
        const now = new Date();
        return feeds.map((f) => feedStatus(this.store, f, now));
      },
    );
    return job;
  }

  async setEnabled(id: string, enabled: boolean): Promise<FeedStatus> {
    const f = await this.store.updateCatalogue((c) => {
      const f = c.feeds.find((x) => x.id === id);
      if (!f) throw new NetsiftError(`no feed "${id}"`, 'usage');
      f.enabled = enabled;
      return f;
    });
    return feedStatus(this.store, f);
  }

  /**
   * Adds a feed. A URL feed is fetched on the next refresh; a file feed is imported now (the file
   * is read again on refresh, if it is still there). With `replace`, an existing feed of that id is
   * redefined (its versions are kept).
   */
  async add(req: FeedAddRequest, opts: { replace?: boolean } = {}): Promise<FeedStatus> {
    checkFeedId(req.id);
    const format = checkFeedFormat(req.format);
    if (!!req.url === !!req.file)
      throw new NetsiftError('a feed needs either a URL or a file (not both)', 'usage');
    if (req.url) {
      // the form is checked here; offline mode (loopback only) is checked when fetching
      let u: URL | null = null;
      try {
        u = new URL(req.url);
      } catch {
        // reported below
      }
      if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:'))
        throw new NetsiftError(`"${req.url}" is not an http(s) URL`, 'usage');
    }
    const file = req.file ? path.resolve(req.file) : undefined;
    if (file && !fs.existsSync(file)) throw new NetsiftError(`${file}: no such file`, 'input');
    const interval = req.intervalSeconds ?? 3600;
    if (!Number.isFinite(interval) || interval < 0)
      throw new NetsiftError(
        `interval must be a number of seconds >= 0 (got ${req.intervalSeconds})`,
        'usage',
      );
    // the whole add holds the catalogue lock: the id check, a file feed's import and the write
    const spec = await this.store.updateCatalogue(async (c) => {
      const at = c.feeds.findIndex((x) => x.id === req.id);
      if (at >= 0 && !opts.replace)
        throw new NetsiftError(`a feed "${req.id}" already exists (remove it first)`, 'usage');
      const spec: FeedSpec = {
        id: req.id,
        name: req.name ?? req.id,
        ...(req.url ? { url: req.url } : {}),
        ...(file ? { file } : {}),
        format,
        enabled: req.enabled ?? true,
        intervalSeconds: interval,
        ...(at >= 0 && c.feeds[at].minIntervalSeconds
          ? { minIntervalSeconds: c.feeds[at].minIntervalSeconds }
          : {}),
        ...(req.licence ? { licence: req.licence } : {}),
        ...(req.trustLargeRanges ? { trustLargeRanges: true } : {}),
      };
      if (file) {
        // import first: a file that is not a valid list is refused before the catalogue changes
        const r = await refreshFeed(this.store, spec, { force: true });
        if (r.outcome === 'failed') {
          if (at < 0) this.store.removeFeedData(spec.id);
          throw new NetsiftError(`${file}: ${r.error}`, 'input');
        }
      }
      if (at >= 0) c.feeds[at] = spec;
      else c.feeds.push(spec);
      return spec;
    });
    return feedStatus(this.store, spec);
  }

  async remove(id: string): Promise<void> {
    await this.store.updateCatalogue((c) => {
      const at = c.feeds.findIndex((x) => x.id === id);
      if (at < 0) throw new NetsiftError(`no feed "${id}"`, 'usage');
      c.feeds.splice(at, 1);
    });
    this.store.removeFeedData(id);
  }

  async allowList(): Promise<string[]> {
    return this.store.catalogue().allowList;
  }

  async setAllowList(entries: string[]): Promise<string[]> {
    return this.editAllowList(() => entries);
  }

  /** Adds one entry (kept once) or removes one, in one locked read-modify-write. */
  async addAllow(entry: string): Promise<string[]> {
    return this.editAllowList((cur) => [...cur, entry]);
  }

  async removeAllow(entry: string): Promise<string[]> {
    return this.editAllowList((cur) => {
      if (!cur.includes(entry.trim()))
        throw new NetsiftError(`"${entry}" is not on the allow-list`, 'usage');
      return cur.filter((x) => x !== entry.trim());
    });
  }

  private editAllowList(edit: (current: string[]) => string[]): Promise<string[]> {
    return this.store.updateCatalogue((c) => {
      const clean = [
        ...new Set(
          edit(c.allowList)
            .map((e) => e.trim())
            .filter(Boolean),
        ),
      ];
      try {
        parseAllowList(clean);
      } catch (e) {
        throw new NetsiftError((e as Error).message, 'usage');
      }
      c.allowList = clean;
      return clean;
    });
  }
}
