// Brute force as SQL: attempts (distinct source ports per window) from one source to one
// destination on an authentication port, counted over a trailing horizon; hot stretches are merged
// into one span per (src, dst, port, proto) so one attack gives one alert, not one per window.

export interface BruteforceSqlArgs {
  /** Number of authentication ports bound after the fixed parameters. */
  ports: number;
  /** Number of protocols bound after the ports. */
  protos: number;
}

/**
 * Bound parameters, in order: $1 window length (microseconds), $2 horizon in windows,
 * $3 minimum attempts within the horizon, $4 idle gap (seconds) that ends an attempt, then the
 * ports, then the protocols.
 * One row per span: key, first/last window, attempts, records, mean and CV of attempt sizes.
 */
export function bruteforceSql({ ports, protos }: BruteforceSqlArgs): string {
  const portList = Array.from({ length: ports }, (_, i) => `$${5 + i}`).join(', ');
  const protoList = Array.from({ length: protos }, (_, i) => `$${5 + ports + i}`).join(', ');
  return `
WITH rec AS (
  SELECT src_ip, dst_ip, dst_port, proto, coalesce(src_port::BIGINT, -id) AS sport, ts,
         src_bytes + dst_bytes AS bytes, epoch_us(ts) // $1::BIGINT AS w
  FROM flows
  WHERE dst_port IN (${portList}) AND proto IN (${protoList})
),
-- one attempt = the records of one source port with no idle gap longer than $4 seconds (a
-- long-lived session recorded as many updates stays one attempt); flows without ports count
-- one attempt per record
gapped AS (
  SELECT *, CASE WHEN ts - lag(ts) OVER (PARTITION BY src_ip, dst_ip, dst_port, proto, sport ORDER BY ts)
                      <= to_seconds($4::DOUBLE) THEN 0 ELSE 1 END AS starts
  FROM rec
),
att AS (
  SELECT src_ip, dst_ip, dst_port, proto, min(w) AS w, max(w) AS end_w, sum(bytes) AS bytes
  FROM (SELECT *, sum(starts) OVER (PARTITION BY src_ip, dst_ip, dst_port, proto, sport ORDER BY ts
                                    ROWS UNBOUNDED PRECEDING) AS k FROM gapped)
  GROUP BY src_ip, dst_ip, dst_port, proto, sport, k
),
win AS (
  SELECT src_ip, dst_ip, dst_port, proto, w, count(*) AS attempts, max(end_w) AS end_w,
         sum(bytes)::DOUBLE AS sb, sum(bytes::DOUBLE * bytes::DOUBLE) AS sb2
  FROM att GROUP BY ALL
),
slide AS (
  SELECT *, sum(attempts) OVER (
           PARTITION BY src_ip, dst_ip, dst_port, proto ORDER BY w
           RANGE BETWEEN $2::BIGINT - 1 PRECEDING AND CURRENT ROW) AS trail_attempts
  FROM win
),
-- a hot window w makes [w - horizon + 1, w] part of the attack
hot AS (
  SELECT src_ip, dst_ip, dst_port, proto, w - $2::BIGINT + 1 AS lo, w AS hi
  FROM slide WHERE trail_attempts >= $3::BIGINT
),
marked AS (
  SELECT *, CASE WHEN lo <= max(hi) OVER (
                   PARTITION BY src_ip, dst_ip, dst_port, proto ORDER BY lo, hi
                   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) + 1
                 THEN 0 ELSE 1 END AS starts
  FROM hot
),
islands AS (
  SELECT src_ip, dst_ip, dst_port, proto, min(lo) AS lo, max(hi) AS hi
  FROM (SELECT *, sum(starts) OVER (PARTITION BY src_ip, dst_ip, dst_port, proto ORDER BY lo, hi
                                    ROWS UNBOUNDED PRECEDING) AS isl
        FROM marked)
  GROUP BY src_ip, dst_ip, dst_port, proto, isl
),
spans AS (
  SELECT i.src_ip, i.dst_ip, i.dst_port, i.proto,
         min(x.w) AS first_w, max(x.end_w) AS last_w,
         sum(x.attempts) AS attempts,
         sum(x.sb) / sum(x.attempts) AS mean_bytes,
         sqrt(greatest(sum(x.sb2) / sum(x.attempts) - pow(sum(x.sb) / sum(x.attempts), 2), 0))
           / nullif(sum(x.sb) / sum(x.attempts), 0) AS size_cv
  FROM islands i
  JOIN win x ON x.src_ip = i.src_ip AND x.dst_ip = i.dst_ip AND x.dst_port = i.dst_port
            AND x.proto = i.proto AND x.w BETWEEN i.lo AND i.hi
  GROUP BY i.src_ip, i.dst_ip, i.dst_port, i.proto, i.lo
)
-- the evidence is every record of the key inside the span, so count exactly those
SELECT s.*, (SELECT count(*) FROM rec r
             WHERE r.src_ip = s.src_ip AND r.dst_ip = s.dst_ip AND r.dst_port = s.dst_port
               AND r.proto = s.proto AND r.w BETWEEN s.first_w AND s.last_w) AS recs
FROM spans s
ORDER BY attempts DESC
`;
}
