// Per-address flows and bytes of a time span read from host_rollup (chart-rollup.ts): the whole
// windows inside the span as stored, the partial windows at its two ends from their flows (both
// sides of each flow, as the flows queries count them). Top talkers and top countries / AS are
// read from it (../top-talkers.ts, ../../context/top-geo.ts).
import type { RollupSpan } from './rollup-span';

export interface SpanSql {
  /** A WITH list ending in `hosts(ip, flows, b_out, b_in)`: one row per address. */
  with: string;
  params: (string | number)[];
  /** Binds one more value, returning its placeholder. */
  bind(v: string | number): string;
}

/** Binder shared by the parts of one statement: pushes a value, returns its placeholder. */
export function binder(): { params: (string | number)[]; bind(v: string | number): string } {
  const params: (string | number)[] = [];
  return { params, bind: (v) => `$${params.push(v)}` };
}

export function hostsFromRollup(span: RollupSpan, b = binder()): SpanSql {
  const { params, bind } = b;
  const inside =
    span.lo == null ? 'true' : `w >= ${bind(span.lo)} AND w < ${bind(span.hi ?? span.lo)}`;
  // each end on its own (a range each: the zone maps prune both; an OR of them they may not)
  const edge = (from: string, to: string) => {
    const f = bind(from);
    const t = bind(to);
    const where = `ts >= ${f}::TIMESTAMP AND ts < ${t}::TIMESTAMP`;
    return `SELECT src_ip AS ip, count(*) AS flows, sum(src_bytes) AS b_out, sum(dst_bytes) AS b_in
            FROM flows WHERE ${where} GROUP BY src_ip
            UNION ALL
            SELECT dst_ip, count(*), sum(dst_bytes), sum(src_bytes) FROM flows WHERE ${where} GROUP BY dst_ip`;
  };
  const edges = span.edges.map((e) => edge(e.from, e.to));
  const edgeRows = edges.length
    ? `UNION ALL
       SELECT nm.id, e.flows::BIGINT, e.b_out::BIGINT, e.b_in::BIGINT
       FROM (${edges.join(' UNION ALL ')}) e JOIN pair_rollup_names nm ON nm.ip = e.ip`
    : '';
  // one grouping of the stored rows and the ends' together, of BIGINTs (a first grouping of the
  // stored rows alone, its 128-bit sums grouped again, took twice as long)
  const sql = `host_sides AS (
      SELECT id, flows, b_out, b_in FROM host_rollup WHERE ${inside}
      ${edgeRows}
    ), host_ids AS (
      SELECT id, sum(flows) AS flows, sum(b_out) AS b_out, sum(b_in) AS b_in
      FROM host_sides GROUP BY id
    ), hosts AS (
      -- one text form per number (chart-rollup.ts): the same rows as grouped by text
      SELECT nm.ip, h.flows, h.b_out, h.b_in FROM host_ids h JOIN pair_rollup_names nm ON nm.id = h.id
    )`;
  return { with: sql, params, bind };
}
