// The pair scatter (../pair-scatter.ts) read from the pair rollup: the whole windows' pairs and
// quartiles as stored, the partial windows at the ends of a range aggregated from their flows the
// way the rollup was built, then the same fences, outliers, hash sample and counts as from the
// flows. Rows come back in the flows query's shape (part, win, src, dst, value, pairs, q1, q3,
// lower, upper).
import type { PairScatter } from '../../../shared/query';
import type { RollupSpan } from './rollup-span';

/** Rollup column, and the flows aggregate it was built from, per feature (an allow-list). */
const COLUMN: Record<PairScatter['feature'], { col: string; flows: string }> = {
  num_dst_ports: { col: 'ports', flows: 'count(DISTINCT dst_port)' },
  num_conns: { col: 'n', flows: 'count(*)' },
  bytes_up: { col: 'up', flows: 'sum(src_bytes)' },
  bytes_down: { col: 'down', flows: 'sum(dst_bytes)' },
};

/**
 * The rows every pair scatter statement ends with, after its `fences` (per window: pairs, q1, q3)
 * and `flagged` (each pair with its outlier flag) steps: one per window with its fence, and the
 * counts of pairs and outliers. Shared by the rollup's statement and the one over the flows.
 */
export const FENCE_AND_COUNT_ROWS = `SELECT 'fence' AS part, win, NULL AS src, NULL AS dst, NULL::DOUBLE AS value, pairs, q1, q3,
           greatest(0, q1 - 3 * (q3 - q1)) AS lower, q3 + 3 * (q3 - q1) AS upper
    FROM fences
    UNION ALL
    SELECT 'count', NULL, NULL, NULL, NULL, count(*), count(*) FILTER (WHERE outlier), NULL, NULL, NULL
    FROM flagged`;

/**
 * The pair scatter's statement over `pairs` (a SELECT of win, src, dst, value: one row per
 * pair-window): each window's fences, the flag of each pair, then the fence and count rows, up
 * to `maxOut` outliers (largest first) and, only when the outliers leave room, the hash sample
 * of `take` others. `maxOut` and `take` are placeholders. The samples are top-N reads (ORDER BY
 * ... LIMIT), not a sort of every pair. The statement over the flows (../pair-scatter.ts).
 */
export function scatterOverPairs(pairs: string, maxOut: string, take: string): string {
  return `
    WITH pairs AS MATERIALIZED (${pairs}
    ), fences AS MATERIALIZED (
      SELECT win, count(*) AS pairs, quantile_cont(value, 0.25) AS q1, quantile_cont(value, 0.75) AS q3
      FROM pairs GROUP BY win
    ), flagged AS MATERIALIZED (
      SELECT p.win, p.src, p.dst, p.value,
             (p.value > f.q3 + 3 * (f.q3 - f.q1) OR p.value < greatest(0, f.q1 - 3 * (f.q3 - f.q1))) AS outlier
      FROM pairs p JOIN fences f USING (win)
    )
    ${FENCE_AND_COUNT_ROWS}
    UNION ALL
    (SELECT 'outlier', win, src, dst, value, NULL, NULL, NULL, NULL, NULL FROM flagged WHERE outlier
     ORDER BY value DESC, hash(win, src, dst) LIMIT ${maxOut})
    UNION ALL
    (SELECT 'sample', win, src, dst, value, NULL, NULL, NULL, NULL, NULL FROM flagged WHERE NOT outlier
     AND (SELECT count(*) FROM flagged WHERE outlier) < ${take}
     ORDER BY hash(win, src, dst) LIMIT ${take})`;
}

