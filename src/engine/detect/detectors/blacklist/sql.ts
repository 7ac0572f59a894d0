// Flows against the feed ranges, in three steps (every statement where the flows are, written
// once through the dialect):
//  1. bl_v4: the IPv4 part of every range as 32-bit offsets (computed here from the match set and
//     loaded as bl_v4src), each start with the furthest end of any range starting at or before
//     it (a running max), so one ASOF join answers "is this address inside some range" even
//     when ranges nest or overlap;
//  2. bl_found: the distinct flow addresses, grouped on their text, IPv4 ones turned into offsets,
//     thinned by a hash semi-join on the /24 (or /16) buckets the ranges touch, and looked up
//     with an ASOF join (sort-merge, never a nested loop); addresses that are not dotted quads
//     (IPv6) are kept for TypeScript to check (see hits.ts), which leaves bl_hits;
//  3. the flows of the few hit addresses, joined back on the address text and grouped.
// Full scans read only the text columns: they hash several times faster than the address
// numbers, whose storage (bit-packed 128-bit in DuckDB) decodes very slowly when a row group
// spans a narrow range (e.g. internal hosts): at 10M flows 2.2 s for src_num against 0.2 s.
import type { DetectDialect } from '../../kit';

/**
 * Temp table bl_v4(k, lo, hi, reach) from bl_v4src(lo, hi): one row per start with its furthest
 * end, and the running max end over all starts up to this one (k: a constant key, as ClickHouse's
 * ASOF join needs an equality besides the inequality).
 */
export const V4_REACH_SELECT = `
SELECT 0 AS k, lo, hi, max(hi) OVER (ORDER BY lo ROWS UNBOUNDED PRECEDING) AS reach
FROM (SELECT lo, max(hi) AS hi FROM bl_v4src GROUP BY lo)`;

/** Bucket counts (addresses >> 8 and >> 16) the ranges touch, to choose the prefilter's size. */
export const BUCKET_SPANS_SQL = (d: DetectDialect): string => `
SELECT coalesce(sum(${d.shiftRight('hi', 8)} - ${d.shiftRight('lo', 8)} + 1), 0)::DOUBLE AS s8,
       coalesce(sum(${d.shiftRight('hi', 16)} - ${d.shiftRight('lo', 16)} + 1), 0)::DOUBLE AS s16
FROM bl_v4`;

/** bl_bucket(b)'s SELECT: the (address >> shift) buckets some range touches. */
export function bucketsSelect(d: DetectDialect, shift: 8 | 16): string {
  return `
SELECT DISTINCT ${d.unnestRange(d.shiftRight('lo', shift), `${d.shiftRight('hi', shift)} + 1`)} AS b FROM bl_v4`;
}

/**
 * bl_found(ip, other)'s SELECT: distinct flow addresses inside an IPv4 range (other = false),
 * plus every address that is not a dotted quad (other = true) for the caller to check and prune.
 * Flow addresses were validated at import, so a text without ':' is a canonical dotted quad.
 * With `shift`, a hash semi-join on bl_bucket first drops the addresses in buckets no range
 * touches (most of them), so the ASOF join sorts thousands of rows instead of a million.
 */
export function foundSelect(d: DetectDialect, flows: string, shift: 8 | 16 | null): string {
  const prefilter =
    shift === null
      ? ''
      : `WHERE n IS NULL OR ${d.shiftRight('n', shift)} IN (SELECT b FROM bl_bucket)`;
  return `
WITH addrs AS (
  SELECT dst_ip AS ip FROM ${flows} GROUP BY dst_ip
  UNION ALL SELECT src_ip FROM ${flows} GROUP BY src_ip
), parsed AS (
  SELECT ip, ${d.ipv4Value('ip')} AS n FROM addrs
), candidates AS (
  -- the ASOF key is never NULL (-1 is below every range): the others are kept by n IS NULL
  SELECT ip, n, coalesce(n, -1) AS an, 0 AS k FROM parsed ${prefilter}
)
SELECT DISTINCT a.ip AS ip, a.n IS NULL AS other
FROM candidates a ASOF LEFT JOIN bl_v4 s ON a.k = s.k AND a.an >= s.lo
WHERE a.n IS NULL OR a.n <= s.reach`;
}

/**
 * One row per (direction, local host, listed address[, window]). Outbound: the host sent to the
 * listed address (dst matched); inbound: the listed address sent to the host (src matched).
 * Named parameter $ws (window seconds) is only used with `perWindow`.
 */
export function matchesSql(d: DetectDialect, flows: string, perWindow: boolean): string {
  // numbers come back as DOUBLE/INTEGER so the driver hands over plain JS numbers
  const w = perWindow ? `floor(${d.epoch('ts')} / $ws)::DOUBLE` : 'CAST(0 AS DOUBLE)';
  return `
WITH m AS (
  SELECT 'outbound' AS direction, f.src_ip AS host, f.dst_ip AS listed,
         f.ts AS ts, f.src_bytes AS bytes_to_listed, f.dst_bytes AS bytes_from_listed, f.dst_port AS port
  FROM ${flows} f JOIN bl_hits h ON f.dst_ip = h.ip
  UNION ALL
  SELECT 'inbound', f.dst_ip, f.src_ip, f.ts, f.dst_bytes, f.src_bytes, f.dst_port
  FROM ${flows} f JOIN bl_hits h ON f.src_ip = h.ip
)
SELECT direction, host, listed, ${w} AS w,
       count(*)::DOUBLE AS flows, sum(bytes_to_listed)::DOUBLE AS bytes_to_listed,
       sum(bytes_from_listed)::DOUBLE AS bytes_from_listed,
       count(DISTINCT port)::INTEGER AS ports,
       ${d.listHead(d.listAgg('port', { distinct: true, orderBy: [{ expr: 'port' }] }), '5')} AS top_ports,
       ${d.isoUs('min(ts)')} AS first_ts, ${d.isoUs(d.plusMicro('max(ts)'))} AS end_ts
FROM m
GROUP BY direction, host, listed, w
ORDER BY direction DESC, host, listed, w`;
}
