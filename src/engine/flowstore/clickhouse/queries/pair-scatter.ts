// Per-window (src, dst) pair features with each window's IQR fences, as the DuckDB side computes
// them (src/engine/query/pair-scatter.ts), in a shape every ClickHouse runs: no window functions
// (18.x has none) and no CTEs. Fences and outliers are the same as DuckDB's; the sample of the
// other points is a deterministic hash sample too, but by ClickHouse's hash, so a sampled chart
// shows other inliers than the case would (all of them when they fit in `limit`).
import {
  PAIR_FEATURES,
  type PairFence,
  type PairScatter,
  type PairScatterRequest,
} from '../../../../shared/query';
import { MAX_OUTLIER_POINTS } from '../../../query/pair-scatter';
import { chartLimit } from '../../../query/top-talkers';
import { NetsiftError } from '../../../core/errors';
import { num, whereOf, type ExecOptions, type QueryContext } from '../query-context';

export async function pairScatterCh(
  ctx: QueryContext,
  req: PairScatterRequest,
  opts?: ExecOptions,
): Promise<PairScatter> {
  if (!(PAIR_FEATURES as readonly string[]).includes(req.feature))
    throw new NetsiftError(
      `unknown pair feature '${String(req.feature)}' (one of ${PAIR_FEATURES.join(', ')})`,
      'usage',
    );
  const windowSeconds = req.windowSeconds ?? 10;
  if (!Number.isInteger(windowSeconds) || windowSeconds < 1 || windowSeconds > 86400)
    throw new NetsiftError(
      `window must be a whole number of seconds from 1 to 86400, not ${windowSeconds}`,
      'usage',
    );
  const limit = chartLimit(req.limit, 3000, 50_000);
  const { model: m, dialect: d } = ctx;
  const s = m.sql;
  const feature: Record<PairScatter['feature'], string> = {
    num_dst_ports: d.countDistinct(s.dst_port),
    num_conns: d.countAll(),
    bytes_up: `sum(${s.src_bytes})`,
    bytes_down: `sum(${s.dst_bytes})`,
  };
  const { b, where } = whereOf(ctx, req);
  const us = windowSeconds * 1e6;
  const usP = b.int(us);
  const pairs = `(SELECT ${d.intDiv(m.time.us, usP)} AS win, ${s.src_ip} AS src, ${s.dst_ip} AS dst,
       ${d.toFloat64(feature[req.feature])} AS value
     FROM ${m.table} WHERE ${where} GROUP BY win, src, dst)`;
  const fencesSql = `(SELECT win, count() AS pairs, ${d.quantileCont('value', 0.25)} AS q1,
       ${d.quantileCont('value', 0.75)} AS q3 FROM ${pairs} GROUP BY win)`;
  // no table qualifiers: the two sides share only `win` (old servers resolve nothing else)
  const marked = `(SELECT win, src, dst, value,
       (value > q3 + 3 * (q3 - q1) OR value < ${d.greatest('0', 'q1 - 3 * (q3 - q1)')}) AS outlier
     FROM ${pairs} AS pr ALL INNER JOIN ${fencesSql} AS fe USING (win))`;
  const fences = await ctx.ex.rows<Record<string, unknown>>(
    `SELECT win, pairs, q1, q3 FROM ${fencesSql} ORDER BY win`,
    b.params,
    opts,
  );
  const totalPoints = fences.reduce((a, f) => a + num(f.pairs), 0);
  const [{ n: nOut } = { n: 0 }] = await ctx.ex.rows<{ n: unknown }>(
    `SELECT count() AS n FROM ${marked} WHERE outlier`,
    b.params,
    opts,
  );
  const point = (r: Record<string, unknown>, outlier: boolean) => ({
    win: num(r.win),
    src: String(r.src),
    dst: String(r.dst),
    value: num(r.value),
    outlier,
  });
  const outliers = (
    await ctx.ex.rows<Record<string, unknown>>(
      `SELECT win, src, dst, value FROM ${marked} WHERE outlier
       ORDER BY value DESC, cityHash64(win, src, dst) LIMIT ${MAX_OUTLIER_POINTS}`,
      b.params,
      opts,
    )
  ).map((r) => point(r, true));
  const room = Math.max(limit - num(nOut), 0);
  const inliers = room
    ? (
        await ctx.ex.rows<Record<string, unknown>>(
          `SELECT win, src, dst, value FROM ${marked} WHERE NOT outlier
           ORDER BY cityHash64(win, src, dst) LIMIT ${room}`,
          b.params,
          opts,
        )
      ).map((r) => point(r, false))
    : [];
  const points = [...outliers, ...inliers].sort(
    (x, y) => x.win - y.win || cmp(x.src, y.src) || cmp(x.dst, y.dst),
  );
  const iso = (w: number) => new Date((w * us) / 1000).toISOString();
  return {
    feature: req.feature,
    windowSeconds,
    points: points.map((p) => ({
      window: iso(p.win),
      src: p.src,
      dst: p.dst,
      value: p.value,
      outlier: p.outlier,
    })),
    fences: fences.map<PairFence>((f) => {
      const q1 = num(f.q1);
      const q3 = num(f.q3);
      return {
        window: iso(num(f.win)),
        pairs: num(f.pairs),
        q1,
        q3,
        lower: Math.max(0, q1 - 3 * (q3 - q1)),
        upper: q3 + 3 * (q3 - q1),
      };
    }),
    totalPoints,
    sampled: totalPoints > points.length,
  };
}

/** Byte order, as DuckDB sorts VARCHAR. */
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
