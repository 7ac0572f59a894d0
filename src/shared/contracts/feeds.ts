// contract: feeds. Threat-intel lists: status, refresh (a changed list is matched again on the
// open case), enable, add, remove. Implemented by src/engine/service/feeds-service.ts.
import type { FeedAddRequest, FeedStatus } from '../feeds';
import { methodsOf } from './method-list';

export interface FeedsApi {
  feeds(): Promise<FeedStatus[]>;
  refreshFeeds(ids?: string[]): Promise<FeedStatus[]>;
  setFeedEnabled(id: string, enabled: boolean): Promise<FeedStatus[]>;
  addFeed(req: FeedAddRequest): Promise<FeedStatus[]>;
  removeFeed(id: string): Promise<FeedStatus[]>;
}

export const FEEDS_METHODS = methodsOf<FeedsApi>()([
  'feeds',
  'refreshFeeds',
  'setFeedEnabled',
  'addFeed',
  'removeFeed',
]);
