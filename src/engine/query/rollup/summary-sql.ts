// The three quick charts of the workspace's Charts tab (top talkers by bytes, top countries,
// destination ports by flows) for one span, in one statement over the charts' rollup: the
// per-address aggregate is made once for talkers and countries, and the three answers take one
// turn on one query connection instead of three in a row (issue 14 item 7). Each part is the
// same SQL as its chart's own (hosts-sql.ts, ports-sql.ts, ../../context/top-geo.ts), so the
// answers are the same; rows are tagged with their part and rank.
import { binder, hostsFromRollup } from './hosts-sql';
import { portsFromRollup } from './ports-sql';
import type { RollupSpan } from './rollup-span';

export function summaryFromRollup(
  span: RollupSpan,
  limit: number,
  geo: boolean,
): { sql: string; params: (string | number)[] } {
  const b = binder();
  const h = hostsFromRollup(span, b);
  const ports = portsFromRollup(span, 'flows DESC, bytes DESC', limit, b);
  const n = b.bind(limit);
  const geoPart = geo
    ? `UNION ALL
    SELECT 'geo', row_number() OVER (ORDER BY bytes DESC, flows DESC, key), NULL, NULL, NULL,
           flows, bytes, NULL, NULL, NULL, key, label, hosts
    FROM (SELECT g.country AS key, NULL::VARCHAR AS label, sum(s.flows)::BIGINT AS flows,
                 sum(s.bytes)::BIGINT AS bytes, count(*)::BIGINT AS hosts
          FROM (SELECT ip, flows, b_out + b_in AS bytes FROM hosts_once) s
            JOIN geo_addrs g ON g.ip = s.ip
          WHERE g.country IS NOT NULL
          GROUP BY g.country ORDER BY bytes DESC, flows DESC, key LIMIT ${n})`
    : '';
  const sql = `
    WITH ${h.with}, hosts_once AS MATERIALIZED (SELECT * FROM hosts)
    SELECT 'talkers' AS part, row_number() OVER (ORDER BY bytes DESC, flows DESC, ip) AS r,
           ip, NULL::INTEGER AS port, NULL::VARCHAR AS proto, flows, bytes, bytes_out, bytes_in,
           NULL::BIGINT AS sources, NULL::VARCHAR AS key, NULL::VARCHAR AS label, NULL::BIGINT AS hosts
    FROM (SELECT ip, flows::BIGINT AS flows, (b_out + b_in)::BIGINT AS bytes,
                 b_out::BIGINT AS bytes_out, b_in::BIGINT AS bytes_in
          FROM hosts_once ORDER BY bytes DESC, flows DESC, ip LIMIT ${n})
    UNION ALL
    SELECT 'ports', row_number() OVER (ORDER BY flows DESC, bytes DESC, port NULLS LAST, proto),
           NULL, port, proto, flows, bytes, NULL, NULL, sources, NULL, NULL, NULL
    FROM (${ports.sql})
    ${geoPart}`;
  return { sql, params: b.params };
}
