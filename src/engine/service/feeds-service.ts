// contract: feeds (src/shared/contracts/feeds.ts). The threat-intel lists through the engine's
// feed operations (engine-ops.ts; src/engine/intel does the work). A refresh that changed a list
// matches it again on the open case at once.
import type { FeedsApi } from '../../shared/contracts/feeds';
import type { FeedAddRequest, FeedStatus } from '../../shared/feeds';
import { NetsiftError } from '../core/errors';
import type { CaseSession } from './case-session';

export class FeedsService implements FeedsApi {
  constructor(private readonly s: CaseSession) {}

  async feeds(): Promise<FeedStatus[]> {
    return this.ops().list();
  }

  async refreshFeeds(ids?: string[]): Promise<FeedStatus[]> {
    return this.refreshThenRematch(() => this.ops().refresh(ids));
  }

  /**
   * Only the feeds that are due (each keeps its own interval): the desktop app's start-up and
   * timer. Not in the contract: the page asks for a refresh with refreshFeeds.
   */
  async refreshDue(): Promise<FeedStatus[]> {
    const ops = this.ops();
    return this.refreshThenRematch(() => (ops.refreshDue ? ops.refreshDue() : Promise.resolve()));
  }

  async setFeedEnabled(id: string, enabled: boolean): Promise<FeedStatus[]> {
    await this.ops().setEnabled(id, enabled);
    return this.feeds();
  }

  async addFeed(spec: FeedAddRequest): Promise<FeedStatus[]> {
    // a list file must be one the user granted, like any other path the page names
    if (spec && typeof spec === 'object' && spec.file != null)
      spec = { ...spec, file: this.s.grants.check(spec.file, 'feed file') };
    await this.ops().add(spec);
    return this.feeds();
  }

  async removeFeed(id: string): Promise<FeedStatus[]> {
    await this.ops().remove(id);
    return this.feeds();
  }

  private ops() {
    const f = this.s.opts.ops.feeds;
    if (!f)
      throw new NetsiftError('threat-intel feeds are not available in this build', 'internal');
    return f;
  }

  /**
   * A refresh that changed a list is matched again on the open case at once: the blacklist
   * detector alone, on the flows already imported (the runner keeps the other detectors' alerts).
   */
  private async refreshThenRematch(refresh: () => Promise<unknown>): Promise<FeedStatus[]> {
    const versions = (l: FeedStatus[]) =>
      JSON.stringify(l.map((f) => [f.id, f.enabled, f.current?.sha256 ?? null]));
    const before = versions(await this.feeds());
    await refresh();
    const after = await this.feeds();
    const store = this.s.store;
    if (store && versions(after) !== before && this.s.following.following(store)) {
      // while following, the follower's own detection runs now (it owns the case's alerts)
      await this.s.following.detectNow(store).catch(() => undefined);
    } else if (store && versions(after) !== before && !this.s.registry.running()) {
      const job = this.s.opts.ops.runDetection(store, {
        only: ['blacklist'],
        ...this.s.flowsFor(store),
      });
      if (job) {
        await job.result;
        await this.s.publishCase();
      }
    }
    return after;
  }
}
