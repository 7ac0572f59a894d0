// Refreshing one feed: fetch (or re-read its local file), validate, and only then replace the
// current version. Anything suspicious (HTTP error, HTML, empty, mostly invalid, lost most of its
// entries) is refused: the old version stays and the error is kept in the feed's state.
import fs from 'node:fs';
import type { FeedSpec } from '../../shared/feeds';
import { NetsiftError } from '../core/errors';
import { DEFAULT_INTERNAL_NETWORKS } from '../util/ip';
import { fetchFeed, type FetchOptions } from './fetch';
import { FeedStore, sha256, versionId, type FeedState, type VersionMeta } from './feed-store';
import { parseFeed } from './formats';
import { guardRanges, splitGuarded } from './guard';
import { largeEntries } from './large-range';

export interface RefreshOptions extends Omit<FetchOptions, 'etag' | 'lastModified'> {
  /** Ignore the feed's refresh interval (never its publisher's minimum). */
  force?: boolean;
  /** Refuse a list that keeps fewer than this share of the previous version's entries. */
  minKeepRatio?: number;
  now?: () => Date;
}

export type RefreshOutcome = 'updated' | 'unchanged' | 'skipped' | 'failed';

export interface RefreshResult {
  id: string;
  outcome: RefreshOutcome;
  error: string | null;
  version: string | null;
}

function secondsSince(iso: string | null, now: Date): number {
  return iso ? (now.getTime() - Date.parse(iso)) / 1000 : Infinity;
}

/** Looks like an HTML page (a captive portal, an error or login page served with status 200). */
export function looksLikeHtml(text: string, contentType: string | null): boolean {
  if (contentType && /text\/html|application\/xhtml/i.test(contentType)) return true;
  const head = text.slice(0, 2048).trimStart().toLowerCase();
  return (
    head.startsWith('<!doctype html') ||
    head.startsWith('<html') ||
    /<(html|head|body|title)[\s>]/.test(head)
  );
}

/** Checks a body and turns it into a version, or throws saying why it was refused. */
export function buildVersion(
  spec: FeedSpec,
  body: Buffer,
  contentType: string | null,
  previous: VersionMeta | null,
  at: Date,
  minKeepRatio: number,
  /** Where the body came from after redirects (a URL feed). */
  finalUrl: string | null = null,
): { meta: VersionMeta; entries: ReturnType<typeof parseFeed>['entries'] } {
  const text = body.toString('utf8');
  if (text.trim() === '')
    throw new NetsiftError('refused: the body is empty (old list kept)', 'input');
  if (looksLikeHtml(text, contentType))
    throw new NetsiftError(
      'refused: the body is an HTML page, not a list (old list kept)',
      'input',
    );
  const parsed = parseFeed(text, spec.format);
  if (parsed.entries.length === 0)
    throw new NetsiftError(
      `refused: no valid entries for format ${spec.format} (${parsed.invalidLines} invalid lines` +
        `${firstBadLine(parsed.invalidSample)}; old list kept)`,
      'input',
    );
  if (parsed.invalidLines > parsed.entries.length)
    throw new NetsiftError(
      `refused: ${parsed.invalidLines} invalid lines against ${parsed.entries.length} valid ones - wrong format? ` +
        `(${firstBadLine(parsed.invalidSample).slice(2) || 'see the file'}; old list kept)`,
      'input',
    );
  // a bundled snapshot is no baseline: a list from years ago says nothing about today's size
  if (previous && !previous.bundled && parsed.entries.length < previous.entries * minKeepRatio)
    throw new NetsiftError(
      `refused: ${parsed.entries.length} entries against ${previous.entries} in the current version ` +
        `(below ${Math.round(minKeepRatio * 100)}%; a partial or broken list? old list kept)`,
      'input',
    );
  const sha = sha256(body);
  const { guarded } = splitGuarded(parsed.entries, guardRanges(DEFAULT_INTERNAL_NETWORKS));
  return {
    entries: parsed.entries,
    meta: {
      version: versionId(at, sha),
      fetchedAt: at.toISOString(),
      entries: parsed.entries.length,
      sha256: sha,
      sourceUrl: finalUrl ?? spec.url ?? (spec.file ? `file://${spec.file}` : null),
      ...(finalUrl && spec.url && finalUrl !== spec.url ? { redirectedFrom: spec.url } : {}),
      invalidLines: parsed.invalidLines,
      invalidSample: parsed.invalidSample,
      guarded,
      large: largeEntries(parsed.entries, guarded),
    },
  };
}

