// The service side of the site model: read it, change it (the networks are checked as the CLI's
// --internal is; null means netsift's defaults). The service re-runs detection afterwards when
// the case has been analysed, so every incident, mark and filter follows the new networks.
import type { SiteModel } from '../../shared/site';
import { parseNetworkList, readSite, resetSite, writeSite } from '../site/site-model';
import type { CaseStore } from '../store/case-store';
import { NetsiftError } from '../core/errors';

export function siteModel(store: CaseStore): Promise<SiteModel> {
  return readSite(store);
}

/** Stores the new networks; answers whether detection has run on the case (and should again). */
export async function changeSite(store: CaseStore, internal: string[] | null): Promise<boolean> {
  if (internal !== null && !Array.isArray(internal))
    throw new NetsiftError(
      'internal networks: expected a list of networks (or null for the defaults)',
      'usage',
    );
  if (internal === null) await resetSite(store);
  else
    await writeSite(store, parseNetworkList(internal.map(String), 'internal networks'), 'analyst');
  const runs = await store.one<{ n: number }>('SELECT count(*) AS n FROM analysis_runs');
  return (runs?.n ?? 0) > 0;
}
