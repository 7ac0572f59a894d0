// Which part of a query the pair rollup (pair-rollup.ts) answers: the whole windows inside the
// time range; the partial windows at its two ends are read from the flows, as before, so the
// answer is the same as from the flows alone.
import type { FlowQuery } from '../../../shared/query';
import type { CaseReader } from '../../store/case-reader';
import { currentRollup } from './pair-rollup';

export interface RollupSpan {
  /** Whole windows [lo, hi) (window numbers: epoch microseconds // window); null: every window. */
  lo: number | null;
  hi: number | null;
  /** The partial ends [from, to) read from the flows (ISO times). */
  edges: { from: string; to: string }[];
  /** Every address has one text form (chart-rollup.ts): text and number group alike. */
  oneForm: boolean;
  /** The rollup has its outliers table (pair-rollup.ts). */
  outliers: boolean;
}

/**
 * The span of `q` the rollup answers, or null when it cannot: a filter or selector (the rollup
 * holds every flow), another window length than `windowSeconds` (when the answer depends on it),
 * flows changed since the last detection run, or a range without one whole window.
 */
export async function rollupSpan(
  store: CaseReader,
  q: FlowQuery,
  windowSeconds?: number,
  /** 'charts': the charts' tables (chart-rollup.ts) are needed too */
  need: 'pairs' | 'charts' = 'pairs',
): Promise<RollupSpan | null> {
  if (q.filter?.trim() || q.selector) return null;
  const current = await currentRollup(store);
  if (!current || (need === 'charts' && !current.charts)) return null;
  const { window, charts: oneForm, outliers } = current;
  if (windowSeconds !== undefined && window !== windowSeconds) return null;
  if (!q.range) return { lo: null, hi: null, edges: [], oneForm, outliers };
  const us = window * 1_000_000;
  // window numbers from DuckDB's own reading of the range (microseconds, as the flows' ts)
  const b = await store.one<{ lo: number | null; hi: number | null }>(
    `SELECT (epoch_us($1::TIMESTAMP) + $3 - 1) // $3 AS lo, epoch_us($2::TIMESTAMP) // $3 AS hi`,
    [q.range.from, q.range.to, us],
  );
  if (b?.lo == null || b.hi == null || b.lo >= b.hi) return null;
  const at = (w: number) => new Date((w * us) / 1000).toISOString();
  return {
    lo: b.lo,
    hi: b.hi,
    edges: [
      { from: q.range.from, to: at(b.lo) },
      { from: at(b.hi), to: q.range.to },
    ],
    oneForm,
    outliers,
  };
}
