// port-activity SQL: a host's first use of each destination port, compared with a warm-up period.
// Hosts not seen during warm-up are skipped when requireKnown (every port of a new host is "new").
// flow_count = flows the alert's evidence selects: the host's flows to its new ports up to the
// last first use (or, when the ports are too many to list, all its flows in that span).
import { pick, type DetectDialect } from '../../kit';

export const PORT_ACTIVITY_SQL = (d: DetectDialect, flows: string): string => `
WITH bounds AS (SELECT min(ts) AS t0, max(ts) AS t1 FROM ${flows}),
cut AS (
  -- the warm-up's length rounded to the microsecond (as a cast to an integer rounds in DuckDB)
  SELECT ${d.tsFromUs(`${d.epochUs('t0')} + floor(greatest((${d.epoch('t1')} - ${d.epoch('t0')}) * $share, $minutes * 60.0) * 1000000 + 0.5)`)} AS warm
  FROM bounds
),
firsts AS (
  SELECT src_ip, dst_port, min(ts) AS first_ts
  FROM ${flows} WHERE dst_port IS NOT NULL AND dst_port <= $maxPort GROUP BY src_ip, dst_port
),
known AS (
  SELECT src_ip, count(*) FILTER (WHERE first_ts < warm) AS known_ports
  FROM firsts, cut GROUP BY src_ip
),
fresh AS (
  SELECT ${pick('f', ['src_ip', 'dst_port', 'first_ts'])} FROM firsts f JOIN known k USING (src_ip), cut
  WHERE f.first_ts >= cut.warm AND (NOT $requireKnown OR k.known_ports > 0)
),
hosts AS (
  SELECT f.src_ip, count(*) AS new_ports, min(f.first_ts) AS first_ts, max(f.first_ts) AS last_ts,
         ${d.listHead(d.listAgg('f.dst_port', { orderBy: [{ expr: 'f.first_ts' }, { expr: 'f.dst_port' }] }), '$maxList')} AS ports
  FROM fresh f GROUP BY f.src_ip HAVING count(*) >= $minNew
),
listed AS (
  SELECT fl.src_ip AS src_ip, count(*) AS n FROM ${flows} fl
  JOIN fresh f ON fl.src_ip = f.src_ip AND fl.dst_port = f.dst_port
  JOIN hosts h ON fl.src_ip = h.src_ip
  WHERE h.new_ports <= $maxList AND fl.ts <= h.last_ts GROUP BY fl.src_ip
),
spans AS (
  SELECT fl.src_ip AS src_ip, count(*) AS n FROM ${flows} fl
  JOIN hosts h ON fl.src_ip = h.src_ip
  WHERE fl.ts BETWEEN h.first_ts AND h.last_ts AND h.new_ports > $maxList GROUP BY fl.src_ip
)
SELECT ${pick('h', ['src_ip', 'new_ports', 'first_ts', 'last_ts', 'ports'])}, k.known_ports AS known_ports,
       (SELECT warm FROM cut) AS warm, coalesce(l.n, s.n, 0) AS n
FROM hosts h JOIN known k USING (src_ip) LEFT JOIN listed l USING (src_ip) LEFT JOIN spans s USING (src_ip)
ORDER BY h.src_ip`;
