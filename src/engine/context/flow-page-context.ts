// Address context for one page of the flows grid (issue 17): the country and AS of each side
// (geo_addrs) and the names each address had at the flow's start (dns_names: answered at or
// before it, and the last answer plus its TTL, at least NAME_GRACE_SECONDS, reaches it; as
// namesAt in host-context.ts). Looked up for the page's rows only, never for the case: the page
// is read first (from whichever flow store), then one statement on the case reads the rows of
// both tables for the page's few hundred addresses (two semi-joins) and they are matched here.
// Measured at 1M flows (bench/flows-page-context.mjs, CPU per 200-row page): about 8 ms, where
// two LEFT JOINs on geo_addrs in the page's statement plus list aggregates over the page joined
// with dns_names cost 20-25 ms, beside ~40 ms for the page itself.
// Row times are ISO text to the millisecond: an answer counts from its own millisecond on (a
// DNS answer and the connection it named are often in the same millisecond).
import type { FlowRow } from '../../shared/query';
import type { CaseReader } from '../store/case-reader';
import { storeHasContextTables } from '../store/context-tables';
import { memo } from '../query/memo';
import { NAME_GRACE_SECONDS } from './host-context';
import { geoFromData } from '../geo/geo-from-data';
import type { GeoInfo } from '../../shared/context';

/** The data's country and AS; none when it cannot be read (the page still shows). */
async function dataGeo(addrs: string[]): Promise<GeoInfo[]> {
  try {
    return await geoFromData(addrs);
  } catch {
    return [];
  }
}

/** At most this many names per address on a row (newest first); the host panel lists them all. */
export const PAGE_NAMES = 3;

/** Addresses whose context rows are kept per version of the flows, at most (then started over). */
const KEPT_ADDRESSES = 100_000;

interface CaseContext {
  tables: boolean;
  geo: boolean;
  names: boolean;
  /**
   * Each address's rows already read (none: an empty list), by whether the flows are on a server
   * (then no geo rows are read from the case). The grid's pages share most of their addresses
   * (the site's hosts, its resolvers): issue 15's load run read them 1,300 times a minute, 18 s
   * of the query connections' time; now a page reads only the addresses no page had before.
   */
  seen: [Map<string, ContextRow[]>, Map<string, ContextRow[]>];
}

/** What the case holds, per version of its flows (imports are what add names and addresses). */
function contextOf(store: CaseReader): Promise<CaseContext> {
  return memo(store, 'page-context', async () => {
    const tables = await storeHasContextTables(store);
    const any = async (t: string) =>
      tables && !!(await store.one(`SELECT 1 AS x FROM ${t} LIMIT 1`));
    return {
      tables,
      geo: await any('geo_addrs'),
      names: await any('dns_names'),
      seen: [new Map(), new Map()],
    };
  });
}

interface ContextRow {
  addr: string;
  /** 'g': a geo_addrs row; 'n': a dns_names row. */
  k: 'g' | 'n';
  country: string | null;
  asn: number | null;
  as_org: string | null;
  name: string | null;
  /** First answer, milliseconds (its millisecond's start). */
  first_ms: number | null;
  last_us: number | null;
  /** Last answer plus its TTL (at least the grace period), milliseconds. */
  until_ms: number | null;
}

const GEO_SQL = `
WITH a AS (SELECT unnest($1::JSON::VARCHAR[]) AS addr)
SELECT ip AS addr, 'g' AS k, country, asn, as_org,
       NULL AS name, NULL AS first_ms, NULL AS last_us, NULL AS until_ms
FROM geo_addrs WHERE ip IN (SELECT addr FROM a)`;

const NAMES_SQL = `
UNION ALL
SELECT addr, 'n', NULL, NULL, NULL, name, epoch_ms(first_seen), epoch_us(last_seen),
       epoch_ms(last_seen) + greatest(coalesce(ttl, 0), $2) * 1000
FROM dns_names WHERE addr IN (SELECT addr FROM a)`;

