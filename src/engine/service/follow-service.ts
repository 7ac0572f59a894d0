// contract: follow (src/shared/contracts/follow.ts). The open case follows a granted folder: one
// follower at a time, run by the session's FollowSession (follow-session.ts) with incremental
// detection after every batch; events 'follow' and 'incidents' tell the page how it stands.
import fs from 'node:fs';
import type { FollowApi } from '../../shared/contracts/follow';
import type { FollowFolderRequest, FollowView } from '../../shared/follow';
import { NOTIFY_SEVERITIES, isSeverity } from '../../shared/follow-notice';
import { NetsiftError } from '../core/errors';
import type { CaseSession } from './case-session';

export class FollowService implements FollowApi {
  constructor(private readonly s: CaseSession) {}

  async followFolder(req: FollowFolderRequest): Promise<FollowView> {
    const store = this.s.requireStore();
    if (store.readOnly)
      throw new NetsiftError(
        `${store.path}: the case is open read-only; cannot follow into it`,
        'case',
      );
    this.s.refuseWhileRunning();
    if (!req || typeof req !== 'object')
      throw new NetsiftError('followFolder takes { path, newOnly?, notify? }', 'usage');
    const folder = this.s.grants.checkFolder(req.path, 'folder to follow');
    if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory())
      throw new NetsiftError(`${String(req.path)}: not a folder`, 'input');
    const notify = req.notify ?? null;
    if (notify !== null && !(isSeverity(notify) && NOTIFY_SEVERITIES.includes(notify)))
      throw new NetsiftError(
        `notify: one of ${NOTIFY_SEVERITIES.join(', ')}, or null (got ${String(notify)})`,
        'usage',
      );
    return this.s.following.start({
      store,
      folder,
      newOnly: !!req.newOnly,
      notify,
      format: typeof req.format === 'string' ? req.format : undefined,
    });
  }

  async followStatus(): Promise<FollowView | null> {
    return this.s.following.view();
  }

  async stopFollow(): Promise<FollowView | null> {
    return this.s.following.stop('stopped in the workspace');
  }
}
