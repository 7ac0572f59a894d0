// Top talkers (../top-talkers.ts) read from the pair rollup: each pair-window's flows and bytes
// summed per address on both sides, the partial windows at the ends of a range taken from their
// flows; rows in the flows query's shape (ip, flows, bytes, bytes_out, bytes_in).
import type { RollupSpan } from './rollup-span';

export function talkersFromRollup(
  span: RollupSpan,
  order: string,
  limit: number,
): { sql: string; params: (string | number)[] } {
  const params: (string | number)[] = [];
  const bind = (v: string | number) => `$${params.push(v)}`;
  const inside =
    span.lo == null ? 'true' : `w >= ${bind(span.lo)} AND w < ${bind(span.hi ?? span.lo)}`;
  const edges = span.edges.map(
    (e) =>
      `SELECT src_num, dst_num, count(*) AS n, sum(src_bytes) AS up, sum(dst_bytes) AS down
       FROM flows WHERE ts >= ${bind(e.from)}::TIMESTAMP AND ts < ${bind(e.to)}::TIMESTAMP
       GROUP BY ALL`,
  );
  const edgePairs = edges.length
    ? `UNION ALL
       SELECT sn.id, dn.id, e.n, e.up, e.down FROM (${edges.join(' UNION ALL ')}) e
         JOIN pair_rollup_names sn ON sn.num = e.src_num JOIN pair_rollup_names dn ON dn.num = e.dst_num`
    : '';
  const sql = `
    WITH p AS MATERIALIZED (
      SELECT s, d, n, up, down FROM pair_rollup WHERE ${inside}
      ${edgePairs}
    ), sides AS (
      SELECT s AS id, sum(n) AS flows, sum(up) AS b_out, sum(down) AS b_in FROM p GROUP BY s
      UNION ALL
      SELECT d, sum(n), sum(down), sum(up) FROM p GROUP BY d
    )
    SELECT nm.ip, sum(flows)::BIGINT AS flows, (sum(b_out) + sum(b_in))::BIGINT AS bytes,
           sum(b_out)::BIGINT AS bytes_out, sum(b_in)::BIGINT AS bytes_in
    FROM sides JOIN pair_rollup_names nm ON nm.id = sides.id
    GROUP BY nm.ip ORDER BY ${order}, ip LIMIT ${bind(limit)}`;
  return { sql, params };
}
