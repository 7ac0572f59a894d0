// Exfiltration as SQL: bytes sent per (internal source, external destination) pair over the
// capture, scored against all such pairs with a robust z-score on log bytes (median and MAD), so
// one host's upload stands out from the office's usual outbound chatter.

/**
 * Bound parameters: $1 window length (microseconds), $2 minimum bytes up, $3 minimum robust z,
 * $4 minimum upload share, $5 MAD floor (log units).
 * Population: every (internal, external public) pair; rows: the pairs past all three fences, with
 * the text forms of their addresses and their destination ports.
 */
export const EXFIL_SQL = `
WITH pairs AS (
  SELECT src_num, dst_num, sum(src_bytes) AS up, sum(dst_bytes) AS down, count(*) AS flows,
         min(ts) AS first_ts, max(ts) AS last_ts
  FROM flows
  -- addresses classified once each in the shared table det_addr (../shared.ts); only
  -- internal -> external public flows reach the aggregate
  WHERE src_num IN (SELECT num FROM det_addr WHERE internal)
    AND dst_num IN (SELECT num FROM det_addr WHERE NOT internal AND public)
  -- numeric keys hash faster than text; text forms are fetched for the flagged pairs below
  GROUP BY src_num, dst_num
),
med AS (SELECT median(ln(1 + up)) AS m, count(*) AS population FROM pairs),
mad AS (SELECT median(abs(ln(1 + up) - m)) AS d FROM pairs, med),
flagged AS (
  SELECT p.src_num, p.dst_num, p.up, p.down, p.flows,
         epoch_us(p.first_ts) // $1::BIGINT AS first_w, epoch_us(p.last_ts) // $1::BIGINT AS last_w,
         med.m AS median_log, mad.d AS mad_log, med.population,
         (ln(1 + p.up) - med.m) / (1.4826 * greatest(mad.d, $5::DOUBLE)) AS z,
         p.up / greatest(p.up + p.down, 1) AS up_share
  FROM pairs p, med, mad
  WHERE p.up >= $2::DOUBLE
    AND (ln(1 + p.up) - med.m) / (1.4826 * greatest(mad.d, $5::DOUBLE)) >= $3::DOUBLE
    AND p.up / greatest(p.up + p.down, 1) >= $4::DOUBLE
),
detail AS (
  SELECT src_num, dst_num, list(DISTINCT src_ip ORDER BY src_ip) AS src_ips,
         list(DISTINCT dst_ip ORDER BY dst_ip) AS dst_ips,
         list(DISTINCT dst_port ORDER BY dst_port) FILTER (WHERE dst_port IS NOT NULL) AS dst_ports
  FROM flows SEMI JOIN flagged USING (src_num, dst_num)
  GROUP BY src_num, dst_num
)
SELECT f.* EXCLUDE (src_num, dst_num), d.src_ips, d.dst_ips, d.dst_ports
FROM flagged f JOIN detail d USING (src_num, dst_num)
ORDER BY f.up DESC
`;

