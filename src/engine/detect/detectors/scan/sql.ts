import { pick, TARGET_COLS, targetCtes, windowIndex, type DetectDialect } from '../../kit';

// scan SQL, one statement. Steps:
//  mode     whether replies are read from bytes (bidirectional flows) or from reverse flows
//  targets  (src, dst, port, proto) of tcp/udp flows to unicast destinations, with first/last
//           contact and whether every attempt failed (reset, still connecting, or no reply),
//           scoped internal or external: a scanner's probes share a scope; a workstation's
//           occasional failures (dead web servers) are external and scattered, so scoping keeps
//           them out of an internal scan's numbers. A target contacted several times over a long span is "recurring"
//           (monitoring, polling, a client's usual server) and does not count as new
//  reply    whether a target's records answered rather than asked (a service port towards an
//           ephemeral one, a SYN-ACK or reset without a request): replies and backscatter are
//           counted apart from probes and never make a scan
//  per      per source, scope, protocol and kind (probe or reply): new targets, failed new
//           targets, failure share; probes of internal sources only (outside sources probing the
//           site are summarised by the background detector)
//  nt       the failed new targets of candidate sources: the probes themselves; their spread
//           over hosts and ports, peaks over a short sliding horizon and per tumbling window
//  trw      Threshold Random Walk over each source's destinations in first-contact order
//           (Jung et al. 2004, as SiLK rwscan): failure adds ln((1-t1)/(1-t0)), success
//           ln(t1/t0); the first crossing of ln(beta/alpha) says scanner, of
//           ln((1-beta)/(1-alpha)) benign.
// The horizon is inlined as a number literal (microseconds: ClickHouse's range frames take whole
// numbers): window frames cannot bind parameters.
/**
 * The scan statement; uni is SCAN_MODE_SQL's answer, decided before so that bidirectional
 * data (the usual case) skips the reverse-flow join altogether.
 */
