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
    const base = `
      WITH pairs AS (
        SELECT epoch_us(ts) // $${n + 1} AS win, src_ip AS src, dst_ip AS dst,
               (${FEATURE_SQL[req.feature]})::DOUBLE AS value
        FROM flows WHERE ${where.sql} GROUP BY win, src_ip, dst_ip
      ), fences AS (
        SELECT win, count(*) AS pairs, quantile_cont(value, 0.25) AS q1, quantile_cont(value, 0.75) AS q3
        FROM pairs GROUP BY win
      ), marked AS (
        SELECT p.*, f.q1, f.q3,
               greatest(0, f.q1 - 3 * (f.q3 - f.q1)) AS lower, f.q3 + 3 * (f.q3 - f.q1) AS upper
        FROM pairs p JOIN fences f USING (win)
      )`;
    const us = windowSeconds * 1e6;
    return memo(
      store,
      `pairs:${req.feature}:${windowSeconds}:${limit}:${queryKey(req)}`,
      async () => {
        const fences = await store.all<{
          win: number;
          pairs: number;
          q1: number;
          q3: number;
          lower: number;
          upper: number;
        }>(
          `${base} SELECT win, pairs, q1, q3, greatest(0, q1 - 3 * (q3 - q1)) AS lower, q3 + 3 * (q3 - q1) AS upper
       FROM fences ORDER BY win`,
          [...where.params, us],
        );
        const points = await store.all<{
          win: number;
          src: string;
          dst: string;
          value: number;
          outlier: boolean;
          total: number;
        }>(
          `${base}, flagged AS (
         SELECT win, src, dst, value, (value > upper OR value < lower) AS outlier FROM marked
       ), ranked AS (
         SELECT *, count(*) OVER () AS total, count(*) FILTER (WHERE outlier) OVER () AS n_out,
                row_number() OVER (PARTITION BY outlier ORDER BY CASE WHEN outlier THEN -value END, hash(win, src, dst)) AS rn
         FROM flagged
       )
       SELECT win, src, dst, value, outlier, total FROM ranked
       WHERE (outlier AND rn <= $${n + 2}) OR (NOT outlier AND rn <= greatest($${n + 3} - n_out, 0))
       ORDER BY win, src, dst`,
          [...where.params, us, MAX_OUTLIER_POINTS, limit],
        );
        const iso = (w: number) => new Date((w * us) / 1000).toISOString();
        const total = points[0]?.total ?? 0;
        return {
          feature: req.feature,
          windowSeconds,
          points: points.map<PairPoint>((p) => ({
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
          sampled: total > points.length,
        };
      },
      opts.signal,
    );
  });
}
