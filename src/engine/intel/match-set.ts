// What the blacklist detector matches: each enabled feed's current version (read once, so a refresh
// during detection cannot mix versions), minus guarded entries and allow-listed space.
import type { FeedStatus } from '../../shared/feeds';
import { FeedStore } from './feed-store';
import { guardRanges, parseAllowList, splitGuarded, subtractAllowed } from './guard';

export interface MatchRange {
  feed_id: string;
  feed_version: string;
  entry: string;
  lo: bigint;
  hi: bigint;
}

export interface MatchSet {
  ranges: MatchRange[];
  /** Feed id -> version matched (the case records these). */
  versions: Record<string, string>;
  guarded: { feed_id: string; entry: string; reason: string }[];
  allowList: string[];
}

export function loadMatchSet(home: string, internalNetworks: string[]): MatchSet {
  const store = new FeedStore(home);
  const cat = store.catalogue();
  const allowed = parseAllowList(cat.allowList);
  const guards = guardRanges(internalNetworks);
  const out: MatchSet = { ranges: [], versions: {}, guarded: [], allowList: cat.allowList };
  for (const f of cat.feeds.filter((x) => x.enabled)) {
    const v = store.currentVersion(f.id);
    if (!v) continue;
    const entries = store.readEntries(f.id, v.version);
    out.versions[f.id] = v.version;
    const { kept, guarded } = splitGuarded(entries, guards);
    for (const g of guarded) out.guarded.push({ feed_id: f.id, ...g });
    for (const e of kept) {
      const pieces = allowed.length
        ? subtractAllowed(e.lo, e.hi, allowed)
        : [[e.lo, e.hi] as [bigint, bigint]];
      for (const [lo, hi] of pieces)
        out.ranges.push({ feed_id: f.id, feed_version: v.version, entry: e.entry, lo, hi });
    }
  }
  return out;
}

export type { FeedStatus };
