// Flood as SQL (grouped on the numeric victim address; text forms fetched for the stretches): per
// (victim, port, proto) and window, how many flows failed (half-open, reset, or no reply at all;
// in a one-way export only the state can say so) and from how many sources. Records that answer
// (REPLY_FLAGS: a SYN-ACK or a reset without a request) are never part of a flood: the resets a
// scanned host sends back to the scanner's one port are the scan's echo, not an attack on it. Hot windows (enough failures at a high enough
// share) are merged into stretches, allowing short gaps, so a 90 s flood is one alert.

import { failedSql, pick, replyFlagsSql, windowKey, type DetectDialect } from '../../kit';

/**
 * Named parameters: $us window length (microseconds), $minFailed flows per window, $minShare
 * failed share (minimums), $maxGap windows inside one stretch, $top attackers listed, $surge
 * factor over the port's median failures per window (either this or the share); `protoList` is
 * the SQL list of the protocols' binds (listBinds).
 * One row per stretch: victim key, first/last window, flows, failed, sources (all, and those with
 * failed flows), peak failures and flows per window, the port's median failures and flows per
 * active window, top sources by failed flows.
 */
export function floodSql(d: DetectDialect, flows: string, protoList: string, uni: boolean): string {
  const FAILED = failedSql(uni);
  const REPLY_FLAGS = replyFlagsSql(d);
  const f = (sql: string) => sql.replace(/\b(state_raw|state|dst_bytes|dst_pkts)\b/g, 'f.$1');
  return `
WITH fails AS (
  SELECT dst_num, dst_port, proto, ${windowKey(d)} AS w, count(*) AS nf
  FROM ${flows}
  WHERE proto IN (${protoList}) AND dst_port IS NOT NULL AND ${FAILED} AND NOT ${REPLY_FLAGS}
  GROUP BY ALL
),
-- a hot window has at least $minFailed failures: only the victim ports with such a window (found from
-- the failed flows alone, a fraction of the capture) have all their windows counted below
victims AS (SELECT DISTINCT dst_num, dst_port, proto FROM fails WHERE nf >= $minFailed::BIGINT),
win AS (
  SELECT ${pick('f', ['dst_num', 'dst_port', 'proto'])}, ${windowKey(d, 'f.ts')} AS w, count(*) AS n,
         ${d.countIf(f(FAILED))} AS nf
  FROM ${flows} f SEMI JOIN victims v ON f.dst_num = v.dst_num AND f.dst_port = v.dst_port AND f.proto = v.proto
  WHERE NOT ${f(REPLY_FLAGS)}
  GROUP BY ALL
),
-- the port's usual failures per window (median over its active windows): a busy server refuses
-- a few percent all day; a flood multiplies that even when answered traffic stays high
base AS (
  SELECT dst_num, dst_port, proto, ${d.median('nf')} AS base_failed,
         -- flows per active window while nothing piles up (0 for a port used only by the flood)
         coalesce(${d.median('n')} FILTER (WHERE nf < $minFailed::BIGINT), 0) AS base_n
  FROM win GROUP BY ALL
),
hot AS (
  SELECT ${pick('win', ['dst_num', 'dst_port', 'proto', 'w', 'n', 'nf'])}, base.base_failed AS base_failed, base.base_n AS base_n,
         CASE WHEN w - ${d.lag('w')} OVER (PARTITION BY dst_num, dst_port, proto ORDER BY w) <= $maxGap::BIGINT + 1
              THEN 0 ELSE 1 END AS starts
  FROM win JOIN base USING (dst_num, dst_port, proto)
  WHERE nf >= $minFailed::BIGINT AND (nf >= $minShare::DOUBLE * n OR nf >= $surge::DOUBLE * greatest(base.base_failed, 1))
),
stretch AS (
  SELECT dst_num, dst_port, proto, min(w) AS first_w, max(w) AS last_w, count(*) AS hot_windows,
         max(nf) AS peak_failed, ${d.anyValue('base_failed')} AS base_failed, max(n) AS peak_n, ${d.anyValue('base_n')} AS base_n
  FROM (SELECT *, sum(starts) OVER (PARTITION BY dst_num, dst_port, proto ORDER BY w
                                    ROWS UNBOUNDED PRECEDING) AS k FROM hot)
  GROUP BY dst_num, dst_port, proto, k
),
-- every flow to the victim port inside the stretch is evidence (gap windows included); narrow
-- the scan to the stretches' victims and overall time span before the keyed join
bounds AS (
  SELECT ${d.tsFromUs('min(first_w) * $us::BIGINT')} AS lo, ${d.tsFromUs('(max(last_w) + 1) * $us::BIGINT')} AS hi
  FROM stretch
),
cand AS (
  SELECT ${pick('f', ['src_ip', 'dst_ip', 'dst_num', 'dst_port', 'proto'])}, ${windowKey(d, 'f.ts')} AS w,
         ${f(FAILED)} AS failed
  FROM ${flows} f
  WHERE f.ts >= (SELECT lo FROM bounds) AND f.ts < (SELECT hi FROM bounds) AND f.dst_num IN (SELECT dst_num FROM stretch) AND NOT ${f(REPLY_FLAGS)}
),
member AS (
  SELECT ${pick('s', ['dst_num', 'dst_port', 'proto', 'first_w'])}, ${pick('c', ['src_ip', 'dst_ip', 'failed'])}
  FROM stretch s
  JOIN cand c ON c.dst_num = s.dst_num AND c.dst_port = s.dst_port AND c.proto = s.proto
  WHERE c.w BETWEEN s.first_w AND s.last_w
),
names AS (
  SELECT dst_num, dst_port, proto, first_w, ${d.listAgg('dst_ip', { distinct: true, orderBy: [{ expr: 'dst_ip' }] })} AS dst_ips
  FROM member GROUP BY ALL
),
per_src AS (
  SELECT dst_num, dst_port, proto, first_w, src_ip, count(*) AS n, ${d.countIf('failed')} AS nf
  FROM member GROUP BY ALL
),
-- the top sources are ranked by their failed flows: the victim's busy legitimate clients send
-- more flows in all, and naming them as the flood's top sources would point the analyst wrong
agg AS (
  SELECT dst_num, dst_port, proto, first_w, sum(n) AS flows, sum(nf) AS failed,
         count(*) AS sources, count(*) FILTER (WHERE nf > 0) AS failing_sources,
         max(nf) AS top_source_failed,
         ${d.listHead(d.listAgg('src_ip', { orderBy: [{ expr: 'nf', desc: true }, { expr: 'n', desc: true }, { expr: 'src_ip' }] }), '$top::BIGINT')} AS top_sources
  FROM per_src GROUP BY ALL
)
SELECT ${pick('s', ['dst_port', 'proto', 'first_w', 'last_w', 'hot_windows', 'peak_failed', 'base_failed', 'peak_n', 'base_n'])},
       n.dst_ips AS dst_ips,
       ${pick('a', ['flows', 'failed', 'sources', 'failing_sources', 'top_source_failed', 'top_sources'])}
FROM stretch s JOIN agg a USING (dst_num, dst_port, proto, first_w)
JOIN names n USING (dst_num, dst_port, proto, first_w)
ORDER BY failed DESC
`;
}
