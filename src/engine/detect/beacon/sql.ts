// Beaconing as SQL (grouped on numeric addresses, which hash faster than text; the text forms
// are looked up for the reported pairs only): connections from an internal host to one external host and port, their
// inter-arrival times and sizes summarised by quartiles and MAD (RITA's ingredients). A
// connection is the records of one source port within an idle-long bucket, and a pair whose
// "connections" mostly share a source port is a long connection seen through its update records
// (the collector reports it every 30 s), not thirty regular ones.

/**
 * Bound parameters: $1 window length (microseconds), $2 bucket length (seconds) that groups
 * records of one source port into a connection, $3 minimum connections per pair, then `ignored`
 * services as (proto, port) parameter pairs (see ignoredServiceParams).
 * One row per pair with at least $3 connections: quartiles and MAD of intervals (seconds) and of
 * connection sizes (bytes both ways), mode of sizes, distinct source ports, records, span.
 */
export function beaconSql(ignored: number): string {
  // compared as (proto, port), not as built 'proto/port' text: no string per flow
  const skip = ignored
    ? `AND NOT (${Array.from({ length: ignored }, (_, i) => `(proto = $${4 + 2 * i} AND dst_port = $${5 + 2 * i}::INTEGER)`).join(' OR ')})`
    : '';
  return `
WITH rec AS (
  SELECT src_num, dst_num, dst_port, proto, coalesce(src_port::BIGINT, -id) AS sport, ts,
         src_bytes + dst_bytes AS bytes
  FROM flows
  WHERE dst_port IS NOT NULL ${skip}
    -- address classes from the shared table det_addr (../shared.ts): once per address, not per flow
    AND src_num IN (SELECT num FROM det_addr WHERE internal)
    AND dst_num IN (SELECT num FROM det_addr WHERE NOT internal AND public)
),
-- records of one source port within one bucket are one connection: a hash aggregate,
-- no sort; a long connection split across buckets keeps its port, which the caller checks
conns AS (
  SELECT src_num, dst_num, dst_port, proto, sport, epoch(min(ts)) AS t, sum(bytes)::DOUBLE AS b,
         count(*) AS recs, min(ts) AS first_ts, max(ts) AS last_ts
  FROM rec
  GROUP BY src_num, dst_num, dst_port, proto, sport, epoch_us(ts) // ($2::DOUBLE * 1000000)::BIGINT
),
-- only pairs with enough connections go on to the (costlier) interval statistics
busy AS (
  SELECT src_num, dst_num, dst_port, proto FROM conns
  GROUP BY ALL HAVING count(*) >= $3::BIGINT
),
iv AS (
  SELECT c.*, t - lag(t) OVER (PARTITION BY c.src_num, c.dst_num, c.dst_port, c.proto ORDER BY t, sport) AS d
  FROM conns c JOIN busy USING (src_num, dst_num, dst_port, proto)
),
q AS (
  SELECT src_num, dst_num, dst_port, proto, count(*) AS conns, count(DISTINCT sport) AS ports,
         sum(recs) AS recs, min(first_ts) AS first_ts, max(last_ts) AS last_ts,
         quantile_cont(d, [0.25, 0.5, 0.75]) AS dq, quantile_cont(b, [0.25, 0.5, 0.75]) AS bq,
         mode(b) AS bmode
  FROM iv GROUP BY ALL
),
m AS (
  SELECT src_num, dst_num, dst_port, proto, median(abs(iv.d - q.dq[2])) AS dmad, median(abs(iv.b - q.bq[2])) AS bmad
  FROM iv JOIN q USING (src_num, dst_num, dst_port, proto)
  GROUP BY ALL
),
-- the text forms of the few addresses that made it this far (the evidence selects by text)
src_names AS (
  SELECT src_num, list(DISTINCT src_ip ORDER BY src_ip) AS src_ips FROM flows
  WHERE src_num IN (SELECT src_num FROM q) GROUP BY src_num
),
dst_names AS (
  SELECT dst_num, list(DISTINCT dst_ip ORDER BY dst_ip) AS dst_ips FROM flows
  WHERE dst_num IN (SELECT dst_num FROM q) GROUP BY dst_num
)
SELECT src_names.src_ips, dst_names.dst_ips, q.dst_port, q.proto, q.conns, q.ports, q.recs,
       epoch_us(q.first_ts) // $1::BIGINT AS first_w, epoch_us(q.last_ts) // $1::BIGINT AS last_w,
       q.dq[1] AS d1, q.dq[2] AS d2, q.dq[3] AS d3, m.dmad,
       q.bq[1] AS b1, q.bq[2] AS b2, q.bq[3] AS b3, m.bmad, q.bmode,
       (SELECT epoch(max(ts)) - epoch(min(ts)) FROM flows) AS capture_seconds
FROM q JOIN m USING (src_num, dst_num, dst_port, proto)
JOIN src_names USING (src_num) JOIN dst_names USING (dst_num)
`;
}

/**
 * 'proto/port' services as bound (proto, port) pairs for beaconSql. Text that names no port (or
 * writes one with leading zeros) could never equal a flow's service, so it is left out.
 */
export function ignoredServiceParams(services: string[]): (string | number)[] {
  const out: (string | number)[] = [];
  for (const s of services) {
    const m = /^([^/]+)\/(0|[1-9]\d{0,4})$/.exec(s);
    if (m) out.push(m[1], Number(m[2]));
  }
  return out;
}