export async function refreshFeed(
  store: FeedStore,
  spec: FeedSpec,
  opts: RefreshOptions = {},
): Promise<RefreshResult> {
  const now = opts.now?.() ?? new Date();
  const state: FeedState = store.state(spec.id);
  const floor = spec.minIntervalSeconds ?? 0;
  const wait = Math.max(floor, opts.force ? 0 : spec.intervalSeconds);
  // the publisher's floor counts every request we made; our own interval only successful checks
  const since =
    opts.force || floor >= spec.intervalSeconds
      ? secondsSince(state.lastAttemptAt, now)
      : secondsSince(state.lastCheckedAt, now);
  if ((spec.url || spec.file) && since < wait) {
    return {
      id: spec.id,
      outcome: 'skipped',
      error: null,
      version: store.currentVersion(spec.id)?.version ?? null,
    };
  }
  const current = store.currentVersion(spec.id);
  const next: FeedState = { ...state, lastAttemptAt: now.toISOString() };
  try {
    let body: Buffer;
    let contentType: string | null = null;
    let finalUrl: string | null = null;
    let validators = { etag: null as string | null, lastModified: null as string | null };
    if (spec.url) {
      const stored = current && !current.bundled;
      const res = await fetchFeed(spec.url, {
        ...opts,
        etag: stored ? state.etag : null,
        lastModified: stored ? state.lastModified : null,
      });
      // validators are kept only with an accepted body: a refused one must be fetched again
      validators = { etag: res.etag, lastModified: res.lastModified };
      if (res.status === 304 || !res.body) {
        Object.assign(next, {
          lastCheckedAt: now.toISOString(),
          lastError: null,
          lastOutcome: 'unchanged',
        });
        store.saveState(spec.id, next);
        return {
          id: spec.id,
          outcome: 'unchanged',
          error: null,
          version: current?.version ?? null,
        };
      }
      body = res.body;
      contentType = res.contentType;
      finalUrl = res.url;
    } else if (spec.file) {
      try {
        body = fs.readFileSync(spec.file);
      } catch (e) {
        throw new NetsiftError(
          `${spec.file}: cannot read the feed file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
          'input',
        );
      }
    } else {
      throw new NetsiftError(`feed ${spec.id} has neither a URL nor a file`, 'usage');
    }
    next.lastCheckedAt = now.toISOString();
    if (current && !current.bundled && current.sha256 === sha256(body)) {
      Object.assign(next, { ...validators, lastError: null, lastOutcome: 'unchanged' });
      store.saveState(spec.id, next);
      return { id: spec.id, outcome: 'unchanged', error: null, version: current.version };
    }
    const v = buildVersion(
      spec,
      body,
      contentType,
      current,
      now,
      opts.minKeepRatio ?? 0.5,
      finalUrl,
    );
    store.writeVersion(spec.id, v.meta, v.entries);
    Object.assign(next, { ...validators, lastError: null, lastOutcome: 'updated' });
    store.saveState(spec.id, next);
    return { id: spec.id, outcome: 'updated', error: null, version: v.meta.version };
  } catch (e) {
    const msg = e instanceof NetsiftError ? e.message : `unexpected error: ${(e as Error).message}`;
    Object.assign(next, { lastError: msg, lastOutcome: 'failed' });
    store.saveState(spec.id, next);
    return { id: spec.id, outcome: 'failed', error: msg, version: current?.version ?? null };
  }
}

/**
 * Where the first invalid line is, without its text: a body refused as a list may be anything (a
 * local file named by mistake, a password hash), and the message reaches the page and the logs.
 */
function firstBadLine(samples: string[]): string {
  const n = /^line (\d+)/.exec(samples[0] ?? '')?.[1];
  return n ? `, first at line ${n}` : '';
}
