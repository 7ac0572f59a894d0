// Statements over a filter's kept pair-windows (kept-pairs.ts): the whole windows of a range as
// kept, the partial windows at its two ends from the filter's flows, grouped the way the kept
// table was written. Rows come back in the flows queries' shapes, so the answers are the flows'.
import type { PairScatter } from '../../../shared/query';
import { binder } from '../rollup/hosts-sql';
import type { RollupSpan } from '../rollup/rollup-span';
import { featureAggregate, rollupColumn, scatterOverPairs } from '../rollup/scatter-sql';
import { flowWhere } from '../where';
import type { KeptPairs, KeptSelection } from './kept-pairs';

export type Span = Pick<RollupSpan, 'lo' | 'hi' | 'edges'>;

export interface Sql {
  sql: string;
  params: (string | number)[];
}

/**
 * The kept rows of the span's whole windows (`keptCols` of the table) and its ends' rows from
 * the flows (`flowCols`, grouped as the table was), one SELECT.
 */
function spanRows(
  kept: KeptPairs,
  table: string,
  sel: KeptSelection,
  span: Span,
  keptCols: string,
  /** The ends' columns (a function: its placeholders are bound only when there are ends). */
  flowCols: () => string,
  b: ReturnType<typeof binder>,
): string {
  const inside =
    span.lo == null ? 'true' : `w >= ${b.bind(span.lo)} AND w < ${b.bind(span.hi ?? span.lo)}`;
  const parts = [`SELECT ${keptCols} FROM ${table} WHERE ${inside}`];
  for (const e of span.edges) {
    const where = flowWhere({ filter: sel.filter, selector: sel.selector }, b.params.length);
    b.params.push(...where.params);
    parts.push(
      `SELECT ${flowCols()} FROM flows
       WHERE ${where.sql} AND ts >= ${b.bind(e.from)}::TIMESTAMP AND ts < ${b.bind(e.to)}::TIMESTAMP
       GROUP BY ALL`,
    );
  }
  return parts.join('\nUNION ALL\n');
}

/** The pair scatter of `feature` over the span (the flows statement's rows). */
export function keptScatterSql(
  kept: KeptPairs,
  sel: KeptSelection,
  span: Span,
  feature: PairScatter['feature'],
  maxOutliers: number,
  limit: number,
): Sql {
  const b = binder();
  const pairs = spanRows(
    kept,
    kept.table,
    sel,
    span,
    `w AS win, src, dst, ${rollupColumn(feature)}::DOUBLE AS value`,
    () => `epoch_us(ts) // ${b.bind(kept.windowUs)} AS win, src_ip AS src, dst_ip AS dst,
     (${featureAggregate(feature)})::DOUBLE AS value`,
    b,
  );
  return { sql: scatterOverPairs(pairs, b.bind(maxOutliers), b.bind(limit)), params: b.params };
}

/** Top talkers over the span, both sides of each pair counted (the flows statement's rows). */
export function keptTalkersSql(
  kept: KeptPairs,
  sel: KeptSelection,
  span: Span,
  order: string,
  limit: number,
): Sql {
  const b = binder();
  const pairs = spanRows(
    kept,
    kept.table,
    sel,
    span,
    'src, dst, n, up, down',
    () =>
      'src_ip AS src, dst_ip AS dst, count(*) AS n, sum(src_bytes) AS up, sum(dst_bytes) AS down',
    b,
  );
  const sql = `
    WITH p AS MATERIALIZED (${pairs}),
    sides AS (
      SELECT src AS ip, sum(n) AS flows, sum(up) AS b_out, sum(down) AS b_in FROM p GROUP BY src
      UNION ALL
      SELECT dst, sum(n), sum(down), sum(up) FROM p GROUP BY dst
    )
    SELECT ip, sum(flows)::BIGINT AS flows, (sum(b_out) + sum(b_in))::BIGINT AS bytes,
           sum(b_out)::BIGINT AS bytes_out, sum(b_in)::BIGINT AS bytes_in
    FROM sides GROUP BY ip ORDER BY ${order}, ip LIMIT ${b.bind(limit)}`;
  return { sql, params: b.params };
}

/** Destination ports over the span, distinct sources exact (the flows statement's rows). */
export function keptPortsSql(
  kept: KeptPairs,
  sel: KeptSelection,
  span: Span,
  order: string,
  limit: number,
): Sql {
  const b = binder();
  const rows = spanRows(
    kept,
    kept.ports,
    sel,
    span,
    'port, proto, src, n, bytes',
    () =>
      'dst_port AS port, proto, src_ip AS src, count(*) AS n, sum(src_bytes + dst_bytes) AS bytes',
    b,
  );
  const sql = `
    WITH p AS (${rows})
    SELECT port, proto, sum(n)::BIGINT AS flows, sum(bytes)::BIGINT AS bytes,
           count(DISTINCT src) AS sources
    FROM p GROUP BY port, proto
    ORDER BY ${order}, port NULLS LAST, proto LIMIT ${b.bind(limit)}`;
  return { sql, params: b.params };
}
