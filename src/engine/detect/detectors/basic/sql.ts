// basic detector SQL: every hit tagged with its reason, then grouped per source/window/reason.
import type { DetectDialect } from '../../kit';

/** `ports`: the suspicious ports as a bound list ("$port0, $port1", or '' for none). */
export const BASIC_SQL = (
  d: DetectDialect,
  flows: string,
  ports: string,
  w: string,
  start: string,
  end: string,
): string => `
WITH hits AS (
  SELECT 'port' AS reason, src_ip, ${w} AS w, dst_port, dst_ip FROM ${flows}
  WHERE dst_port IS NOT NULL AND ${ports ? `dst_port IN (${ports})` : 'false'}
  UNION ALL
  SELECT 'broadcast', src_ip, ${w}, dst_port, dst_ip FROM ${flows}
  WHERE $broadcast AND dst_ip = '255.255.255.255'
    AND NOT (proto = 'udp' AND src_ip = '0.0.0.0' AND src_port = 68 AND dst_port = 67)
  UNION ALL
  SELECT 'zero-bytes', src_ip, ${w}, dst_port, dst_ip FROM ${flows}
  WHERE $zero AND state = 'established' AND src_bytes = 0 AND dst_bytes = 0
)
SELECT reason, src_ip, ${start} AS ws, ${end} AS we, count(*) AS n,
       ${d.listAgg('dst_port', { distinct: true, orderBy: [{ expr: 'dst_port' }], where: 'dst_port IS NOT NULL' })} AS ports,
       count(DISTINCT dst_ip) AS dsts
FROM hits GROUP BY reason, src_ip, w ORDER BY w, src_ip, reason`;
