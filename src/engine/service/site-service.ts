// contract: site (src/shared/contracts/site.ts). The case's internal networks; a change re-runs
// detection on an analysed case (site-ops.ts, rerun-detection.ts).
import type { SiteApi } from '../../shared/contracts/site';
import type { SiteChange, SiteModel } from '../../shared/site';
import type { CaseSession } from './case-session';
import { rerunDetection } from './rerun-detection';
import { changeSite, siteModel } from './site-ops';

export class SiteService implements SiteApi {
  constructor(private readonly s: CaseSession) {}

  async site(): Promise<SiteModel> {
    return siteModel(this.s.requireStore());
  }

  /** New internal networks, then detection again when the case was analysed. */
  async setSite(internal: string[] | null): Promise<SiteChange> {
    const store = this.s.requireStore();
    this.s.refuseWhileRunning();
    const analysed = await changeSite(store, internal);
    const rerun = analysed ? await rerunDetection(this.s) : null;
    return { site: await siteModel(store), rerun };
  }
}
