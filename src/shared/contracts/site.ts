// contract: site. The case's internal networks (src/shared/site.ts).
// Implemented by src/engine/service/site-service.ts.
import type { SiteChange, SiteModel } from '../site';
import { methodsOf } from './method-list';

export interface SiteApi {
  site(): Promise<SiteModel>;
  /** Sets the internal networks (null: netsift's defaults) and re-runs detection on an analysed case. */
  setSite(internal: string[] | null): Promise<SiteChange>;
}

export const SITE_METHODS = methodsOf<SiteApi>()(['site', 'setSite']);
