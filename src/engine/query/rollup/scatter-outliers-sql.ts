// The pair scatter from the rollup's outliers table (pair-rollup.ts), in two statements: the
// fences, the counts and the outliers first, read from the kept outliers of the whole windows
// (no pass over a range's few 100k pairs), the partial windows at the ends computed from their
// flows as before; then, only when the outliers leave room for it, the hash sample of the other
// pairs. The same rows as scatter-sql.ts gives (../pair-scatter.ts joins and shapes them).
import type { PairScatter } from '../../../shared/query';
import { outlierSql } from './pair-rollup';
import type { RollupSpan } from './rollup-span';
import { edgePairsSql, rollupColumn } from './scatter-sql';

interface Sql {
  sql: string;
  params: (string | number)[];
}

/** The WITH list both statements share: edge pairs and fences, all fences. */
function common(feature: PairScatter['feature'], span: RollupSpan, windowUs: number) {
  const col = rollupColumn(feature);
  const params: (string | number)[] = [];
  const bind = (v: string | number) => `$${params.push(v)}`;
  const inside =
    span.lo == null ? 'true' : `w >= ${bind(span.lo)} AND w < ${bind(span.hi ?? span.lo)}`;
  const edges = edgePairsSql(feature, span, windowUs, bind);
  const withList = edges
    ? `edge_pairs AS MATERIALIZED (${edges}),
       edge_fences AS MATERIALIZED (
         SELECT win, count(*) AS pairs, quantile_cont(value, 0.25) AS q1, quantile_cont(value, 0.75) AS q3
         FROM edge_pairs GROUP BY win
       ),
       fences AS MATERIALIZED (
         SELECT w AS win, pairs, q_${col}[1] AS q1, q_${col}[2] AS q3 FROM pair_rollup_fences WHERE ${inside}
         UNION ALL SELECT win, pairs, q1, q3 FROM edge_fences
       )`
    : `fences AS MATERIALIZED (
         SELECT w AS win, pairs, q_${col}[1] AS q1, q_${col}[2] AS q3 FROM pair_rollup_fences WHERE ${inside}
       )`;
  return { col, params, bind, inside, edges: !!edges, withList };
}

const NAMED = `JOIN pair_rollup_names sn ON sn.id = p.s JOIN pair_rollup_names dn ON dn.id = p.d`;

/** Fences, the count row (all pairs, outliers) and up to `maxOutliers` outliers. */
export function scatterOutliersSql(
  feature: PairScatter['feature'],
  span: RollupSpan,
  windowUs: number,
  maxOutliers: number,
): Sql {
  const c = common(feature, span, windowUs);
  const edgeOutliers = c.edges
    ? `UNION ALL
       SELECT p.win, p.s, p.d, p.value FROM edge_pairs p JOIN edge_fences f USING (win)
       WHERE ${outlierSql('p.value', 'f.q1', 'f.q3')}`
    : '';
  const sql = `
    WITH ${c.withList},
    outliers AS MATERIALIZED (
      SELECT w AS win, s, d, value FROM pair_rollup_outliers WHERE f = '${c.col}' AND ${c.inside}
      ${edgeOutliers}
    ), picked AS (
      SELECT 'outlier' AS part, win, s, d, value FROM outliers
      ORDER BY value DESC, hash(win, s, d) LIMIT ${c.bind(maxOutliers)}
    )
    SELECT 'fence' AS part, win, NULL AS src, NULL AS dst, NULL::DOUBLE AS value, pairs, q1, q3,
           greatest(0, q1 - 3 * (q3 - q1)) AS lower, q3 + 3 * (q3 - q1) AS upper
    FROM fences
    UNION ALL
    SELECT 'count', NULL, NULL, NULL, NULL, (SELECT sum(pairs) FROM fences)::BIGINT,
           (SELECT count(*) FROM outliers), NULL, NULL, NULL
    UNION ALL
    SELECT p.part, p.win, sn.ip, dn.ip, p.value, NULL, NULL, NULL, NULL, NULL FROM picked p ${NAMED}`;
  return { sql, params: c.params };
}

/** The `limit` pairs inside the fences of lowest hash (the sample beside the outliers). */
export function scatterSampleSql(
  feature: PairScatter['feature'],
  span: RollupSpan,
  windowUs: number,
  limit: number,
): Sql {
  const c = common(feature, span, windowUs);
  const edgePairs = c.edges ? 'UNION ALL SELECT win, s, d, value FROM edge_pairs' : '';
  const sql = `
    WITH ${c.withList},
    picked AS (
      SELECT 'sample' AS part, p.win, p.s, p.d, p.value
      FROM (SELECT w AS win, s, d, ${c.col}::DOUBLE AS value FROM pair_rollup WHERE ${c.inside}
            ${edgePairs}) p
        JOIN fences f USING (win)
      WHERE NOT ${outlierSql('p.value', 'f.q1', 'f.q3')}
      ORDER BY hash(p.win, p.s, p.d) LIMIT ${c.bind(limit)}
    )
    SELECT p.part, p.win, sn.ip AS src, dn.ip AS dst, p.value FROM picked p ${NAMED}`;
  return { sql, params: c.params };
}
