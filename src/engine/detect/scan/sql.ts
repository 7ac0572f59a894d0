// scan SQL, one statement. Steps:
//  mode     whether replies are read from bytes (bidirectional flows) or from reverse flows
//  targets  (src, dst, port, proto) of tcp/udp flows to unicast destinations, with first/last
//           contact and whether every attempt failed (reset, still connecting, or no reply),
//           scoped internal or external: a scanner's probes share a scope; a workstation's
//           occasional failures (dead web servers) are external and scattered, so scoping keeps
//           them out of an internal scan's numbers. A target contacted several times over a long span is "recurring"
//           (monitoring, polling, a client's usual server) and does not count as new
//  per      per source and scope: new targets, failed new targets, failure share
//  nt       the failed new targets of candidate sources: the probes themselves; their spread
//           over hosts and ports, peaks over a short sliding horizon and per tumbling window
//  trw      Threshold Random Walk over each source's destinations in first-contact order
//           (Jung et al. 2004, as SiLK rwscan): failure adds ln((1-t1)/(1-t0)), success
//           ln(t1/t0); the first crossing of ln(beta/alpha) says scanner, of
//           ln((1-beta)/(1-alpha)) benign.
// The horizon (seconds) is inlined as a number literal: window frames cannot bind parameters.
/**
 * Whether replies are read from reverse flows (a unidirectional export). Unidirectional exports
 * (NetFlow v5, plain nfdump) carry no reply bytes: a reply is then a flow in the other direction,
 * and a target failed when none came back. Named parameter $replies.
 */
export const SCAN_MODE_SQL = `
SELECT CASE $replies WHEN 'reverse' THEN true WHEN 'bytes' THEN false
       ELSE coalesce(avg((dst_bytes > 0 OR coalesce(dst_pkts, 0) > 0)::INTEGER), 0) < 0.01 END AS uni
FROM flows`;

/**
 * The scan statement; uni is SCAN_MODE_SQL's answer, decided before so that bidirectional
 * data (the usual case) skips the reverse-flow join altogether.
 */