export function scatterFromRollup(
  feature: PairScatter['feature'],
  span: RollupSpan,
  windowUs: number,
  maxOutliers: number,
  limit: number,
): { sql: string; params: (string | number)[] } {
  const { col } = COLUMN[feature];
  const edges = span.edges;
  const params: (string | number)[] = [];
  const bind = (v: string | number) => `$${params.push(v)}`;
  const maxOut = bind(maxOutliers);
  const take = bind(limit);
  const inside =
    span.lo == null ? 'true' : `w >= ${bind(span.lo)} AND w < ${bind(span.hi ?? span.lo)}`;
  const edgePairs = edges.length
    ? `UNION ALL SELECT win, s, d, value, true FROM (${edgePairsSql(feature, span, windowUs, bind)})`
    : '';
  const edgeFences = edges.length
    ? `UNION ALL
       SELECT win, count(*), quantile_cont(value, 0.25), quantile_cont(value, 0.75)
       FROM pairs WHERE edge GROUP BY win`
    : '';
  const sql = `
    WITH pairs AS MATERIALIZED (
      SELECT w AS win, s, d, ${col}::DOUBLE AS value, false AS edge FROM pair_rollup WHERE ${inside}
      ${edgePairs}
    ), fences AS MATERIALIZED (
      SELECT w AS win, pairs, q_${col}[1] AS q1, q_${col}[2] AS q3 FROM pair_rollup_fences WHERE ${inside}
      ${edgeFences}
    ), flagged AS MATERIALIZED (
      SELECT p.win, p.s, p.d, p.value,
             (p.value > f.q3 + 3 * (f.q3 - f.q1) OR p.value < greatest(0, f.q1 - 3 * (f.q3 - f.q1))) AS outlier
      FROM pairs p JOIN fences f USING (win)
    ), picked AS (
      (SELECT 'outlier' AS part, win, s, d, value FROM flagged WHERE outlier
       ORDER BY value DESC, hash(win, s, d) LIMIT ${maxOut})
      UNION ALL
      (SELECT 'sample', win, s, d, value FROM flagged WHERE NOT outlier
       AND (SELECT count(*) FROM flagged WHERE outlier) < ${take}
       ORDER BY hash(win, s, d) LIMIT ${take})
    )
    ${FENCE_AND_COUNT_ROWS}
    UNION ALL
    SELECT p.part, p.win, sn.ip, dn.ip, p.value, NULL, NULL, NULL, NULL, NULL
    FROM picked p JOIN pair_rollup_names sn ON sn.id = p.s JOIN pair_rollup_names dn ON dn.id = p.d`;
  return { sql, params };
}

/**
 * The partial windows' pairs at a span's ends (win, s, d, value), aggregated from their flows the
 * way the rollup was built, with the rollup's address ids; '' when the span has no ends.
 */
export function edgePairsSql(
  feature: PairScatter['feature'],
  span: RollupSpan,
  windowUs: number,
  bind: (v: string | number) => string,
): string {
  if (!span.edges.length) return '';
  const { flows } = COLUMN[feature];
  const us = bind(windowUs);
  // the ends' pairs by address number as the rollup was built, or by text where every address
  // has one text form (the same pairs): matching 128-bit numbers in the names table cost more
  // than the rest of the query (tens of ms at 10M flows)
  const [src, dst, key] = span.oneForm ? ['src_ip', 'dst_ip', 'ip'] : ['src_num', 'dst_num', 'num'];
  const edges = span.edges.map(
    (e) =>
      `SELECT epoch_us(ts) // ${us} AS win, ${src} AS src, ${dst} AS dst, (${flows})::DOUBLE AS value
       FROM flows WHERE ts >= ${bind(e.from)}::TIMESTAMP AND ts < ${bind(e.to)}::TIMESTAMP
       GROUP BY ALL`,
  );
  return `SELECT e.win, sn.id AS s, dn.id AS d, e.value
    FROM (${edges.join(' UNION ALL ')}) e
      JOIN pair_rollup_names sn ON sn.${key} = e.src JOIN pair_rollup_names dn ON dn.${key} = e.dst`;
}

/** The rollup column of a feature. */
export function rollupColumn(feature: PairScatter['feature']): string {
  return COLUMN[feature].col;
}

/** The aggregate over the flows a feature's rollup column was built from. */
export function featureAggregate(feature: PairScatter['feature']): string {
  return COLUMN[feature].flows;
}
