// Destination ports of a time span read from port_rollup (chart-rollup.ts): the whole windows
// inside the span as stored, the partial windows at its two ends from their flows; distinct
// sources counted over both (the source ids of the ends are the rollup's, by the address text),
// rows in the flows query's shape (port, proto, flows, bytes, sources).
import type { RollupSpan } from './rollup-span';
import { binder } from './hosts-sql';

export function portsFromRollup(
  span: RollupSpan,
  order: string,
  limit: number,
  b = binder(),
): { sql: string; params: (string | number)[] } {
  const { params, bind } = b;
  const inside =
    span.lo == null ? 'true' : `w >= ${bind(span.lo)} AND w < ${bind(span.hi ?? span.lo)}`;
  const edges = span.edges.map(
    (e) =>
      `SELECT dst_port AS port, proto, src_ip, count(*) AS n, sum(src_bytes + dst_bytes) AS bytes
       FROM flows WHERE ts >= ${bind(e.from)}::TIMESTAMP AND ts < ${bind(e.to)}::TIMESTAMP
       GROUP BY ALL`,
  );
  const edgeRows = edges.length
    ? `UNION ALL
       SELECT e.port, e.proto, nm.id, e.n, e.bytes
       FROM (${edges.join(' UNION ALL ')}) e JOIN pair_rollup_names nm ON nm.ip = e.src_ip`
    : '';
  const sql = `
    WITH p AS (
      SELECT port, proto, s, n, bytes FROM port_rollup WHERE ${inside}
      ${edgeRows}
    )
    SELECT port, proto, sum(n)::BIGINT AS flows, sum(bytes)::BIGINT AS bytes,
           count(DISTINCT s) AS sources
    FROM p GROUP BY port, proto
    ORDER BY ${order}, port NULLS LAST, proto LIMIT ${bind(limit)}`;
  return { sql, params };
}
