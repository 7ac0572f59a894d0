// After a feed refresh, the open case is matched again against the new versions without a
// re-import: only the blacklist detector runs (the runner's `only` option).
import type { FeedStatus } from '../../shared/feeds';
import { runDetection, type DetectionResult } from '../analysis/runner';
import { Job } from '../core/job';
import type { CaseStore } from '../store/case-store';
import type { FeedService } from './service';

export interface RefreshAndRedetect {
  feeds: FeedStatus[];
  /** Null when no feed changed (nothing to re-match). */
  detection: DetectionResult | null;
}

export function refreshAndRedetect(
  svc: FeedService,
  store: CaseStore,
  id?: string,
): Job<RefreshAndRedetect> {
  return new Job('feeds-refresh-redetect', async (ctx) => {
    const refresh = svc.refresh(id);
    ctx.onCancel(() => refresh.cancel());
    refresh.onProgress((p) =>
      ctx.progress({
        phase: `feeds: ${p.phase}`,
        done: p.done,
        total: p.total,
        unit: p.unit,
        message: p.message,
      }),
    );
    const feeds = await refresh.result;
    if (!refresh.results?.some((r) => r.outcome === 'updated')) return { feeds, detection: null };
    ctx.checkCancelled();
    const detect = runDetection(store, { only: ['blacklist'] });
    ctx.onCancel(() => detect.cancel());
    detect.onProgress((p) =>
      ctx.progress({
        phase: `blacklist: ${p.phase}`,
        done: p.done,
        total: p.total,
        unit: p.unit,
        message: p.message,
      }),
    );
    return { feeds, detection: await detect.result };
  });
}
