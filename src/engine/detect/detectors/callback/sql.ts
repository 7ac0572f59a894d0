// Failed callbacks as SQL: an internal host that keeps trying one outside endpoint (host, port)
// over a long span, most attempts failing. Candidates come from the shared per-target table
// (enough records over a long enough span, internal -> external by ip_class); their records are
// read once to rebuild attempts (the records of one source port without a long pause are one
// attempt: a retransmitted SYN that the collector logged twice stays one attempt) and
// summarised: attempts, failed ones, span, intervals and a timeline in buckets. An attempt failed
// when it got no lasting session: unanswered or refused (FAILED), or cut off, its records ending
// half-closed ('closing': one side closed and the other never answered, e.g. Zeek S3: the server
// hung up on it) with nothing established or closed normally after.
import { failedSql, namesOf, pick, type DetectDialect } from '../../kit';

/**
 * `uni`: one-way records (only the state says an attempt failed, see failedSql).
 * Named parameters: $minAttempts, $minSpan (seconds), $minFailedShare, $bucket (seconds: records
 * of one source port no further apart are one attempt), $timeline (seconds per timeline
 * bucket), $peerAttempts (records that make another internal host a client of the endpoint);
 * `skip` leaves out the ignored services (ignoredServices(...).skipSql(), binds $p1, $n1, ...).
 * One row per pair past the fences, with its peers (other internal clients of the endpoint) and
 * its timeline as two lists: bucket starts (epoch seconds, tl_t) and attempts in each (tl_n).
 */
export function callbackSql(d: DetectDialect, flows: string, skip: string, uni: boolean): string {
  const failed = failedSql(uni).replace(/\b(state|dst_bytes|dst_pkts)\b/g, 'f.$1');
  // seconds since the previous record of the partition (NULL on its first)
  const gap = (over: string) => `${d.epoch('ts')} - ${d.lag(d.epoch('ts'))} OVER (${over})`;
  return `
WITH cand AS (
  -- numbered in key order: ClickHouse evaluates a CTE once per use, rows in any order
  SELECT src_num, dst_num, dst_port, proto, (row_number() OVER (ORDER BY src_num, dst_num, dst_port, proto))::INTEGER AS pid
  FROM det_target
  WHERE proto IN ('tcp', 'udp') AND dst_port IS NOT NULL AND n >= $minAttempts ${skip}
    AND ${d.epoch('last_ts')} - ${d.epoch('first_ts')} >= $minSpan
    AND src_num IN (SELECT num FROM det_addr WHERE internal)
    AND dst_num IN (SELECT num FROM det_addr WHERE external)
),
rec AS (
  SELECT c.pid AS pid, coalesce(f.src_port::BIGINT, -f.id) AS sport, f.ts AS ts, f.state AS state,
         ${failed} AS failed, f.state = 'closing' AS cut
  FROM ${flows} f JOIN cand c
    ON f.src_num = c.src_num AND f.dst_num = c.dst_num AND f.dst_port = c.dst_port AND f.proto = c.proto
),
-- one attempt = the records of one source port with no pause longer than $bucket seconds
gapped AS (
  SELECT *, CASE WHEN ${gap('PARTITION BY pid, sport ORDER BY ts')} <= $bucket THEN 0 ELSE 1 END AS starts
  FROM rec
),
att AS (
  SELECT pid, min(ts) AS ts, max(ts) AS te, ${d.boolAnd('failed OR cut')} AS failed, ${d.boolAnd('failed')} AS unanswered,
         ${d.boolOr("state = 'reset'")} AS refused, count(*) AS recs
  FROM (SELECT *, sum(starts) OVER (PARTITION BY pid, sport ORDER BY ts ROWS UNBOUNDED PRECEDING) AS k FROM gapped)
  GROUP BY pid, sport, k
),
per AS (
  SELECT pid, count(*) AS attempts, ${d.countIf('failed')} AS failed, ${d.countIf('unanswered AND NOT refused')} AS unanswered,
         ${d.countIf('unanswered AND refused')} AS refused,
         sum(recs) AS recs, min(ts) AS first_ts, max(te) AS last_ts
  FROM att GROUP BY pid
  HAVING count(*) >= $minAttempts AND ${d.countIf('failed')} >= $minFailedShare * count(*)
     AND ${d.epoch('max(ts)')} - ${d.epoch('min(ts)')} >= $minSpan
),
iv AS (
  SELECT pid, ${gap('PARTITION BY pid ORDER BY ts')} AS d FROM att SEMI JOIN per USING (pid)
),
ivs AS (SELECT pid, ${d.median('d')} AS d_median, max(d) AS d_max FROM iv GROUP BY pid),
tl AS (
  SELECT pid, ${d.listAgg('b * $timeline', { orderBy: [{ expr: 'b' }] })} AS tl_t,
         ${d.listAgg('n', { orderBy: [{ expr: 'b' }] })} AS tl_n FROM (
    SELECT pid, ${d.intDiv(`floor(${d.epoch('ts')})::BIGINT`, '$timeline')} AS b, count(*) AS n
    FROM att SEMI JOIN per USING (pid) GROUP BY ALL)
  GROUP BY pid
),
hits AS (SELECT p.*, ${pick('c', ['src_num', 'dst_num', 'dst_port', 'proto'])} FROM per p JOIN cand c USING (pid)),
-- other internal hosts that use the same endpoint: a service many hosts use (or keep failing to
-- reach) is that service's clientele, not one host's implant
peers AS (
  SELECT h.pid AS pid, count(DISTINCT t.src_num) AS peers
  FROM hits h JOIN det_target t ON t.dst_num = h.dst_num AND t.dst_port = h.dst_port AND t.proto = h.proto
  WHERE t.src_num <> h.src_num AND t.n >= $peerAttempts
    AND t.src_num IN (SELECT num FROM det_addr WHERE internal)
  GROUP BY h.pid
),
src_names AS (${namesOf(d, 'SELECT src_num FROM hits')}),
dst_names AS (${namesOf(d, 'SELECT dst_num FROM hits')})
SELECT s.ips AS src_ips, d.ips AS dst_ips,
       ${pick('h', ['dst_port', 'proto', 'attempts', 'failed', 'unanswered', 'refused', 'recs', 'first_ts', 'last_ts'])},
       ${pick('i', ['d_median', 'd_max'])}, ${pick('t', ['tl_t', 'tl_n'])}, coalesce(pe.peers, 0) AS peers
FROM hits h JOIN src_names s ON s.num = h.src_num JOIN dst_names d ON d.num = h.dst_num
JOIN ivs i USING (pid) JOIN tl t USING (pid) LEFT JOIN peers pe USING (pid)
ORDER BY h.attempts DESC`;
}
