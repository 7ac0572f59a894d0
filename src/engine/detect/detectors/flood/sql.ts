// Flood as SQL (grouped on the numeric victim address; text forms fetched for the stretches): per
// (victim, port, proto) and window, how many flows failed (half-open, reset, or no reply at all;
// in a one-way export only the state can say so) and from how many sources. Records that answer
// (REPLY_FLAGS: a SYN-ACK or a reset without a request) are never part of a flood: the resets a
// scanned host sends back to the scanner's one port are the scan's echo, not an attack on it. Hot windows (enough failures at a high enough
// share) are merged into stretches, allowing short gaps, so a 90 s flood is one alert.

import { REPLY_FLAGS, failedSql } from '../../kit';

/**
 * Named parameters: $us window length (microseconds), $minFailed flows per window, $minShare
 * failed share (minimums), $maxGap windows inside one stretch, $top attackers listed, $surge
 * factor over the port's median failures per window (either this or the share); `protoList` is
 * the SQL list of the protocols' binds (listBinds).
 * One row per stretch: victim key, first/last window, flows, failed, sources (all, and those with
 * failed flows), peak failures and flows per window, the port's median failures and flows per
 * active window, top sources by failed flows.
 */
export function floodSql(protoList: string, uni: boolean): string {
  const FAILED = failedSql(uni);
  const f = (sql: string) => sql.replace(/\b(state_raw|state|dst_bytes|dst_pkts)\b/g, 'f.$1');
  return `
WITH fails AS (
  SELECT dst_num, dst_port, proto, epoch_us(ts) // $us::BIGINT AS w, count(*) AS nf
  FROM flows
  WHERE proto IN (${protoList}) AND dst_port IS NOT NULL AND ${FAILED} AND NOT ${REPLY_FLAGS}
  GROUP BY ALL
),
-- a hot window has at least $minFailed failures: only the victim ports with such a window (found from
-- the failed flows alone, a fraction of the capture) have all their windows counted below
victims AS (SELECT DISTINCT dst_num, dst_port, proto FROM fails WHERE nf >= $minFailed::BIGINT),
win AS (
  SELECT f.dst_num, f.dst_port, f.proto, epoch_us(f.ts) // $us::BIGINT AS w, count(*) AS n,
         count_if(${f(FAILED)}) AS nf
  FROM flows f SEMI JOIN victims v ON f.dst_num = v.dst_num AND f.dst_port = v.dst_port AND f.proto = v.proto
  WHERE NOT ${f(REPLY_FLAGS)}
  GROUP BY ALL
),
-- the port's usual failures per window (median over its active windows): a busy server refuses
-- a few percent all day; a flood multiplies that even when answered traffic stays high
base AS (
  SELECT dst_num, dst_port, proto, median(nf) AS base_failed,
         -- flows per active window while nothing piles up (0 for a port used only by the flood)
         coalesce(median(n) FILTER (WHERE nf < $minFailed::BIGINT), 0) AS base_n
  FROM win GROUP BY ALL
),
hot AS (
  SELECT win.*, base.base_failed, base.base_n,
         CASE WHEN w - lag(w) OVER (PARTITION BY dst_num, dst_port, proto ORDER BY w) <= $maxGap::BIGINT + 1
              THEN 0 ELSE 1 END AS starts
  FROM win JOIN base USING (dst_num, dst_port, proto)
  WHERE nf >= $minFailed::BIGINT AND (nf >= $minShare::DOUBLE * n OR nf >= $surge::DOUBLE * greatest(base.base_failed, 1))
),
stretch AS (
  SELECT dst_num, dst_port, proto, min(w) AS first_w, max(w) AS last_w, count(*) AS hot_windows,
         max(nf) AS peak_failed, any_value(base_failed) AS base_failed, max(n) AS peak_n, any_value(base_n) AS base_n
  FROM (SELECT *, sum(starts) OVER (PARTITION BY dst_num, dst_port, proto ORDER BY w
                                    ROWS UNBOUNDED PRECEDING) AS k FROM hot)
  GROUP BY dst_num, dst_port, proto, k
),
-- every flow to the victim port inside the stretch is evidence (gap windows included); narrow
-- the scan to the stretches' victims and overall time span before the keyed join
bounds AS (
  SELECT make_timestamp(min(first_w) * $us::BIGINT) AS lo, make_timestamp((max(last_w) + 1) * $us::BIGINT) AS hi
  FROM stretch
),
cand AS (
  SELECT f.src_ip, f.dst_ip, f.dst_num, f.dst_port, f.proto, epoch_us(f.ts) // $us::BIGINT AS w,
         ${f(FAILED)} AS failed
  FROM flows f, bounds b
  WHERE f.ts >= b.lo AND f.ts < b.hi AND f.dst_num IN (SELECT dst_num FROM stretch) AND NOT ${f(REPLY_FLAGS)}
),
member AS (
  SELECT s.dst_num, s.dst_port, s.proto, s.first_w, c.src_ip, c.dst_ip, c.failed
  FROM stretch s
  JOIN cand c ON c.dst_num = s.dst_num AND c.dst_port = s.dst_port AND c.proto = s.proto
             AND c.w BETWEEN s.first_w AND s.last_w
),
names AS (
  SELECT dst_num, dst_port, proto, first_w, list(DISTINCT dst_ip ORDER BY dst_ip) AS dst_ips
  FROM member GROUP BY ALL
),
per_src AS (
  SELECT dst_num, dst_port, proto, first_w, src_ip, count(*) AS n, count_if(failed) AS nf
  FROM member GROUP BY ALL
),
-- the top sources are ranked by their failed flows: the victim's busy legitimate clients send
-- more flows in all, and naming them as the flood's top sources would point the analyst wrong
agg AS (
  SELECT dst_num, dst_port, proto, first_w, sum(n) AS flows, sum(nf) AS failed,
         count(*) AS sources, count(*) FILTER (WHERE nf > 0) AS failing_sources,
         max(nf) AS top_source_failed,
         list(src_ip ORDER BY nf DESC, n DESC, src_ip)[1:$top::BIGINT] AS top_sources
  FROM per_src GROUP BY ALL
)
SELECT s.* EXCLUDE (dst_num), n.dst_ips, a.flows, a.failed, a.sources, a.failing_sources,
       a.top_source_failed, a.top_sources
FROM stretch s JOIN agg a USING (dst_num, dst_port, proto, first_w)
JOIN names n USING (dst_num, dst_port, proto, first_w)
ORDER BY failed DESC
`;
}