export function scanSql(horizonSeconds: number, uni: boolean): string {
  if (!Number.isFinite(horizonSeconds) || horizonSeconds <= 0) throw new Error('bad horizon');
  const rev = uni
    ? `rev AS (
  SELECT DISTINCT dst_num AS src_num, src_num AS dst_num, src_port AS dst_port, proto FROM flows
  WHERE src_port IS NOT NULL
),`
    : '';
  const targets1 = uni
    ? `SELECT t.* EXCLUDE (failed_bytes, refused), t.refused OR r.src_num IS NULL AS failed
  FROM targets0 t LEFT JOIN rev r USING (src_num, dst_num, dst_port, proto)`
    : `SELECT t.* EXCLUDE (failed_bytes, refused), t.failed_bytes AS failed FROM targets0 t`;
  return `
WITH ${rev}
-- sources and destinations are numeric addresses (the shared tables of ../shared.ts: det_target
-- has one row per (src, dst, port, proto) target, det_addr the classes, det_ipname the text
-- forms), turned into text only for the candidates' lists and the output
targets0 AS NOT MATERIALIZED (
  SELECT src_num, dst_num, dst_port, proto, first_ts, last_ts, failed AS failed_bytes, refused, n
  FROM det_target WHERE dst_port IS NOT NULL AND proto IN ('tcp', 'udp')
),
targets1 AS NOT MATERIALIZED (
  ${targets1}
),
-- destinations that are no one's service: multicast, broadcast and the like, and the directed
-- broadcast of a /24 (an IPv4 address written with a last octet of 255)
not_hosts AS (
  SELECT num FROM det_addr
  WHERE ip_special(num) IN ('multicast', 'broadcast', 'this-network', 'unspecified', 'loopback')
  UNION SELECT num FROM det_ipname WHERE ip LIKE '%.255' AND ip NOT LIKE '%:%'
),
-- targets* and marked are views, not copies (DuckDB materialises a CTE read twice): the 1.6M
-- rows cost more to copy than to read again for the few candidate sources
targets AS NOT MATERIALIZED (
  SELECT t.*, a.internal FROM targets1 t JOIN det_addr a ON a.num = t.dst_num
  WHERE t.dst_num NOT IN (SELECT num FROM not_hosts)
),
marked AS NOT MATERIALIZED (
  SELECT *, (n >= $recurContacts AND epoch(last_ts) - epoch(first_ts) >= $recurSeconds) AS recurring
  FROM targets
),
per AS (
  SELECT src_num, internal,
         count(*) FILTER (WHERE NOT recurring) AS targets,
         count(*) FILTER (WHERE recurring) AS recurring,
         count(*) FILTER (WHERE NOT recurring AND failed) AS failed_targets,
         avg(failed::INTEGER) FILTER (WHERE NOT recurring) AS failed_share
  FROM marked GROUP BY src_num, internal
),
-- a source below the failure share is never reported (the caller drops it): leaving it out here
-- spares the per-destination walk over busy servers' thousands of contacts
cand AS (SELECT * FROM per WHERE failed_targets >= $minTargets AND failed_share >= $minFailedShare),
names AS (SELECT num, min(ip) AS ip FROM det_ipname GROUP BY num),
nt AS (
  SELECT m.*, nm.ip AS dst_ip FROM marked m JOIN cand c ON m.src_num = c.src_num AND m.internal = c.internal
  JOIN names nm ON nm.num = m.dst_num
  WHERE NOT m.recurring AND m.failed
),
shape AS (
  SELECT src_num, internal, count(DISTINCT dst_num) AS hosts, count(DISTINCT dst_port) AS ports,
         avg((proto = 'udp')::INTEGER) AS udp_share, min(first_ts) AS first_ts, max(first_ts) AS last_ts,
         list_distinct(list(proto)) AS protos
  FROM nt GROUP BY ALL
),
peaks AS (
  SELECT src_num, internal, max(in_horizon) AS peak_horizon FROM (
    SELECT src_num, internal, count(*) OVER (PARTITION BY src_num, internal ORDER BY epoch(first_ts)
             RANGE BETWEEN CURRENT ROW AND ${horizonSeconds} FOLLOWING) AS in_horizon
    FROM nt) GROUP BY ALL
),
per_window AS (
  SELECT src_num, internal, max(n) AS peak_window, count(*) AS active_windows FROM (
    SELECT src_num, internal, floor(epoch(first_ts) / $ws)::BIGINT AS w, count(*) AS n FROM nt GROUP BY ALL)
  GROUP BY ALL
),
per_host AS (
  SELECT src_num, internal, max(n) AS max_ports_per_host,
         list(dst_ip ORDER BY n DESC, dst_ip)[1:$maxList] AS top_hosts FROM (
    SELECT src_num, internal, dst_ip, count(DISTINCT dst_port) AS n FROM nt GROUP BY ALL) GROUP BY ALL
),
per_port AS (
  SELECT src_num, internal, max(n) AS max_hosts_per_port,
         list(dst_port ORDER BY n DESC, dst_port)[1:$maxList] AS top_ports FROM (
    SELECT src_num, internal, dst_port, count(DISTINCT dst_num) AS n FROM nt GROUP BY ALL) GROUP BY ALL
),
-- TRW walks the destinations first contacted from the start of the probing on
dests AS (
  SELECT d.*, nm.ip AS dst_ip FROM (
    SELECT t.src_num, t.internal, t.dst_num, min(t.first_ts) AS first_ts, bool_and(t.failed) AS failed
    FROM targets t JOIN cand c ON t.src_num = c.src_num AND t.internal = c.internal GROUP BY ALL
  ) d SEMI JOIN shape s ON d.src_num = s.src_num AND d.internal = s.internal AND d.first_ts >= s.first_ts
  JOIN names nm ON nm.num = d.dst_num
),
walk AS (
  SELECT src_num, internal,
         sum(CASE WHEN failed THEN ln((1 - $theta1) / (1 - $theta0)) ELSE ln($theta1 / $theta0) END)
           OVER (PARTITION BY src_num, internal ORDER BY first_ts, dst_ip ROWS UNBOUNDED PRECEDING) AS llr,
         row_number() OVER (PARTITION BY src_num, internal ORDER BY first_ts, dst_ip) AS k
  FROM dests
),
trw AS (
  SELECT src_num, internal, count(*) AS trw_dests,
         min(k) FILTER (WHERE llr >= ln($beta / $alpha)) AS k_scan,
         min(k) FILTER (WHERE llr <= ln((1 - $beta) / (1 - $alpha))) AS k_benign
  FROM walk GROUP BY ALL
)
SELECT nm.ip AS src_ip, c.* EXCLUDE (src_num), s.hosts, s.ports, s.udp_share, s.first_ts, s.last_ts, s.protos, p.peak_horizon,
       pw.peak_window, pw.active_windows, ph.max_ports_per_host, ph.top_hosts,
       pp.max_hosts_per_port, pp.top_ports, coalesce(t.trw_dests, 0) AS trw_dests, t.k_scan, t.k_benign
FROM cand c JOIN names nm ON nm.num = c.src_num
JOIN shape s USING (src_num, internal) JOIN peaks p USING (src_num, internal)
JOIN per_window pw USING (src_num, internal) JOIN per_host ph USING (src_num, internal)
JOIN per_port pp USING (src_num, internal) LEFT JOIN trw t USING (src_num, internal)
ORDER BY src_ip, c.internal`;
}
