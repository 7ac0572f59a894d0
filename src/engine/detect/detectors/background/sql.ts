// Background scanning as SQL: outside sources probing the site. A probe is a target (source,
// site host, port) whose every attempt failed, at a port that host never answered anyone on (a
// closed or filtered service: the internet's scanners knock on every door; a failed attempt at a
// working service is congestion or a flood, the flood detector's), and that is not an answer
// (replies and backscatter, see ../../probe-targets.ts). A source is a prober when its probes outnumber the
// site services it reached. Probers are gathered into actors: their /24 (IPv4) or /48 (IPv6)
// when several probers share it, else themselves; an actor that knocked on many ports is a port
// sweeper, else it belongs to its most probed service.
import { V4_MAPPED_BASE } from '../../../util/ip';
import { namesOf, targetCtes } from '../../kit';

/**
 * Named parameters: $portSweep (distinct ports that make an actor a port sweeper).
 * One row per actor: its key and network, sources (text), probes, site hosts, ports, first/last
 * probe, top service (proto, port), and whether it swept ports.
 */
export function backgroundSql(uni: boolean): string {
  return `
WITH ${targetCtes(uni)}site AS NOT MATERIALIZED (
  SELECT t.* FROM targets t WHERE t.src_cls = 'external' AND t.internal
),
probes AS (
  SELECT t.* FROM site t WHERE t.failed AND NOT t.reply
    AND NOT EXISTS (SELECT 1 FROM served s WHERE s.num = t.dst_num AND s.port = t.dst_port)
),
per_src AS (
  SELECT p.src_num, count(*) AS probes,
         (SELECT count(*) FROM site s WHERE s.src_num = p.src_num AND NOT s.failed) AS reached
  FROM probes p GROUP BY p.src_num
),
probers AS (SELECT src_num FROM per_src WHERE probes > reached),
-- the network of a prober: /24 for IPv4 (mapped), /48 for IPv6; shared by two or more probers,
-- it is one actor
net AS (
  SELECT src_num,
         CASE WHEN src_num BETWEEN ${V4_MAPPED_BASE}::UHUGEINT AND ${V4_MAPPED_BASE + 0xffffffffn}::UHUGEINT THEN src_num >> 8
              ELSE (src_num >> 80) + (1::UHUGEINT << 64) END AS net
  FROM probers
),
nets AS (SELECT net, count(*) AS n FROM net GROUP BY net),
actor AS (
  SELECT n.src_num, CASE WHEN s.n >= 2 THEN 'net:' || n.net::VARCHAR ELSE 'host:' || n.src_num::VARCHAR END AS actor,
         CASE WHEN s.n >= 2 THEN n.net END AS net
  FROM net n JOIN nets s USING (net)
),
src_names AS (${namesOf('SELECT src_num FROM probers')}),
dst_names AS (${namesOf('SELECT DISTINCT dst_num FROM probes SEMI JOIN probers USING (src_num)')}),
ap AS (
  SELECT a.actor, a.net, p.*, sn.ips[1] AS src_ip, dn.ips[1] AS dst_ip
  FROM probes p JOIN actor a USING (src_num) JOIN src_names sn ON sn.num = p.src_num JOIN dst_names dn ON dn.num = p.dst_num
),
svc AS (
  SELECT actor, proto, dst_port, count(*) AS n FROM ap GROUP BY ALL
),
top_svc AS (
  SELECT actor, arg_max(proto, n * 100000 - dst_port) AS proto, arg_max(dst_port, n * 100000 - dst_port) AS dst_port FROM svc GROUP BY actor
),
per_actor AS (
  SELECT actor, any_value(net) AS net, count(*) AS probes, count(DISTINCT src_num) AS sources,
         count(DISTINCT dst_num) AS hosts, count(DISTINCT (proto, dst_port)) AS ports,
         min(first_ts) AS first_ts, max(last_ts) AS last_ts, sum(n) AS flows,
         list(DISTINCT src_ip ORDER BY src_ip) AS src_ips, list(DISTINCT dst_ip ORDER BY dst_ip) AS dst_ips,
         list(DISTINCT proto || '/' || dst_port::VARCHAR) AS services
  FROM ap GROUP BY actor
)
SELECT pa.actor, pa.net::VARCHAR AS net, pa.probes, pa.sources, pa.hosts, pa.ports, pa.first_ts, pa.last_ts, pa.flows,
       pa.src_ips, pa.dst_ips, pa.services, ts.proto AS top_proto, ts.dst_port AS top_port, pa.ports >= $portSweep AS sweep
FROM per_actor pa JOIN top_svc ts USING (actor)
ORDER BY pa.actor`;
}
