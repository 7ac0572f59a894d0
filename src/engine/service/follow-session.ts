// "Follow a folder" on the service's open case (issue 20): one follower at a time, run as the
// engine's follow job (src/engine/follow/follow-job.ts) with incremental detection after every
// batch. What it tells the page goes out as events: 'follow' (how it stands: every second, after
// each batch and each detection run) and 'incidents' (the incidents that appeared at or above the
// analyst's severity: the workspace's toast, Electron's desktop notification). The follow is not
// one of the registry's jobs: it runs for hours beside the analyst's other work, and the page's
// jobs view is for imports that end.
import type { ServerEvent } from '../../shared/api';
import type { FollowView } from '../../shared/follow';
import type { Severity } from '../../shared/model';
import { worthTelling } from '../../shared/follow-notice';
import type { IncrementalResult } from '../analysis/incremental';
import { NetsiftError } from '../core/errors';
import { startFollow, type FollowHandle } from '../follow/follow-job';
import type { Follower } from '../follow/follower';
import type { CaseStore } from '../store/case-store';

export interface FollowSessionHooks {
  publish(e: ServerEvent): void;
  /** flows were written or deleted (a batch, a retention drop): cached results are stale */
  flowsChanged(store: CaseStore): void;
  /** a detection run was written: the case's figures changed */
  detected(store: CaseStore): void;
}

export interface FollowStart {
  store: CaseStore;
  folder: string;
  newOnly: boolean;
  notify: Severity | null;
  format?: string;
}

interface Current {
  store: CaseStore;
  handle: FollowHandle;
  folder: string;
  notify: Severity | null;
}

export class FollowSession {
  private cur: Current | null = null;
  /** the last session's final view, shown until another starts */
  private last: FollowView | null = null;

  constructor(private readonly hooks: FollowSessionHooks) {}

  following(store?: CaseStore | null): boolean {
    return !!this.cur && (store === undefined || this.cur.store === store);
  }

  async start(s: FollowStart): Promise<FollowView> {
    if (this.cur)
      throw new NetsiftError(
        `already following ${this.cur.folder}; stop following it first`,
        'usage',
      );
    const handle = startFollow(
      s.store,
      {
        source: { kind: 'folder', path: s.folder },
        format: s.format,
        newOnly: s.newOnly,
        detectEveryBatches: 1,
      },
      { detection: {}, progressMs: 1000 },
    );
    const follower = await handle.follower; // a refused request throws here
    const cur: Current = { store: s.store, handle, folder: s.folder, notify: s.notify };
    this.cur = cur;
    this.wire(cur, follower);
    void handle.job.result
      .catch(() => undefined)
      .finally(() => {
        this.last = this.viewOf(cur);
        if (this.cur === cur) this.cur = null;
        this.hooks.flowsChanged(cur.store);
        this.hooks.publish({ type: 'follow', follow: this.last });
      });
    const view = this.viewOf(cur)!;
    this.hooks.publish({ type: 'follow', follow: view });
    return view;
  }

  private wire(cur: Current, f: Follower): void {
    const publish = () => this.hooks.publish({ type: 'follow', follow: this.viewOf(cur) });
    cur.handle.job.onProgress(publish);
    f.onBatch(() => {
      this.hooks.flowsChanged(cur.store);
      publish();
    });
    // notes include retention drops, which delete flows
    f.onEvent(() => this.hooks.flowsChanged(cur.store));
    f.onDetection((r: IncrementalResult) => {
      this.hooks.detected(cur.store);
      publish();
      const notices = cur.notify ? worthTelling(r.changes, cur.notify) : [];
      if (notices.length) this.hooks.publish({ type: 'incidents', notices });
    });
  }

  private viewOf(cur: Current): FollowView | null {
    const status = cur.handle.status();
    return status ? { folder: cur.folder, notify: cur.notify, status } : null;
  }

  view(): FollowView | null {
    return this.cur ? this.viewOf(this.cur) : this.last;
  }

  /** A detection run now on the followed case (rules or site changed); null when not following it. */
  async detectNow(store: CaseStore): Promise<IncrementalResult | null> {
    if (!this.cur || this.cur.store !== store) return null;
    return (await this.cur.handle.follower).detectNow();
  }

  /** Stops gracefully (the last batch written and detected); the final view. */
  async stop(reason = 'stopped'): Promise<FollowView | null> {
    const cur = this.cur;
    if (!cur) return this.last;
    await cur.handle.stop(reason).catch(() => undefined);
    await cur.handle.job.result.catch(() => undefined);
    this.last = this.viewOf(cur);
    if (this.cur === cur) this.cur = null;
    return this.last;
  }

  /** A case is closing: stop following it and forget the last view. */
  async caseClosing(store: CaseStore | null): Promise<void> {
    if (this.cur && (store === null || this.cur.store === store))
      await this.stop('the case was closed');
    this.last = null;
  }
}
