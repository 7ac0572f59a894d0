// Brute force as SQL: attempts (distinct source ports per window) from one source to one
// destination on an authentication port, counted over a trailing horizon; hot stretches are merged
// into one span per (src, dst, port, proto) so one attack gives one alert, not one per window.
// Each span comes with its client's own figures over the capture (busiest horizon, attempts,
// active windows, classes) and the service's other clients (how many, their median busiest
// horizon): the peer baseline the caller compares against.
import { pick, windowKey, type DetectDialect } from '../../kit';

const KEY = ['src_ip', 'dst_ip', 'dst_port', 'proto'];
const on = (a: string, b: string) => KEY.map((k) => `${a}.${k} = ${b}.${k}`).join(' AND ');

export interface BruteforceSqlArgs {
  d: DetectDialect;
  flows: string;
  /** The horizon in windows (a whole number: window frames take no binds). */
  horizon: number;
  /** SQL list of the authentication ports' binds (listBinds). */
  ports: string;
  /** SQL list of the protocols' binds. */
  protos: string;
}

/**
 * Named parameters: $us window length (microseconds), $minAttempts within
 * the horizon, $idle gap (seconds) that ends an attempt, and the binds of the port and protocol
 * lists.
 * One row per span: key, first/last window, attempts, records, mean and CV of attempt sizes, the
 * client's peak / total / first and last window / active windows / classes, its peers and their
 * median peak, and the capture's length in windows.
 */
export function bruteforceSql({
  d,
  flows,
  horizon,
  ports: portList,
  protos: protoList,
}: BruteforceSqlArgs): string {
  if (!Number.isInteger(horizon) || horizon < 1) throw new Error('bad horizon');
  return `
WITH rec AS (
  SELECT src_ip, dst_ip, dst_port, proto, coalesce(src_port::BIGINT, -id) AS sport, ts, src_num, dst_num,
         src_bytes + dst_bytes AS bytes, ${windowKey(d)} AS w
  FROM ${flows}
  WHERE dst_port IN (${portList}) AND proto IN (${protoList})
),
-- one attempt = the records of one source port with no idle gap longer than $idle seconds (a
-- long-lived session recorded as many updates stays one attempt); flows without ports count
-- one attempt per record
gapped AS (
  SELECT *, CASE WHEN ${d.epochUs('ts')} - ${d.lag(d.epochUs('ts'))} OVER (PARTITION BY src_ip, dst_ip, dst_port, proto, sport ORDER BY ts)
                      <= $idle * 1000000 THEN 0 ELSE 1 END AS starts
  FROM rec
),
att AS (
  SELECT src_ip, dst_ip, dst_port, proto, min(w) AS w, max(w) AS end_w, sum(bytes) AS bytes,
         ${d.anyValue('src_num')} AS src_num, ${d.anyValue('dst_num')} AS dst_num
  FROM (SELECT *, sum(starts) OVER (PARTITION BY src_ip, dst_ip, dst_port, proto, sport ORDER BY ts
                                    ROWS UNBOUNDED PRECEDING) AS k FROM gapped)
  GROUP BY src_ip, dst_ip, dst_port, proto, sport, k
),
win AS (
  SELECT src_ip, dst_ip, dst_port, proto, w, count(*) AS attempts, max(end_w) AS end_w,
         ${d.anyValue('src_num')} AS src_num, ${d.anyValue('dst_num')} AS dst_num,
         sum(bytes)::DOUBLE AS sb, sum(bytes::DOUBLE * bytes::DOUBLE) AS sb2
  FROM att GROUP BY ALL
),
slide AS (
  SELECT *, sum(attempts) OVER (
           PARTITION BY src_ip, dst_ip, dst_port, proto ORDER BY w
           RANGE BETWEEN ${horizon - 1} PRECEDING AND CURRENT ROW) AS trail_attempts
  FROM win
),
-- every client of a service (dst, port, proto): its busiest horizon, attempts, active windows
client AS (
  SELECT src_ip, dst_ip, dst_port, proto, max(trail_attempts) AS peak, sum(attempts) AS total,
         min(w) AS first_w, max(w) AS last_w, count(*) AS active, ${d.anyValue('src_num')} AS src_num,
         ${d.anyValue('dst_num')} AS dst_num
  FROM slide GROUP BY ALL
),
-- a hot window w makes [w - horizon + 1, w] part of the attack
hot AS (
  SELECT src_ip, dst_ip, dst_port, proto, w - ${horizon - 1} AS lo, w AS hi
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
  SELECT ${pick('i', KEY)},
         min(x.w) AS first_w, max(x.end_w) AS last_w,
         sum(x.attempts) AS attempts,
         sum(x.sb) / sum(x.attempts) AS mean_bytes,
         sqrt(greatest(sum(x.sb2) / sum(x.attempts) - pow(sum(x.sb) / sum(x.attempts), 2), 0))
           / nullif(sum(x.sb) / sum(x.attempts), 0) AS size_cv
  FROM islands i
  JOIN win x ON ${on('x', 'i')}
  WHERE x.w BETWEEN i.lo AND i.hi
  GROUP BY i.src_ip, i.dst_ip, i.dst_port, i.proto, i.lo
),
-- the service's other clients (its clientele): how many, and the median of their busiest horizons
keys AS (SELECT DISTINCT src_ip, dst_ip, dst_port, proto FROM spans),
others AS (
  SELECT ${pick('a', KEY)}, count(*) AS peers, ${d.median('b.peak')} AS peer_peak
  FROM keys a JOIN client b ON b.dst_ip = a.dst_ip AND b.dst_port = a.dst_port AND b.proto = a.proto
  WHERE b.src_ip <> a.src_ip
  GROUP BY ALL
),
peers AS (
  SELECT ${pick('a', KEY)}, coalesce(o.peers, 0) AS peers, o.peer_peak AS peer_peak
  FROM keys a LEFT JOIN others o ON ${on('o', 'a')}
),
capture AS (
  SELECT ${d.intDiv(`min(${d.epochUs('ts')})`, '$us::BIGINT')} AS lo,
         ${d.intDiv(`max(${d.epochUs('ts')})`, '$us::BIGINT')} AS hi
  FROM ${flows}
),
-- the evidence is every record of the key inside the span, so count exactly those
recs AS (
  SELECT ${pick('s', KEY)}, s.first_w AS first_w, count(*) AS recs
  FROM spans s JOIN rec r ON ${on('r', 's')}
  WHERE r.w BETWEEN s.first_w AND s.last_w
  GROUP BY ALL
)
SELECT ${pick('s', [...KEY, 'first_w', 'last_w', 'attempts', 'mean_bytes', 'size_cv'])},
       coalesce(n.recs, 0) AS recs,
       c.peak AS peak, c.total AS total, c.first_w AS client_first_w, c.last_w AS client_last_w, c.active AS active,
       ${d.ipClass('c.src_num')} AS src_class, ${d.ipClass('c.dst_num')} AS dst_class,
       p.peers AS peers, p.peer_peak AS peer_peak, (SELECT hi - lo + 1 FROM capture) AS capture_windows
FROM spans s JOIN client c ON ${on('c', 's')} JOIN peers p ON ${on('p', 's')}
LEFT JOIN recs n ON ${on('n', 's')} AND n.first_w = s.first_w
ORDER BY attempts DESC
`;
}