/**
 * The page's rows with the country, AS and names of both addresses (new objects: a page may be
 * a cached one). A case without the context tables gets its rows back as they are.
 */
export function decoratePage(
  store: CaseReader,
  rows: FlowRow[],
  opts: PageContextOptions = {},
): Promise<FlowRow[]> {
  // a selection's first page comes back from queryFlows' cache as the same array again and
  // again (j/k through incidents): its context is kept with it, and goes when it goes
  let done = decorated.get(rows);
  if (!done) {
    done = lookUp(store, rows, opts);
    decorated.set(rows, done);
    done.catch(() => decorated.delete(rows));
  }
  return done;
}

const decorated = new WeakMap<FlowRow[], Promise<FlowRow[]>>();

export interface PageContextOptions {
  /**
   * The flows are on a server (the case holds none, so no geo_addrs): country and AS come from
   * the packaged data for the page's addresses (geo-from-data.ts, the same ranges), names from the
   * case's dns_names as for a case of its own flows.
   */
  serverFlows?: boolean;
}

async function lookUp(
  store: CaseReader,
  rows: FlowRow[],
  opts: PageContextOptions,
): Promise<FlowRow[]> {
  if (!rows.length) return rows;
  const has = await contextOf(store);
  if (!has.tables && !opts.serverFlows) return rows;
  const addrs = [...new Set(rows.flatMap((r) => [r.src_ip, r.dst_ip]))];
  const localGeo = has.geo && !opts.serverFlows;
  const seen = has.seen[opts.serverFlows ? 1 : 0];
  const missing = addrs.filter((a) => !seen.has(a));
  // a case whose addresses are all private (no country, no AS) or that saw no DNS skips a table
  if (missing.length && (localGeo || has.names)) {
    const read = await store.all<ContextRow>(
      `${GEO_SQL}${localGeo ? '' : ' AND false'} ${has.names ? NAMES_SQL : ''}`,
      has.names ? [JSON.stringify(missing), NAME_GRACE_SECONDS] : [JSON.stringify(missing)],
    );
    if (seen.size + missing.length > KEPT_ADDRESSES) seen.clear();
    for (const a of missing) seen.set(a, []);
    for (const r of read) seen.get(r.addr)?.push(r);
  }
  const found = addrs.flatMap((a) => seen.get(a) ?? []);
  if (opts.serverFlows)
    for (const g of await dataGeo(addrs))
      if (g.country !== null || g.asn !== null)
        found.push({
          addr: g.ip,
          k: 'g',
          country: g.country,
          asn: g.asn,
          as_org: g.asOrg,
          name: null,
          first_ms: null,
          last_us: null,
          until_ms: null,
        });
  const geo = new Map<string, ContextRow>();
  const names = new Map<string, ContextRow[]>();
  for (const f of found) {
    if (f.k === 'g') geo.set(f.addr, f);
    else names.set(f.addr, [...(names.get(f.addr) ?? []), f]);
  }
  // newest answer first, then by name (a union's rows come in no particular order)
  for (const list of names.values())
    list.sort((a, b) => b.last_us! - a.last_us! || (a.name! < b.name! ? -1 : 1));
  const namesAt = (addr: string, ms: number): string[] => {
    const out: string[] = [];
    for (const n of names.get(addr) ?? []) {
      if (n.first_ms! <= ms && ms <= n.until_ms! && !out.includes(n.name!)) out.push(n.name!);
      if (out.length === PAGE_NAMES) break;
    }
    return out;
  };
  return rows.map((r) => {
    const ms = Date.parse(r.ts);
    const s = geo.get(r.src_ip);
    const d = geo.get(r.dst_ip);
    return {
      ...r,
      src_country: s?.country ?? null,
      src_asn: s?.asn ?? null,
      src_as_org: s?.as_org ?? null,
      src_names: namesAt(r.src_ip, ms),
      dst_country: d?.country ?? null,
      dst_asn: d?.asn ?? null,
      dst_as_org: d?.as_org ?? null,
      dst_names: namesAt(r.dst_ip, ms),
    };
  });
}
