// Country and AS of a few addresses straight from the packaged data, for a case whose flows are
// on a ClickHouse server: such a case holds no flows, so no geo_addrs (enrichGeo fills it from the
// case's own flows after each import). A page of the flows grid, the host panel and a report ask
// for the few hundred addresses they show; the answer is the same range join as enrichGeo's
// (geoJoinSql), so a server case shows what a DuckDB case of the same flows shows. Answers are
// kept per data version (an address's country does not change while the data does not).
import type { DuckDBConnection } from '@duckdb/node-api';
import type { GeoInfo } from '../../shared/context';
import { FLOW_STORE_SETTING } from '../flowstore/flow-store-setting';
import { all } from '../store/sql';
import { ipToBigInt } from '../util/ip';
import { ensureGeoCache } from './geo-cache';
import { geoJoinSql } from './geo-enrich';

/** Addresses remembered per data version; cleared whole when full (a simple bound). */
const MAX_KEPT = 200_000;
let kept: { key: string; by: Map<string, GeoInfo> } | null = null;

interface GeoRow {
  ip: string;
  country: string | null;
  asn: number | null;
  as_org: string | null;
}

/** Whether the case's flows are on a server (it records a flow store). */
export async function isServerCase(conn: DuckDBConnection): Promise<boolean> {
  const r = await all<{ x: number }>(conn, 'SELECT 1 AS x FROM settings WHERE key = $1', [
    FLOW_STORE_SETTING,
  ]);
  return r.length > 0;
}

export async function geoFromData(conn: DuckDBConnection, ips: string[]): Promise<GeoInfo[]> {
  if (!ips.length) return [];
  const cache = await ensureGeoCache();
  if (kept?.key !== cache.key || kept.by.size > MAX_KEPT) kept = { key: cache.key, by: new Map() };
  const by = kept.by;
  const wanted = [...new Set(ips)].filter((ip) => !by.has(ip));
  if (wanted.length) {
    // numbers made here from parsed addresses, sent as bound JSON text
    const input = wanted.flatMap((ip) => {
      const n = ipToBigInt(ip);
      return n === null ? [] : [{ ip, num: n.toString() }];
    });
    const rows = input.length
      ? await all<GeoRow>(
          conn,
          `WITH a AS (SELECT x->>'ip' AS ip, (x->>'num')::UHUGEINT AS num
                      FROM (SELECT unnest($1::JSON::JSON[]) AS x))
           ${geoJoinSql(cache, '(SELECT * FROM a)')}`,
          [JSON.stringify(input)],
        )
      : [];
    const found = new Map(rows.map((r) => [r.ip, r]));
    for (const ip of wanted) {
      const r = found.get(ip);
      by.set(ip, {
        ip,
        country: r?.country ?? null,
        asn: r?.asn ?? null,
        asOrg: r?.as_org ?? null,
      });
    }
  }
  return ips.map((ip) => by.get(ip)!);
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
    return await geoFromData(conn, ips);
  } catch {
    return ips.map((ip) => ({ ip, country: null, asn: null, asOrg: null }));
  }
}
