// contract: follow. The open case follows a granted folder (src/shared/follow.ts); how it stands
// and the incidents it raises arrive as the 'follow' and 'incidents' events (src/shared/api.ts).
// Implemented by src/engine/service/follow-service.ts.
import type { FollowFolderRequest, FollowView } from '../follow';
import { methodsOf } from './method-list';

export interface FollowApi {
  /** Starts following (one folder at a time); detection runs after every batch. */
  followFolder(req: FollowFolderRequest): Promise<FollowView>;
  /** How following stands (the last session's end until another starts); null: never followed. */
  followStatus(): Promise<FollowView | null>;
  /** Stops following gracefully: what is complete is written and detected. */
  stopFollow(): Promise<FollowView | null>;
}

export const FOLLOW_METHODS = methodsOf<FollowApi>()([
  'followFolder',
  'followStatus',
  'stopFollow',
]);
