// What the blacklist detector matches: each enabled feed's current version (read once, so a refresh
// during detection cannot mix versions), minus guarded entries (special space, internal networks,
// very large ranges of feeds not trusted for them) and allow-listed space. The last
// set is kept in memory under a key naming everything it derives from (versions are immutable),
// so re-running detection without a feed change neither re-reads nor re-copies 100k ranges.
import type { FeedStatus } from '../../shared/feeds';
import { FeedStore } from './feed-store';
import { guardRanges, guardReason, parseAllowList, subtractAllowed } from './guard';
import { largeRangeReason } from './large-range';

export interface MatchRange {
  feed_id: string;
  feed_version: string;
  entry: string;
  lo: bigint;
  hi: bigint;
}

/**
 * How a feed's part of the set can be copied into a case: its stored entries file, minus the
 * entries not kept whole (guarded, or cut by the allow-list), plus the pieces left of the cut
 * ones. Absent for bundled snapshots (no file): their `ranges` are copied as they are.
 */
export interface FeedFileCopy {
  feed_id: string;
  feed_version: string;
  file: string;
  dropped: { lo: bigint; hi: bigint }[];
  pieces: MatchRange[];
}

export interface MatchSet {
  /** Identifies the set: home, feed versions, allow-list, internal networks. Treat as read-only. */
  key: string;
  ranges: MatchRange[];
  /** Feed id -> version matched (the case records these). */
  versions: Record<string, string>;
  guarded: { feed_id: string; entry: string; reason: string }[];
  allowList: string[];
  /** Feeds whose ranges can be copied from their stored file (see FeedFileCopy). */
  files: FeedFileCopy[];
}

let last: MatchSet | null = null;

export function loadMatchSet(home: string, internalNetworks: string[]): MatchSet {
  const store = new FeedStore(home);
  const cat = store.catalogue();
  const current: [string, string, boolean][] = [];
  for (const f of cat.feeds.filter((x) => x.enabled)) {
    const v = store.currentVersion(f.id);
    if (v) current.push([f.id, v.version, !!f.trustLargeRanges]);
  }
  const key = JSON.stringify([home, current, cat.allowList, internalNetworks]);
  if (last?.key === key) return last;
  const allowed = parseAllowList(cat.allowList);
  const guards = guardRanges(internalNetworks);
  const out: MatchSet = {
    key,
    ranges: [],
    versions: {},
    guarded: [],
    allowList: cat.allowList,
    files: [],
  };
  for (const [id, version, trustLarge] of current) {
    const entries = store.readEntries(id, version);
    out.versions[id] = version;
    const file = store.versionFile(id, version);
    const copy: FeedFileCopy | null = file
      ? { feed_id: id, feed_version: version, file, dropped: [], pieces: [] }
      : null;
    const drop = (e: { lo: bigint; hi: bigint }) => copy?.dropped.push({ lo: e.lo, hi: e.hi });
    for (const e of entries) {
      const reason = guardReason(e, guards) ?? (trustLarge ? null : largeRangeReason(e));
      if (reason) {
        out.guarded.push({ feed_id: id, entry: e.entry, reason });
        drop(e);
        continue;
      }
      const pieces = allowed.length
        ? subtractAllowed(e.lo, e.hi, allowed)
        : [[e.lo, e.hi] as [bigint, bigint]];
      const whole = pieces.length === 1 && pieces[0][0] === e.lo && pieces[0][1] === e.hi;
      if (!whole) drop(e);
      for (const [lo, hi] of pieces) {
        const r = { feed_id: id, feed_version: version, entry: e.entry, lo, hi };
        out.ranges.push(r);
        if (!whole) copy?.pieces.push(r);
      }
    }
    if (copy) out.files.push(copy);
  }
  last = out;
  return out;
}

export type { FeedStatus };
