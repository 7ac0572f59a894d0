// A feed's status as the UI and CLI show it: spec, current version, age, warnings, last error.
import type { FeedSpec, FeedStatus } from '../../shared/feeds';
import type { FeedStore } from './feed-store';

export function feedStatus(store: FeedStore, spec: FeedSpec, now = new Date()): FeedStatus {
  const current = store.currentVersion(spec.id);
  const state = store.state(spec.id);
  return {
    ...spec,
    current: current
      ? {
          version: current.version,
          fetchedAt: current.fetchedAt,
          entries: current.entries,
          sha256: current.sha256,
          sourceUrl: current.sourceUrl,
          ...(current.redirectedFrom ? { redirectedFrom: current.redirectedFrom } : {}),
          ...(current.bundled ? { bundled: true } : {}),
        }
      : null,
    ageSeconds: current
      ? Math.max(0, Math.round((now.getTime() - Date.parse(current.fetchedAt)) / 1000))
      : null,
    lastAttemptAt: state.lastAttemptAt,
    lastCheckedAt: state.lastCheckedAt,
    lastOutcome: state.lastOutcome,
    lastError: state.lastError,
    guarded: current
      ? [...current.guarded, ...(spec.trustLargeRanges ? [] : store.largeOf(spec.id, current))]
      : [],
    invalidLines: current?.invalidLines ?? 0,
    invalidSample: current?.invalidSample ?? [],
  };
}