export function scanSql(
  d: DetectDialect,
  flows: string,
  horizonSeconds: number,
  uni: boolean,
): string {
  if (!Number.isFinite(horizonSeconds) || horizonSeconds <= 0) throw new Error('bad horizon');
  const horizonUs = Math.round(horizonSeconds * 1e6);
  const top = (x: string, keys: { expr: string; desc?: boolean }[], n: string) =>
    d.listHead(d.listAgg(x, { orderBy: keys }), n);
  return `
WITH ${targetCtes(d, flows, uni, '$minTargets')}marked AS ${d.notMaterialized} (
  SELECT *, (n >= $recurContacts AND ${d.epoch('last_ts')} - ${d.epoch('first_ts')} >= $recurSeconds) AS recurring
  FROM targets
),
-- per source, scope (internal destinations or not), protocol and kind (probes or replies):
-- probes count for internal sources only (outside sources probing the site are the background
-- detector's), replies for any source (backscatter)
per AS (
  SELECT src_num, internal, proto, reply,
         count(*) FILTER (WHERE NOT recurring) AS targets,
         count(*) FILTER (WHERE recurring) AS recurring,
         count(*) FILTER (WHERE NOT recurring AND failed) AS failed_targets,
         avg(failed::INTEGER) FILTER (WHERE NOT recurring) AS failed_share
  FROM marked WHERE reply OR src_internal GROUP BY src_num, internal, proto, reply
),
-- a source below the failure share is never reported (the caller drops it): leaving it out here
-- spares the per-destination walk over busy servers' thousands of contacts
cand AS (SELECT * FROM per WHERE failed_targets >= $minTargets AND failed_share >= $minFailedShare),
names AS (SELECT num, min(ip) AS ip FROM det_ipname GROUP BY num),
nt AS (
  SELECT ${pick('m', [...TARGET_COLS, 'recurring'])}, nm.ip AS dst_ip FROM marked m
  JOIN cand c ON m.src_num = c.src_num AND m.internal = c.internal AND m.proto = c.proto AND m.reply = c.reply
  JOIN names nm ON nm.num = m.dst_num
  WHERE NOT m.recurring AND m.failed
),
shape AS (
  SELECT src_num, internal, proto, reply, count(DISTINCT dst_num) AS hosts, count(DISTINCT dst_port) AS ports,
         avg((proto = 'udp')::INTEGER) AS udp_share, min(first_ts) AS first_ts, max(first_ts) AS last_ts,
         ${d.listAgg('proto', { distinct: true, orderBy: [{ expr: 'proto' }] })} AS protos, min(sp_lo) AS sp_lo, max(sp_hi) AS sp_hi,
         count(DISTINCT sp_lo) FILTER (WHERE sp_lo = sp_hi) AS src_ports
  FROM nt GROUP BY ALL
),
peaks AS (
  SELECT src_num, internal, proto, reply, max(in_horizon) AS peak_horizon FROM (
    SELECT src_num, internal, proto, reply, count(*) OVER (PARTITION BY src_num, internal, proto, reply ORDER BY ${d.epochUs('first_ts')}
             RANGE BETWEEN CURRENT ROW AND ${horizonUs} FOLLOWING) AS in_horizon
    FROM nt) GROUP BY ALL
),
per_window AS (
  SELECT src_num, internal, proto, reply, max(n) AS peak_window, count(*) AS active_windows FROM (
    SELECT src_num, internal, proto, reply, ${windowIndex(d, 'first_ts')} AS w, count(*) AS n FROM nt GROUP BY ALL)
  GROUP BY ALL
),
per_host AS (
  SELECT src_num, internal, proto, reply, max(n) AS max_ports_per_host,
         ${top('dst_ip', [{ expr: 'n', desc: true }, { expr: 'dst_ip' }], '$maxList')} AS top_hosts FROM (
    SELECT src_num, internal, proto, reply, dst_ip, count(DISTINCT dst_port) AS n FROM nt GROUP BY ALL) GROUP BY ALL
),
per_port AS (
  SELECT src_num, internal, proto, reply, max(n) AS max_hosts_per_port,
         ${top('dst_port', [{ expr: 'n', desc: true }, { expr: 'dst_port' }], '$maxList')} AS top_ports FROM (
    SELECT src_num, internal, proto, reply, dst_port, count(DISTINCT dst_num) AS n FROM nt GROUP BY ALL) GROUP BY ALL
),
-- the source ports of reply records (the service that answered), most used first
per_sport AS (
  SELECT src_num, internal, proto, reply, ${top('sp_lo', [{ expr: 'n', desc: true }, { expr: 'sp_lo' }], '5')} AS top_sports FROM (
    SELECT src_num, internal, proto, reply, sp_lo, count(*) AS n FROM nt WHERE sp_lo = sp_hi GROUP BY ALL) GROUP BY ALL
),
-- TRW walks the destinations first contacted from the start of the probing on
dests AS (
  SELECT ${pick('d', ['src_num', 'internal', 'proto', 'reply', 'dst_num', 'first_ts', 'failed'])}, nm.ip AS dst_ip FROM (
    SELECT ${pick('t', ['src_num', 'internal', 'proto', 'reply', 'dst_num'])}, min(t.first_ts) AS first_ts, ${d.boolAnd('t.failed')} AS failed
    FROM marked t JOIN cand c ON t.src_num = c.src_num AND t.internal = c.internal AND t.proto = c.proto AND t.reply = c.reply
    GROUP BY ALL
  ) d JOIN shape s ON d.src_num = s.src_num AND d.internal = s.internal AND d.proto = s.proto AND d.reply = s.reply
  JOIN names nm ON nm.num = d.dst_num
  -- (shape has one row per key: the inner join keeps each destination once, as a semi join)
  WHERE d.first_ts >= s.first_ts
),
walk AS (
  SELECT src_num, internal, proto, reply,
         sum(CASE WHEN failed THEN ln((1 - $theta1) / (1 - $theta0)) ELSE ln($theta1 / $theta0) END)
           OVER (PARTITION BY src_num, internal, proto, reply ORDER BY first_ts, dst_ip ROWS UNBOUNDED PRECEDING) AS llr,
         row_number() OVER (PARTITION BY src_num, internal, proto, reply ORDER BY first_ts, dst_ip) AS k
  FROM dests
),
trw AS (
  SELECT src_num, internal, proto, reply, count(*) AS trw_dests,
         min(k) FILTER (WHERE llr >= ln($beta / $alpha)) AS k_scan,
         min(k) FILTER (WHERE llr <= ln((1 - $beta) / (1 - $alpha))) AS k_benign
  FROM walk GROUP BY ALL
)
SELECT nm.ip AS src_ip, ${pick('c', ['internal', 'proto', 'reply', 'targets', 'recurring', 'failed_targets', 'failed_share'])},
       ${pick('s', ['hosts', 'ports', 'udp_share', 'first_ts', 'last_ts', 'protos', 'src_ports'])},
       p.peak_horizon AS peak_horizon, ${pick('pw', ['peak_window', 'active_windows'])},
       ${pick('ph', ['max_ports_per_host', 'top_hosts'])}, ${pick('pp', ['max_hosts_per_port', 'top_ports'])},
       coalesce(ps.top_sports, []) AS top_sports,
       coalesce(t.trw_dests, 0) AS trw_dests, t.k_scan AS k_scan, t.k_benign AS k_benign
FROM cand c JOIN names nm ON nm.num = c.src_num
JOIN shape s USING (src_num, internal, proto, reply) JOIN peaks p USING (src_num, internal, proto, reply)
JOIN per_window pw USING (src_num, internal, proto, reply) JOIN per_host ph USING (src_num, internal, proto, reply)
JOIN per_port pp USING (src_num, internal, proto, reply) LEFT JOIN per_sport ps USING (src_num, internal, proto, reply)
LEFT JOIN trw t USING (src_num, internal, proto, reply)
ORDER BY src_ip, c.internal, c.proto, c.reply`;
}
