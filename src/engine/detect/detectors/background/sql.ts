// Background scanning as SQL: outside sources probing the site. A probe is a target (source,
// site host, port) whose every attempt failed, at a port that host never answered anyone on (a
// closed or filtered service: the internet's scanners knock on every door; a failed attempt at a
// working service is congestion or a flood, the flood detector's), and that is not an answer
// (replies and backscatter, see ../../probe-targets.ts). A source is a prober when its probes outnumber the
// site services it reached. Probers are gathered into actors: their /24 (IPv4) or /48 (IPv6)
// when several probers share it, else themselves; an actor that knocked on many ports is a port
// sweeper, else it belongs to its most probed service.
import { V4_MAPPED_BASE } from '../../../util/ip';
import { namesOf, pick, TARGET_COLS, targetCtes, type DetectDialect } from '../../kit';

/**
 * Named parameters: $portSweep (distinct ports that make an actor a port sweeper).
 * One row per actor: its key and network, sources (text), probes, site hosts, ports, first/last
 * probe, top service (proto, port), and whether it swept ports.
 */
export function backgroundSql(d: DetectDialect, flows: string, uni: boolean): string {
  const lo = d.num(V4_MAPPED_BASE);
  const hi = d.num(V4_MAPPED_BASE + 0xffffffffn);
  const num = d.numInt('src_num');
  return `
WITH ${targetCtes(d, flows, uni)}site AS ${d.notMaterialized} (
  SELECT t.* FROM targets t WHERE t.src_cls = 'external' AND t.internal
),
probes AS (
  SELECT t.* FROM site t ANTI JOIN served s ON s.num = t.dst_num AND s.port = t.dst_port
  WHERE t.failed AND NOT t.reply
),
reached AS (SELECT src_num, count(*) AS n FROM site WHERE NOT failed GROUP BY src_num),
per_src AS (
  SELECT p.src_num AS src_num, count(*) AS probes, coalesce(${d.anyValue('r.n')}, 0) AS reached
  FROM probes p LEFT JOIN reached r ON r.src_num = p.src_num GROUP BY p.src_num
),
probers AS (SELECT src_num FROM per_src WHERE probes > reached),
-- the network of a prober: /24 for IPv4 (mapped), /48 for IPv6; shared by two or more probers,
-- it is one actor
net AS (
  SELECT src_num,
         CASE WHEN src_num BETWEEN ${lo} AND ${hi} THEN ${d.shiftRight(num, 8)}
              ELSE ${d.shiftRight(num, 80)} + ${d.int128(1n << 64n)} END AS net
  FROM probers
),
nets AS (SELECT net, count(*) AS n FROM net GROUP BY net),
actor AS (
  SELECT n.src_num AS src_num,
         CASE WHEN s.n >= 2 THEN 'net:' || ${d.int128Text('n.net')} ELSE 'host:' || ${d.int128Text(d.numInt('n.src_num'))} END AS actor,
         CASE WHEN s.n >= 2 THEN n.net END AS net
  FROM net n JOIN nets s USING (net)
),
src_names AS (${namesOf(d, 'SELECT src_num FROM probers')}),
dst_names AS (${namesOf(d, 'SELECT DISTINCT dst_num FROM probes SEMI JOIN probers USING (src_num)')}),
ap AS (
  SELECT a.actor AS actor, a.net AS net, ${pick('p', TARGET_COLS)}, sn.ips[1] AS src_ip, dn.ips[1] AS dst_ip
  FROM probes p JOIN actor a USING (src_num) JOIN src_names sn ON sn.num = p.src_num JOIN dst_names dn ON dn.num = p.dst_num
),
svc AS (
  SELECT actor, proto, dst_port, count(*) AS n FROM ap GROUP BY ALL
),
top_svc AS (
  SELECT actor, ${d.argMax('proto', 'n * 100000 - dst_port')} AS proto, ${d.argMax('dst_port', 'n * 100000 - dst_port')} AS dst_port FROM svc GROUP BY actor
),
per_actor AS (
  SELECT actor, ${d.anyValue('net')} AS net, count(*) AS probes, count(DISTINCT src_num) AS sources,
         count(DISTINCT dst_num) AS hosts, count(DISTINCT (proto, dst_port)) AS ports,
         min(first_ts) AS first_ts, max(last_ts) AS last_ts, sum(n) AS flows,
         ${d.listAgg('src_ip', { distinct: true, orderBy: [{ expr: 'src_ip' }] })} AS src_ips,
         ${d.listAgg('dst_ip', { distinct: true, orderBy: [{ expr: 'dst_ip' }] })} AS dst_ips,
         ${d.listAgg("proto || '/' || dst_port::VARCHAR", { distinct: true })} AS services
  FROM ap GROUP BY actor
)
SELECT pa.actor AS actor, ${d.int128Text('pa.net')} AS net,
       ${pick('pa', ['probes', 'sources', 'hosts', 'ports', 'first_ts', 'last_ts', 'flows', 'src_ips', 'dst_ips', 'services'])},
       ts.proto AS top_proto, ts.dst_port AS top_port, ${d.boolOut('pa.ports >= $portSweep')} AS sweep
FROM per_actor pa JOIN top_svc ts USING (actor)
ORDER BY pa.actor`;
}
