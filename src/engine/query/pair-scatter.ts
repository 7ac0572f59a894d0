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
import type { CaseReader } from '../store/case-reader';
import { NetsiftError } from '../core/errors';
import { chartLimit } from './top-talkers';
import { memo } from './memo';
import { flowWhere, queryKey } from './where';
import { rollupSpan, type RollupSpan } from './rollup/rollup-span';
import { scatterOutliersSql, scatterSampleSql } from './rollup/scatter-outliers-sql';
import { KEPT_OUTLIERS } from './rollup/pair-rollup';
import {
  featureAggregate,
  rollupColumn,
  scatterFromRollup,
  scatterOverPairs,
} from './rollup/scatter-sql';

/** Outliers kept beyond `limit` at most, so one wild capture cannot flood the chart. */
export const MAX_OUTLIER_POINTS = 20_000;

export async function pairScatter(
  store: CaseReader,
  req: PairScatterRequest,
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
  const where = flowWhere(req);
  const n = where.params.length;
  // One pass: the pairs are aggregated once (they were twice, and ranked with a filtered
  // count(...) OVER () that DuckDB evaluated row by row over the whole frame: a few 100k pairs
  // took minutes and held the server's query threads, issue 15). Fences, outliers (largest first)
  // and the hash sample of the rest come back as rows of one result, told apart by `part`; the
  // sample is only drawn when the outliers leave room for it (they are shown first, up to
  // `limit`): at 10M flows they usually fill it, and hashing and ranking every other pair was
  // half the query's time.
  const sql = scatterOverPairs(
    `SELECT epoch_us(ts) // $${n + 1} AS win, src_ip AS src, dst_ip AS dst,
            (${featureAggregate(req.feature)})::DOUBLE AS value
     FROM flows WHERE ${where.sql} GROUP BY win, src_ip, dst_ip`,
    `$${n + 2}`,
    `$${n + 3}`,
  );
  const us = windowSeconds * 1e6;
  return memo(
    store,
    `pairs:${req.feature}:${windowSeconds}:${limit}:${queryKey(req)}`,
    async () => {
      // the whole capture or a brushed range of it: from the pairs detection kept, when current
      const span = await rollupSpan(store, req, windowSeconds);
      const q = span
        ? scatterFromRollup(req.feature, span, us, MAX_OUTLIER_POINTS, limit)
        : { sql, params: [...where.params, us, MAX_OUTLIER_POINTS, limit] };
      const rows =
        span?.outliers && KEPT_OUTLIERS.includes(rollupColumn(req.feature))
          ? await fromOutliers(store, req.feature, span, us, limit)
          : await store.all<ScatterRow>(q.sql, q.params);
      const fences = rows.filter((r) => r.part === 'fence').sort((a, b) => a.win - b.win);
      const counts = rows.find((r) => r.part === 'count');
      const total = counts?.pairs ?? 0;
      const outliers = counts?.q1 ?? 0; // the second count column: pairs flagged in all
      // as many of the others as leave room beside every outlier (none when they fill it)
      const rest = rows.filter((r) => r.part === 'sample').slice(0, Math.max(limit - outliers, 0));
      // one text per window (thousands of points share a few hundred windows)
      const isoOf = new Map<number, string>();
      const iso = (w: number) => {
        let t = isoOf.get(w);
        if (t === undefined) isoOf.set(w, (t = new Date((w * us) / 1000).toISOString()));
        return t;
      };
      const points = inChartOrder([...rows.filter((r) => r.part === 'outlier'), ...rest], iso);
      return {
        feature: req.feature,
        windowSeconds,
        points,
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
  );
}

interface ScatterRow {
  part: 'fence' | 'count' | 'outlier' | 'sample';
  win: number;
  src: string;
  dst: string;
  value: number;
  pairs: number;
  q1: number;
  q3: number;
  lower: number;
  upper: number;
}

/**
 * From the rollup's kept outliers (rollup/scatter-outliers-sql.ts): fences, counts and outliers,
 * then the hash sample only when the outliers leave room for it.
 */
async function fromOutliers(
  store: CaseReader,
  feature: PairScatter['feature'],
  span: RollupSpan,
  us: number,
  limit: number,
): Promise<ScatterRow[]> {
  const main = scatterOutliersSql(feature, span, us, MAX_OUTLIER_POINTS);
  const rows = await store.all<ScatterRow>(main.sql, main.params);
  const outliers = rows.find((r) => r.part === 'count')?.q1 ?? 0;
  if (outliers >= limit) return rows;
  const sample = scatterSampleSql(feature, span, us, limit);
  return [...rows, ...(await store.all<ScatterRow>(sample.sql, sample.params))];
}

/**
 * The points in window, source, destination order (code-unit order, as DuckDB orders VARCHAR;
 * localeCompare would not). One key text per point, compared once per step: with up to 20,000
 * outliers, comparing the rows' fields one by one took ~80 ms of the server's one JavaScript
 * thread per scatter (issue 15's load run), this ~15 ms. A space sorts below every character of
 * an address's text, so `src + ' ' + dst` orders as the two fields do.
 */
function inChartOrder(rows: ScatterRow[], iso: (win: number) => string): PairPoint[] {
  const keyed = rows.map((r) => ({
    win: r.win,
    key: `${r.src} ${r.dst}`,
    point: {
      window: iso(r.win),
      src: r.src,
      dst: r.dst,
      value: r.value,
      outlier: r.part === 'outlier',
    } satisfies PairPoint,
  }));
  keyed.sort((a, b) => a.win - b.win || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.map((k) => k.point);
}
