// Address kind in TypeScript, for results already aggregated by address text (grouping 10M rows
// by the UHUGEINT columns is far slower in DuckDB than by the text). Same rules as the SQL
// macros: non-hosts (multicast, broadcast, unspecified) first, then the case's internal
// networks, then the special-purpose range an outside address is in, else public.
import type { HostKind } from '../../shared/query';
import type { CaseReader } from '../store/case-reader';
import { inRanges, nonHostKind, parseCidr, specialKind, type IpRange } from '../util/ip';

export async function hostKinder(store: CaseReader): Promise<(ip: string) => HostKind> {
  const internal = (await store.internalNetworks())
    .map(parseCidr)
    .filter((r): r is IpRange => r !== null);
  // the one address-class rule (addressClass): non-hosts first, then the site, then the range
  return (ip) =>
    nonHostKind(ip) ?? (inRanges(ip, internal) ? 'internal' : (specialKind(ip) ?? 'public'));
}
