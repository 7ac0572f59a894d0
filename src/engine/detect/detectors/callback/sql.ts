// Failed callbacks as SQL: an internal host that keeps trying one outside endpoint (host, port)
// over a long span, most attempts failing. Candidates come from the shared per-target table
// (enough records over a long enough span, internal -> external by ip_class); their records are
// read once to rebuild attempts (the records of one source port without a long pause are one
// attempt: a retransmitted SYN that the collector logged twice stays one attempt) and
// summarised: attempts, failed ones, span, intervals and a timeline in buckets. An attempt failed
// when it got no lasting session: unanswered or refused (FAILED), or cut off, its records ending
// half-closed ('closing': one side closed and the other never answered, e.g. Zeek S3: the server
// hung up on it) with nothing established or closed normally after.
import { failedSql, namesOf } from '../../kit';

/**
 * `uni`: one-way records (only the state says an attempt failed, see failedSql).
 * Named parameters: $minAttempts, $minSpan (seconds), $minFailedShare, $bucket (seconds: records
 * of one source port no further apart are one attempt), $timeline (seconds per timeline
 * bucket), $peerAttempts (records that make another internal host a client of the endpoint);
 * `skip` leaves out the ignored services (ignoredServices(...).skipSql(), binds $p1, $n1, ...).
 * One row per pair past the fences, with its peers (other internal clients of the endpoint).
 */
export function callbackSql(skip: string, uni: boolean): string {
  const failed = failedSql(uni).replace(/\b(state|dst_bytes|dst_pkts)\b/g, 'f.$1');
  return `
WITH cand AS (
  SELECT src_num, dst_num, dst_port, proto, (row_number() OVER ())::INTEGER AS pid
  FROM det_target
  WHERE proto IN ('tcp', 'udp') AND dst_port IS NOT NULL AND n >= $minAttempts ${skip}
    AND epoch(last_ts) - epoch(first_ts) >= $minSpan
    AND src_num IN (SELECT num FROM det_addr WHERE internal)
    AND dst_num IN (SELECT num FROM det_addr WHERE external)
),
rec AS (
  SELECT c.pid, coalesce(f.src_port::BIGINT, -f.id) AS sport, f.ts, f.state,
         ${failed} AS failed, f.state = 'closing' AS cut
  FROM flows f JOIN cand c
    ON f.src_num = c.src_num AND f.dst_num = c.dst_num AND f.dst_port = c.dst_port AND f.proto = c.proto
),
-- one attempt = the records of one source port with no pause longer than $bucket seconds
gapped AS (
  SELECT *, CASE WHEN epoch(ts) - epoch(lag(ts) OVER (PARTITION BY pid, sport ORDER BY ts)) <= $bucket THEN 0 ELSE 1 END AS starts
  FROM rec
),
att AS (
  SELECT pid, min(ts) AS ts, max(ts) AS te, bool_and(failed OR cut) AS failed, bool_and(failed) AS unanswered,
         bool_or(state = 'reset') AS refused, count(*) AS recs
  FROM (SELECT *, sum(starts) OVER (PARTITION BY pid, sport ORDER BY ts ROWS UNBOUNDED PRECEDING) AS k FROM gapped)
  GROUP BY pid, sport, k
),
per AS (
  SELECT pid, count(*) AS attempts, count_if(failed) AS failed, count_if(unanswered AND NOT refused) AS unanswered,
         count_if(unanswered AND refused) AS refused,
         sum(recs) AS recs, min(ts) AS first_ts, max(te) AS last_ts
  FROM att GROUP BY pid
  HAVING count(*) >= $minAttempts AND count_if(failed) >= $minFailedShare * count(*)
     AND epoch(max(ts)) - epoch(min(ts)) >= $minSpan
),
iv AS (
  SELECT pid, epoch(ts) - epoch(lag(ts) OVER (PARTITION BY pid ORDER BY ts)) AS d FROM att SEMI JOIN per USING (pid)
),
ivs AS (SELECT pid, median(d) AS d_median, max(d) AS d_max FROM iv GROUP BY pid),
tl AS (
  SELECT pid, list({'t': b * $timeline, 'n': n} ORDER BY b) AS timeline FROM (
    SELECT pid, epoch(ts)::BIGINT // $timeline AS b, count(*) AS n FROM att SEMI JOIN per USING (pid) GROUP BY ALL)
  GROUP BY pid
),
hits AS (SELECT c.*, p.* EXCLUDE (pid) FROM per p JOIN cand c USING (pid)),
-- other internal hosts that use the same endpoint: a service many hosts use (or keep failing to
-- reach) is that service's clientele, not one host's implant
peers AS (
  SELECT h.pid, count(DISTINCT t.src_num) AS peers
  FROM hits h JOIN det_target t ON t.dst_num = h.dst_num AND t.dst_port = h.dst_port AND t.proto = h.proto
   AND t.src_num <> h.src_num AND t.n >= $peerAttempts
  WHERE t.src_num IN (SELECT num FROM det_addr WHERE internal)
  GROUP BY h.pid
),
src_names AS (${namesOf('SELECT src_num FROM hits')}),
dst_names AS (${namesOf('SELECT dst_num FROM hits')})
SELECT s.ips AS src_ips, d.ips AS dst_ips, h.dst_port, h.proto, h.attempts, h.failed, h.unanswered, h.refused, h.recs,
       h.first_ts, h.last_ts, i.d_median, i.d_max, t.timeline, coalesce(pe.peers, 0) AS peers
FROM hits h JOIN src_names s ON s.num = h.src_num JOIN dst_names d ON d.num = h.dst_num
JOIN ivs i USING (pid) JOIN tl t USING (pid) LEFT JOIN peers pe USING (pid)
ORDER BY h.attempts DESC`;
}
