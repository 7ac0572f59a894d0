// Reading country/AS: for the case's addresses from geo_addrs (what the grids and reports join),
// and for any address straight from the Parquet cache (an address typed by the analyst, tests).
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ContextStatus, GeoInfo } from '../../shared/context';
import { hasContextTables } from '../store/context-tables';
import { all, one } from '../store/sql';
import { ipToBigInt } from '../util/ip';
import { cachedRanges } from './cached-ranges';
import { ensureGeoCache, existingGeoCache } from './geo-cache';
import { GEO_SETTING, type GeoSetting } from './geo-enrich';
import { serverCaseGeo } from './geo-from-data';

interface GeoRow {
  ip: string;
  country: string | null;
  asn: number | null;
  as_org: string | null;
}

const toInfo = (ip: string, r: GeoRow | undefined): GeoInfo => ({
  ip,
  country: r?.country ?? null,
  asn: r?.asn ?? null,
  asOrg: r?.as_org ?? null,
});

/** Country/AS of addresses of the case (null fields for addresses the data does not know). */
export async function caseGeo(conn: DuckDBConnection, ips: string[]): Promise<GeoInfo[]> {
  // a case whose flows are on a server has no geo_addrs: the same data, asked for these only
  const server = ips.length ? await serverCaseGeo(conn, ips) : null;
  if (server) return server;
  if (!ips.length || !(await hasContextTables(conn))) return ips.map((ip) => toInfo(ip, undefined));
  const rows = await all<GeoRow>(
    conn,
    'SELECT ip, country, asn, as_org FROM geo_addrs WHERE list_contains($1::JSON::VARCHAR[], ip)',
    [JSON.stringify(ips)],
  );
  const by = new Map(rows.map((r) => [r.ip, r]));
  return ips.map((ip) => toInfo(ip, by.get(ip)));
}

/** Country/AS of any addresses from the packaged data (builds the cache on first use). */
export async function lookupGeo(conn: DuckDBConnection, ips: string[]): Promise<GeoInfo[]> {
  const cache = await ensureGeoCache();
  const out: GeoInfo[] = [];
  for (const ip of ips) {
    const n = ipToBigInt(ip);
    if (n === null) {
      out.push(toInfo(ip, undefined));
      continue;
    }
    const num = `${n}::UHUGEINT`; // a validated number, not input text
    const r = await one<GeoRow>(
      conn,
      `SELECT $1 AS ip,
         (SELECT country FROM ${cachedRanges(cache.countryFile, n)} WHERE lo <= ${num} AND hi >= ${num}) AS country,
         (SELECT asn FROM ${cachedRanges(cache.asnFile, n)} WHERE lo <= ${num} AND hi >= ${num}) AS asn,
         (SELECT as_org FROM ${cachedRanges(cache.asnFile, n)} WHERE lo <= ${num} AND hi >= ${num}) AS as_org`,
      [ip],
    );
    out.push(toInfo(ip, r));
  }
  return out;
}

/** Counts and versions of the case's GeoIP/ASN enrichment. */
export async function geoStatus(conn: DuckDBConnection): Promise<ContextStatus['geo']> {
  const empty = {
    addresses: 0,
    withCountry: 0,
    withAsn: 0,
    versions: null,
    builtAt: null,
    stale: false,
  };
  if (!(await hasContextTables(conn))) return empty;
  const s = await one<{ value: string }>(conn, 'SELECT value FROM settings WHERE key = $1', [
    GEO_SETTING,
  ]);
  const setting = s ? (JSON.parse(s.value) as GeoSetting) : null;
  const c = (await one<{ c: number; a: number }>(
    conn,
    'SELECT count(country) AS c, count(asn) AS a FROM geo_addrs',
  ))!;
  let current: string[] | null = null;
  try {
    current = existingGeoCache()?.versions ?? null;
  } catch {
    current = null;
  }
  return {
    addresses: setting?.addresses ?? 0,
    withCountry: c.c,
    withAsn: c.a,
    versions: setting?.versions ?? null,
    builtAt: setting?.builtAt ?? null,
    stale: !!setting && !!current && JSON.stringify(current) !== JSON.stringify(setting.versions),
  };
}
