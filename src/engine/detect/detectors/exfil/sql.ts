// Exfiltration as SQL: bytes sent per (internal source, external destination) pair over the
// capture, scored against all such pairs with a robust z-score on log bytes (median and MAD), so
// one host's upload stands out from the office's usual outbound chatter.
import { namesOf, windowKey, type DetectDialect } from '../../kit';

/**
 * Named parameters: $us window length (microseconds), $minUp bytes up, $minZ robust z, $minShare
 * upload share (each a minimum), $madFloor (log units).
 * Population: every (internal, external) pair (ip_class); rows: the pairs past all three fences, with
 * the text forms of their addresses and their destination ports.
 */
export const EXFIL_SQL = (d: DetectDialect): string => `
WITH pairs AS (
  -- from the shared per-target table det_target and the address classes det_addr (../../shared-tables.ts):
  -- 1.6M targets instead of 10M flows; only internal -> external pairs (ip_class: outside the site, whatever range) are aggregated
  SELECT src_num, dst_num, sum(up) AS up, sum(down) AS down, sum(n) AS flows,
         min(first_ts) AS first_ts, max(last_ts) AS last_ts
  FROM det_target
  WHERE src_num IN (SELECT num FROM det_addr WHERE internal)
    AND dst_num IN (SELECT num FROM det_addr WHERE external)
  GROUP BY src_num, dst_num
),
med AS (SELECT ${d.median('ln(1 + up)')} AS m, count(*) AS population FROM pairs),
mad AS (SELECT ${d.median('abs(ln(1 + up) - m)')} AS d FROM pairs, med),
flagged AS (
  SELECT p.src_num, p.dst_num, p.up, p.down, p.flows,
         ${windowKey(d, 'p.first_ts')} AS first_w, ${windowKey(d, 'p.last_ts')} AS last_w,
         med.m AS median_log, mad.d AS mad_log, med.population,
         (ln(1 + p.up) - med.m) / (1.4826 * greatest(mad.d, $madFloor::DOUBLE)) AS z,
         p.up / greatest(p.up + p.down, 1) AS up_share
  FROM pairs p, med, mad
  WHERE p.up >= $minUp::DOUBLE
    AND (ln(1 + p.up) - med.m) / (1.4826 * greatest(mad.d, $madFloor::DOUBLE)) >= $minZ::DOUBLE
    AND p.up / greatest(p.up + p.down, 1) >= $minShare::DOUBLE
),
-- the flagged pairs' ports (listed per pair here: a distinct list for each of the 1.3M pairs
-- above costs seconds) and the text forms of their addresses (the evidence selects by text)
ports AS (
  SELECT src_num, dst_num, ${d.listAgg('dst_port', { distinct: true, orderBy: [{ expr: 'dst_port' }], where: 'dst_port IS NOT NULL' })} AS dst_ports
  FROM det_target SEMI JOIN flagged USING (src_num, dst_num) GROUP BY src_num, dst_num
),
src_names AS (${namesOf(d, 'SELECT src_num FROM flagged')}),
dst_names AS (${namesOf(d, 'SELECT dst_num FROM flagged')})
SELECT f.* ${d.exclude(['src_num', 'dst_num'])}, s.ips AS src_ips, d.ips AS dst_ips, p.dst_ports
FROM flagged f JOIN ports p USING (src_num, dst_num)
JOIN src_names s ON s.num = f.src_num JOIN dst_names d ON d.num = f.dst_num
ORDER BY f.up DESC
`;
