// Per-window (src, dst) pair features for the scatter chart, with each window's IQR fences
// (Q1 - 3*IQR, Q3 + 3*IQR, the same rule the detectors use). Fences are computed over all pairs;
// the points are then sampled to at most `limit`, outliers always kept (up to a hard cap), the
// rest a deterministic hash sample so the chart does not reshuffle on every refresh.
import {
  PAIR_FEATURES,
  type PairFence,
  type PairPoint,
  type PairScatter,
  type PairScatterRequest,
} from '../../shared/query';
import type { CaseStore } from '../store/case-store';
import { NetsiftError } from '../store/errors';
import { chartLimit } from './top-talkers';
import { memo } from './memo';
import { flowWhere, queryKey } from './where';
import { gated, type QueryOptions } from './cancel';

const FEATURE_SQL: Record<PairScatter['feature'], string> = {
  num_dst_ports: 'count(DISTINCT dst_port)',
  num_conns: 'count(*)',
  bytes_up: 'sum(src_bytes)',
  bytes_down: 'sum(dst_bytes)',
};

/** Text order as DuckDB's ORDER BY sorts VARCHAR (byte-wise), so the points keep their old order. */
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Outliers kept beyond `limit` at most, so one wild capture cannot flood the chart. */
export const MAX_OUTLIER_POINTS = 20_000;

export async function pairScatter(
  store: CaseStore,
  req: PairScatterRequest,
  opts: QueryOptions = {},
): Promise<PairScatter> {
  return gated(store, opts, async () => {
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
    const where = flowWhere(req);
    const n = where.params.length;
    // One pass: the pairs are aggregated once (MATERIALIZED) for the fences, the outliers and the
    // sample. The sample is "the first by hash", read with ORDER BY .. LIMIT (a top-N, not a sort
    // of every pair), and the totals are a plain aggregate: counting with count(*) OVER () had
    // DuckDB spend minutes on a few hundred thousand pairs (a 10% brush at 10M flows).
    const sql = `
      WITH pairs AS MATERIALIZED (
        SELECT epoch_us(ts) // $${n + 1} AS win, src_ip AS src, dst_ip AS dst,
               (${FEATURE_SQL[req.feature]})::DOUBLE AS value
        FROM flows WHERE ${where.sql} GROUP BY win, src_ip, dst_ip
      ), fences AS MATERIALIZED (
        SELECT win, count(*) AS pairs, quantile_cont(value, 0.25) AS q1, quantile_cont(value, 0.75) AS q3
        FROM pairs GROUP BY win
      ), flagged AS MATERIALIZED (
        SELECT p.win, p.src, p.dst, p.value,
               (p.value > f.q3 + 3 * (f.q3 - f.q1) OR p.value < greatest(0, f.q1 - 3 * (f.q3 - f.q1))) AS outlier
        FROM pairs p JOIN fences f USING (win)
      )
      SELECT 'total' AS part, NULL::BIGINT AS win, NULL AS src, NULL AS dst, NULL::DOUBLE AS value,
             count(*) AS n, count(*) FILTER (WHERE outlier) AS n_out, NULL::DOUBLE AS q1, NULL::DOUBLE AS q3,
             NULL::VARCHAR AS h
      FROM flagged
      UNION ALL
      SELECT 'fence', win, NULL, NULL, NULL, pairs, NULL, q1, q3, NULL FROM fences
      UNION ALL
      (SELECT 'outlier', win, src, dst, value, NULL, NULL, NULL, NULL, NULL FROM flagged WHERE outlier
       ORDER BY value DESC, hash(win, src, dst) LIMIT $${n + 2})
      UNION ALL
      (SELECT 'normal', win, src, dst, value, NULL, NULL, NULL, NULL, hash(win, src, dst)::VARCHAR
       FROM flagged WHERE NOT outlier ORDER BY hash(win, src, dst) LIMIT $${n + 3})`;
    const us = windowSeconds * 1e6;
    return memo(
      store,
      `pairs:${req.feature}:${windowSeconds}:${limit}:${queryKey(req)}`,
      async () => {
        type Row = {
          part: 'total' | 'fence' | 'outlier' | 'normal';
          win: number;
          src: string;
          dst: string;
          value: number;
          n: number;
          n_out: number;
          q1: number;
          q3: number;
          h: string | null;
        };
        const rows = await store.all<Row>(sql, [...where.params, us, MAX_OUTLIER_POINTS, limit]);
        const totals = rows.find((r) => r.part === 'total');
        const total = totals?.n ?? 0;
        const outliers = rows.filter((r) => r.part === 'outlier');
        // the normal pairs fill what the outliers leave of the limit, first by hash (a union
        // does not promise to keep a branch's order: sorted again here)
        const room = Math.max(limit - (totals?.n_out ?? 0), 0);
        const byHash = (a: Row, b: Row) => {
          const d = BigInt(a.h ?? 0) - BigInt(b.h ?? 0);
          return d < 0n ? -1 : d > 0n ? 1 : 0;
        };
        const kept = [
          ...outliers.map((r) => ({ ...r, outlier: true })),
          ...rows
            .filter((r) => r.part === 'normal')
            .sort(byHash)
            .slice(0, room)
            .map((r) => ({ ...r, outlier: false })),
        ].sort((a, b) => a.win - b.win || cmp(a.src, b.src) || cmp(a.dst, b.dst));
        const fences = rows
          .filter((r) => r.part === 'fence')
          .sort((a, b) => a.win - b.win)
          .map((f) => ({
            win: f.win,
            pairs: f.n,
            q1: f.q1,
            q3: f.q3,
            lower: Math.max(0, f.q1 - 3 * (f.q3 - f.q1)),
            upper: f.q3 + 3 * (f.q3 - f.q1),
          }));
        const iso = (w: number) => new Date((w * us) / 1000).toISOString();
        return {
          feature: req.feature,
          windowSeconds,
          points: kept.map<PairPoint>((p) => ({
            window: iso(p.win),
            src: p.src,
            dst: p.dst,
            value: p.value,
            outlier: p.outlier,
          })),
          fences: fences.map<PairFence>((f) => ({
            window: iso(f.win),
            pairs: f.pairs,
            q1: f.q1,
            q3: f.q3,
            lower: f.lower,
            upper: f.upper,
          })),
          totalPoints: total,
          sampled: total > kept.length,
        };
      },
      opts.signal,
    );
  });
}
