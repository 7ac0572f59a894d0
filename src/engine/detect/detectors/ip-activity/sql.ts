// ip-activity SQL: distinct destination ports per source against the population's quantile.
// Read from the shared per-target table det_target (../../shared-tables.ts, 1.6M rows at 10M flows instead
// of the flows themselves); sources are numeric addresses, their text forms from det_ipname.
import { namesOf, type DetectDialect } from '../../kit';

/** `q`: the population's quantile the ports must pass (0..1, a number from the parameters). */
export const IP_ACTIVITY_SQL = (d: DetectDialect, q: number): string => `
WITH per AS (
  SELECT src_num, count(DISTINCT dst_port) AS ports, count(DISTINCT dst_num) AS hosts, sum(n) AS n,
         min(first_ts) AS first_ts, max(last_ts) AS last_ts
  FROM det_target GROUP BY src_num
),
q AS (SELECT ${d.quantileCont('ports', q)} AS p, count(*) AS hosts_total FROM per),
hit AS (SELECT per.*, q.p, q.hosts_total FROM per, q WHERE per.ports > q.p AND per.ports > $limit),
names AS (${namesOf(d, 'SELECT src_num FROM hit')})
SELECT hit.* ${d.exclude(['src_num'])}, names.ips[1] AS src_ip, names.ips AS src_ips
FROM hit JOIN names ON names.num = hit.src_num ORDER BY hit.ports DESC, src_ip`;
