// Brute force as SQL: attempts (distinct source ports per window) from one source to one
// destination on an authentication port, counted over a trailing horizon; hot stretches are merged
// into one span per (src, dst, port, proto) so one attack gives one alert, not one per window.
// Each span comes with its client's own figures over the capture (busiest horizon, attempts,
// active windows, classes) and the service's other clients (how many, their median busiest
// horizon): the peer baseline the caller compares against.

export interface BruteforceSqlArgs {
  /** SQL list of the authentication ports' binds (listBinds). */
  ports: string;
  /** SQL list of the protocols' binds. */
  protos: string;
}

/**
 * Named parameters: $us window length (microseconds), $horizon in windows, $minAttempts within
 * the horizon, $idle gap (seconds) that ends an attempt, and the binds of the port and protocol
 * lists.
 * One row per span: key, first/last window, attempts, records, mean and CV of attempt sizes, the
 * client's peak / total / first and last window / active windows / classes, its peers and their
 * median peak, and the capture's length in windows.
 */
export function bruteforceSql({ ports: portList, protos: protoList }: BruteforceSqlArgs): string {
  return `
WITH rec AS (
  SELECT src_ip, dst_ip, dst_port, proto, coalesce(src_port::BIGINT, -id) AS sport, ts, src_num, dst_num,
         src_bytes + dst_bytes AS bytes, epoch_us(ts) // $us::BIGINT AS w
  FROM flows
  WHERE dst_port IN (${portList}) AND proto IN (${protoList})
),
-- one attempt = the records of one source port with no idle gap longer than $idle seconds (a
-- long-lived session recorded as many updates stays one attempt); flows without ports count
-- one attempt per record
gapped AS (
  SELECT *, CASE WHEN ts - lag(ts) OVER (PARTITION BY src_ip, dst_ip, dst_port, proto, sport ORDER BY ts)
                      <= to_seconds($idle::DOUBLE) THEN 0 ELSE 1 END AS starts
  FROM rec
),
att AS (
  SELECT src_ip, dst_ip, dst_port, proto, min(w) AS w, max(w) AS end_w, sum(bytes) AS bytes,
         any_value(src_num) AS src_num, any_value(dst_num) AS dst_num
  FROM (SELECT *, sum(starts) OVER (PARTITION BY src_ip, dst_ip, dst_port, proto, sport ORDER BY ts
                                    ROWS UNBOUNDED PRECEDING) AS k FROM gapped)
  GROUP BY src_ip, dst_ip, dst_port, proto, sport, k
),
win AS (
  SELECT src_ip, dst_ip, dst_port, proto, w, count(*) AS attempts, max(end_w) AS end_w,
         any_value(src_num) AS src_num, any_value(dst_num) AS dst_num,
         sum(bytes)::DOUBLE AS sb, sum(bytes::DOUBLE * bytes::DOUBLE) AS sb2
  FROM att GROUP BY ALL
),
slide AS (
  SELECT *, sum(attempts) OVER (
           PARTITION BY src_ip, dst_ip, dst_port, proto ORDER BY w
           RANGE BETWEEN $horizon::BIGINT - 1 PRECEDING AND CURRENT ROW) AS trail_attempts
  FROM win
),
-- every client of a service (dst, port, proto): its busiest horizon, attempts, active windows
client AS (
  SELECT src_ip, dst_ip, dst_port, proto, max(trail_attempts) AS peak, sum(attempts) AS total,
         min(w) AS first_w, max(w) AS last_w, count(*) AS active, any_value(src_num) AS src_num, any_value(dst_num) AS dst_num
  FROM slide GROUP BY ALL
),
-- a hot window w makes [w - horizon + 1, w] part of the attack
hot AS (
  SELECT src_ip, dst_ip, dst_port, proto, w - $horizon::BIGINT + 1 AS lo, w AS hi
  FROM slide WHERE trail_attempts >= $minAttempts::BIGINT
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
),
-- the service's other clients (its clientele): how many, and the median of their busiest horizons
peers AS (
  SELECT a.src_ip, a.dst_ip, a.dst_port, a.proto, count(b.src_ip) AS peers, median(b.peak) AS peer_peak
  FROM (SELECT DISTINCT src_ip, dst_ip, dst_port, proto FROM spans) a
  LEFT JOIN client b ON b.dst_ip = a.dst_ip AND b.dst_port = a.dst_port AND b.proto = a.proto AND b.src_ip <> a.src_ip
  GROUP BY ALL
),
capture AS (SELECT min(epoch_us(ts)) // $us::BIGINT AS lo, max(epoch_us(ts)) // $us::BIGINT AS hi FROM flows)
-- the evidence is every record of the key inside the span, so count exactly those
SELECT s.*, (SELECT count(*) FROM rec r
             WHERE r.src_ip = s.src_ip AND r.dst_ip = s.dst_ip AND r.dst_port = s.dst_port
               AND r.proto = s.proto AND r.w BETWEEN s.first_w AND s.last_w) AS recs,
       c.peak, c.total, c.first_w AS client_first_w, c.last_w AS client_last_w, c.active,
       ip_class(c.src_num) AS src_class, ip_class(c.dst_num) AS dst_class,
       p.peers, p.peer_peak, cap.hi - cap.lo + 1 AS capture_windows
FROM spans s JOIN client c USING (src_ip, dst_ip, dst_port, proto) JOIN peers p USING (src_ip, dst_ip, dst_port, proto), capture cap
ORDER BY attempts DESC
`;
}
