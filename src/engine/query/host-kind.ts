// Address kind in TypeScript, for results already aggregated by address text (grouping 10M rows
// by the UHUGEINT columns is far slower in DuckDB than by the text). Same rules as the SQL
// macros: the analyst's internal networks first, then special-purpose space, else public.
import type { HostKind } from '../../shared/query';
import type { CaseStore } from '../store/case-store';
import { inRanges, parseCidr, specialKind, type IpRange } from '../util/ip';

export async function hostKinder(store: CaseStore): Promise<(ip: string) => HostKind> {
  const internal = (await store.internalNetworks())
    .map(parseCidr)
    .filter((r): r is IpRange => r !== null);
  return (ip) => (inRanges(ip, internal) ? 'internal' : (specialKind(ip) ?? 'public'));
}
