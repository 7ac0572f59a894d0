// Beaconing as SQL (grouped on a small id per candidate pair, which hashes and sorts faster than
// the addresses; the text forms are looked up for the reported pairs only): connections from an
// internal host to one external host and port, their inter-arrival times and sizes summarised by
// quartiles and MAD (RITA's ingredients). A
// connection is the records of one source port within an idle-long bucket, and a pair whose
// "connections" mostly share a source port is a long connection seen through its update records
// (the collector reports it every 30 s), not thirty regular ones.
import { namesOf, pick, windowKey, type DetectDialect } from '../../kit';

/**
 * Named parameters: $us window length (microseconds), $bucket length (seconds) that groups
 * records of one source port into a connection, $minConns per pair, $minInterval median interval
 * (seconds), and the binds of `skip`, the services left out (ignoredServices(...).skipSql()).
 * One row per pair with at least $minConns connections that can still be reported (see busy): quartiles
 * and MAD of intervals (seconds) and of connection sizes (bytes both ways), mode of sizes,
 * distinct source ports, records, span. The mode of sizes is the most frequent size, the
 * smallest of equally frequent ones.
 * Needs the shared tables det_target, det_addr and det_ipname (../../shared-tables.ts).
 */
export function beaconSql(d: DetectDialect, flows: string, skip: string): string {
  return `
WITH cand AS (
  -- a pair has at most as many connections as records, and its connections span at most its
  -- records' span, which must leave room for the median interval (see busy below): only
  -- internal -> external pairs (ip_class: outside the site, whatever range) that pass both (from the per-target table, not the flows)
  -- go on, each under a small integer id that the grouping and sorting below hash instead of
  -- the addresses; numbered in key order, as ClickHouse evaluates a CTE once per use (rows in
  -- whatever order its threads read them)
  SELECT src_num, dst_num, dst_port, proto, (row_number() OVER (ORDER BY src_num, dst_num, dst_port, proto))::INTEGER AS pid
  FROM det_target
  WHERE dst_port IS NOT NULL AND n >= $minConns::BIGINT ${skip}
    AND ${d.epoch('last_ts')} - ${d.epoch('first_ts')} >= ($minConns::BIGINT - 1) / 2.0 * $minInterval::DOUBLE - 0.001
    AND src_num IN (SELECT num FROM det_addr WHERE internal)
    AND dst_num IN (SELECT num FROM det_addr WHERE external)
),
rec AS (
  SELECT c.pid AS pid, coalesce(f.src_port::BIGINT, -f.id) AS sport, f.ts AS ts, f.src_bytes + f.dst_bytes AS bytes
  FROM ${flows} f JOIN cand c
    ON f.src_num = c.src_num AND f.dst_num = c.dst_num AND f.dst_port = c.dst_port AND f.proto = c.proto
),
-- records of one source port within one bucket are one connection: a hash aggregate,
-- no sort; a long connection split across buckets keeps its port, which the caller checks
conns AS (
  SELECT pid, sport, ${d.epoch('min(ts)')} AS t, sum(bytes)::DOUBLE AS b,
         count(*) AS recs, min(ts) AS first_ts, max(ts) AS last_ts
  FROM rec
  GROUP BY pid, sport, ${d.intDiv(d.epochUs('ts'), 'floor($bucket::DOUBLE * 1000000 + 0.5)::BIGINT')}
),
-- only pairs that can still be reported go on to the (costlier) interval statistics: enough
-- connections, at least half as many source ports as connections (else a long connection seen
-- through its update records, which the caller drops), and a span that leaves room for a median
-- interval of $minInterval s (at least half of the conns - 1 intervals are at or above their median, so
-- they add up to at least (conns - 1) / 2 * median); the millisecond spares rounding
ports AS (SELECT pid, count(*) AS ports FROM (SELECT DISTINCT pid, sport FROM conns) GROUP BY pid),
busy AS (
  SELECT c.pid AS pid, ${d.anyValue('p.ports')} AS ports FROM conns c JOIN ports p USING (pid) GROUP BY c.pid
  HAVING count(*) >= $minConns::BIGINT AND ${d.anyValue('p.ports')} * 2 >= count(*)
     AND max(c.t) - min(c.t) >= (count(*) - 1) / 2.0 * $minInterval::DOUBLE - 0.001
),
iv AS (
  SELECT c.*, t - ${d.lag('t')} OVER (PARTITION BY c.pid ORDER BY t, sport) AS d
  FROM conns c SEMI JOIN busy USING (pid)
),
-- the most frequent size per pair (the smallest of equally frequent ones)
sizes AS (SELECT pid, b, count(*) AS c FROM iv GROUP BY pid, b),
modes AS (
  SELECT pid, min(b) AS bmode
  FROM (SELECT pid, b, c, max(c) OVER (PARTITION BY pid) AS top FROM sizes) WHERE c = top GROUP BY pid
),
q AS (
  SELECT pid, count(*) AS conns, ${d.anyValue('busy.ports')} AS ports,
         sum(recs) AS recs, min(first_ts) AS first_ts, max(last_ts) AS last_ts,
         ${d.quantilesCont('d', [0.25, 0.5, 0.75])} AS dq, ${d.quantilesCont('b', [0.25, 0.5, 0.75])} AS bq,
         ${d.anyValue('modes.bmode')} AS bmode
  FROM iv JOIN busy USING (pid) JOIN modes USING (pid) GROUP BY pid
),
m AS (
  SELECT pid, ${d.median('abs(iv.d - q.dq[2])')} AS dmad, ${d.median('abs(iv.b - q.bq[2])')} AS bmad
  FROM iv JOIN q USING (pid)
  GROUP BY pid
),
pairs AS (
  SELECT q.*, ${pick('c', ['src_num', 'dst_num', 'dst_port', 'proto'])}, m.dmad AS dmad, m.bmad AS bmad
  FROM q JOIN m USING (pid) JOIN cand c USING (pid)
),
-- the text forms of the few addresses that made it this far (the evidence selects by text)
src_names AS (${namesOf(d, 'SELECT src_num FROM pairs')}),
dst_names AS (${namesOf(d, 'SELECT dst_num FROM pairs')})
SELECT s.ips AS src_ips, d.ips AS dst_ips, p.dst_port, p.proto, p.conns, p.ports, p.recs,
       ${windowKey(d, 'p.first_ts')} AS first_w, ${windowKey(d, 'p.last_ts')} AS last_w,
       p.dq[1] AS d1, p.dq[2] AS d2, p.dq[3] AS d3, p.dmad,
       p.bq[1] AS b1, p.bq[2] AS b2, p.bq[3] AS b3, p.bmad, p.bmode,
       (SELECT ${d.epoch('max(ts)')} - ${d.epoch('min(ts)')} FROM ${flows}) AS capture_seconds
FROM pairs p JOIN src_names s ON s.num = p.src_num JOIN dst_names d ON d.num = p.dst_num
`;
}
