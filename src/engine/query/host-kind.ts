// Address kind in TypeScript, for results already aggregated by address text (grouping 10M rows
// by the UHUGEINT columns is far slower in DuckDB than by the text). Same rules as the SQL
// macros: non-hosts (multicast, broadcast, unspecified) first, then the case's internal
// networks, then the special-purpose range an outside address is in, else public.
import type { HostKind } from '../../shared/query';
import type { CaseReader } from '../store/case-reader';
import { inRanges, nonHostKind, parseCidr, specialKind, type IpRange } from '../util/ip';

/** An address's marks: in the case's internal networks, and its kind. */
export interface AddressMark {
  internal: boolean;
  kind: HostKind;
}

/** Addresses whose marks are kept per case and site, at most (then started over). */
const KEPT_MARKS = 200_000;

/**
 * Per case (cacheScope): the marks of the addresses already seen, for the internal networks they
 * were worked out with. Every flows page marks its few hundred addresses, mostly the same ones
 * (the site's hosts); parsing each one and testing it against every range cost the server's one
 * JavaScript thread 3.7 s a minute in issue 15's load run.
 */
const marksOf = new WeakMap<
  object,
  { networks: string[]; internal: IpRange[]; marks: Map<string, AddressMark> }
>();

/** The marks of any address under the case's current internal networks. */
export async function addressMarker(store: CaseReader): Promise<(ip: string) => AddressMark> {
  const networks = await store.internalNetworks();
  let known = marksOf.get(store.cacheScope);
  if (!known || known.networks !== networks) {
    const internal = networks.map(parseCidr).filter((r): r is IpRange => r !== null);
    known = { networks, internal, marks: new Map() };
    marksOf.set(store.cacheScope, known);
  }
  const { internal, marks } = known;
  return (ip) => {
    let m = marks.get(ip);
    if (!m) {
      if (marks.size >= KEPT_MARKS) marks.clear();
      const inside = inRanges(ip, internal);
      // the one address-class rule (addressClass): non-hosts first, then the site, then the range
      const kind = nonHostKind(ip) ?? (inside ? 'internal' : (specialKind(ip) ?? 'public'));
      marks.set(ip, (m = { internal: inside, kind: kind as HostKind }));
    }
    return m;
  };
}

export async function hostKinder(store: CaseReader): Promise<(ip: string) => HostKind> {
  const mark = await addressMarker(store);
  return (ip) => mark(ip).kind;
}
