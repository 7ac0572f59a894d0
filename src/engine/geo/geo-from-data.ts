// Country and AS of a few addresses straight from the packaged data, for a case whose flows are
// on a ClickHouse server: such a case holds no flows, so no geo_addrs (enrichGeo fills it from the
// case's own flows after each import). A page of the flows grid, the host panel and a report ask
// for the few hundred addresses they show, answered from the same ranges that enrichGeo joins a
// case's addresses with (geo-index.ts: the range with the greatest start at or below the address,
// if it reaches it, as the ASOF join picks), so a server case shows what a DuckDB case of the same
// flows shows.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { GeoInfo } from '../../shared/context';
import { FLOW_STORE_SETTING } from '../flowstore/flow-store-setting';
import { all } from '../store/sql';
import { ipToBigInt } from '../util/ip';
import { ensureGeoCache } from './geo-cache';
import { findRange, loadGeoIndex, type GeoIndex } from './geo-index';

/** The index of the data installed now (loaded on first use; again when the data changes). */
let index: Promise<GeoIndex> | null = null;

async function currentIndex(): Promise<GeoIndex> {
  const cache = await ensureGeoCache();
  const mine = index;
  if (mine) {
    const idx = await mine.catch(() => null);
    if (idx?.key === cache.key) return idx;
  }
  const next = loadGeoIndex(cache);
  index = next;
  next.catch(() => {
    if (index === next) index = null; // the next call tries again
  });
  return next;
}

/**
 * Loads the index in the background (a server case was connected: its first page should not
 * wait seconds for it). A failure is left for the first real lookup to meet.
 */
export function warmGeoIndex(): void {
  void currentIndex().catch(() => undefined);
}

/** Whether the case's flows are on a server (it records a flow store). */
export async function isServerCase(conn: DuckDBConnection): Promise<boolean> {
  const r = await all<{ x: number }>(conn, 'SELECT 1 AS x FROM settings WHERE key = $1', [
    FLOW_STORE_SETTING,
  ]);
  return r.length > 0;
}

/** Country/AS of the addresses (nulls where the data has nothing), in their order. */
export async function geoFromData(ips: string[]): Promise<GeoInfo[]> {
  if (!ips.length) return [];
  const idx = await currentIndex();
  return ips.map((ip) => {
    const n = ipToBigInt(ip);
    const c = n === null ? -1 : findRange(idx.country, n);
    const a = n === null ? -1 : findRange(idx.asn, n);
    return {
      ip,
      country: c < 0 ? null : idx.countries[c],
      asn: a < 0 ? null : idx.asns[a].asn,
      asOrg: a < 0 ? null : idx.asns[a].org,
    };
  });
}

/**
 * For readers that take either kind of case: null for a case holding its own flows (its
 * geo_addrs answers), else the data's answer. Data that cannot be read (packages missing) leaves
 * the addresses without country and AS, as a case whose enrichment failed: pages still show.
 */
export async function serverCaseGeo(
  conn: DuckDBConnection,
  ips: string[],
): Promise<GeoInfo[] | null> {
  if (!(await isServerCase(conn))) return null;
  try {
    return await geoFromData(ips);
  } catch {
    return ips.map((ip) => ({ ip, country: null, asn: null, asOrg: null }));
  }
}
