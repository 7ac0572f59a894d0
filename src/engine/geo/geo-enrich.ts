// Country and AS for a case: its distinct addresses (far fewer than its flows) joined by range
// against the Parquet cache (geo-cache.ts) into geo_addrs, in one transaction. Runs after each
// import; the whole table is rebuilt (a few hundred thousand addresses at most take well under
// a second), so it is always the set the flows hold now, with the data installed now.
//
// Like the blacklist matching (detect/detectors/blacklist/sql.ts), the scan reads only the text address
// columns and numbers IPv4 from the text: the UHUGEINT columns decode slowly. IPv6 addresses
// are numbered in TypeScript (few in practice). With disjoint ranges, an ASOF join on the start
// plus "end reaches the address" is an exact lookup: in exact integers (cached-ranges.ts), never
// DOUBLE, which cannot tell narrow IPv6 ranges apart.
import type { DuckDBConnection } from '@duckdb/node-api';
import { ensureContextTables } from '../store/context-tables';
import { all, inTransaction, one } from '../store/sql';
import { V4_MAPPED_BASE, parseIpv6 } from '../util/ip';
import { highRanges, LOW_LIMIT, lowRanges } from './cached-ranges';
import { ensureGeoCache, type GeoCache } from './geo-cache';

export const GEO_SETTING = 'geo_source';

export interface GeoSetting {
  versions: string[];
  builtAt: string;
  addresses: number;
}

export interface EnrichResult {
  addresses: number;
  withCountry: number;
  withAsn: number;
  versions: string[];
  seconds: { cache: number; addresses: number; join: number; total: number };
}

const B = `${V4_MAPPED_BASE}::UHUGEINT`;

const DISTINCT_SQL = `
CREATE OR REPLACE TEMP TABLE geo_in AS
WITH addrs AS (
  SELECT src_ip AS ip FROM flows GROUP BY src_ip
  UNION SELECT dst_ip FROM flows GROUP BY dst_ip
)
SELECT ip, CASE WHEN NOT contains(ip, ':') THEN ${B} + list_reduce(
         list_transform(string_split(ip, '.'), x -> TRY_CAST(x AS BIGINT)), (a, b) -> a * 256 + b)::UHUGEINT
       END AS num
FROM addrs`;

/** Country then AS of the addresses `addrs` (ip, num) by ASOF join on the ranges' starts. */
function rangeJoin(addrs: string, country: string, asn: string): string {
  return `
  SELECT c.ip, c.country,
         CASE WHEN c.num <= s.hi THEN s.asn END AS asn,
         CASE WHEN c.num <= s.hi THEN s.as_org END AS as_org
  FROM (
    SELECT a.ip, a.num, CASE WHEN a.num <= g.hi THEN g.country END AS country
    FROM ${addrs} a
    ASOF LEFT JOIN ${country} g ON a.num >= g.lo
  ) c
  ASOF LEFT JOIN ${asn} s ON c.num >= s.lo`;
}

/** The case's addresses below 2^64 and, when it has any, those above (see cached-ranges.ts). */
function joinSql(cache: GeoCache, high: boolean): string {
  const low = rangeJoin(
    `(SELECT ip, num::UBIGINT AS num FROM geo_in WHERE num < ${LOW_LIMIT})`,
    lowRanges(cache.countryFile),
    lowRanges(cache.asnFile),
  );
  const rest = high
    ? `UNION ALL ${rangeJoin(
        `(SELECT ip, num FROM geo_in WHERE num >= ${LOW_LIMIT})`,
        highRanges(cache.countryFile),
        highRanges(cache.asnFile),
      )}`
    : '';
  return `
INSERT INTO geo_addrs
SELECT ip, country, asn, as_org FROM (${low} ${rest})
WHERE country IS NOT NULL OR asn IS NOT NULL`;
}

/** Rebuilds geo_addrs for the case on `conn` (its own transaction). */
export async function enrichGeo(conn: DuckDBConnection): Promise<EnrichResult> {
  const t0 = performance.now();
  const cache = await ensureGeoCache();
  const t1 = performance.now();
  await ensureContextTables(conn);
  await conn.run(DISTINCT_SQL);
  const v6 = await all<{ ip: string }>(conn, 'SELECT ip FROM geo_in WHERE num IS NULL');
  let high = false; // any address from 2^64 up (IPv6 outside ::/64)
  if (v6.length) {
    await conn.run('CREATE OR REPLACE TEMP TABLE geo_in6 (ip VARCHAR, num UHUGEINT)');
    const app = await conn.createAppender('geo_in6', 'main', 'temp');
    for (const { ip } of v6) {
      const n = parseIpv6(ip);
      if (n === null) continue;
      high ||= n >= 1n << 64n;
      app.appendVarchar(ip);
      app.appendUHugeInt(n);
      app.endRow();
    }
    app.closeSync();
    await conn.run('UPDATE geo_in SET num = v.num FROM geo_in6 v WHERE geo_in.ip = v.ip');
    await conn.run('DROP TABLE geo_in6');
  }
  const addresses = (await one<{ n: number }>(conn, 'SELECT count(*) AS n FROM geo_in'))?.n ?? 0;
  const t2 = performance.now();
  const setting: GeoSetting = {
    versions: cache.versions,
    builtAt: new Date().toISOString(),
    addresses,
  };
  await inTransaction(conn, async () => {
    await conn.run('DELETE FROM geo_addrs');
    await conn.run(joinSql(cache, high));
    await conn.run(
      `INSERT INTO settings VALUES ($1, $2::JSON) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      [GEO_SETTING, JSON.stringify(setting)],
    );
  });
  await conn.run('DROP TABLE IF EXISTS geo_in');
  const t3 = performance.now();
  const counts = (await one<{ c: number; a: number }>(
    conn,
    'SELECT count(country) AS c, count(asn) AS a FROM geo_addrs',
  ))!;
  return {
    addresses,
    withCountry: counts.c,
    withAsn: counts.a,
    versions: cache.versions,
    seconds: {
      cache: (t1 - t0) / 1000,
      addresses: (t2 - t1) / 1000,
      join: (t3 - t2) / 1000,
      total: (t3 - t0) / 1000,
    },
  };
}
