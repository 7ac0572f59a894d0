// ip-activity SQL: distinct destination ports per source against the population's quantile.
export const IP_ACTIVITY_SQL = `
WITH per AS (
  SELECT src_ip, count(DISTINCT dst_port) AS ports, count(DISTINCT dst_ip) AS hosts, count(*) AS n,
         min(ts) AS first_ts, max(ts) AS last_ts
  FROM flows GROUP BY src_ip
),
q AS (SELECT quantile_cont(ports, $q) AS p, count(*) AS hosts_total FROM per)
SELECT per.*, q.p, q.hosts_total FROM per, q
WHERE per.ports > q.p AND per.ports > $limit ORDER BY per.ports DESC`;
