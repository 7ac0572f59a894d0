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
  const windows = await wholeWindows(store, q.range, window * 1_000_000);
  return windows && { ...windows, oneForm, outliers };
}

/**
 * The whole windows of `windowUs` inside `range` and its partial ends (every window and no ends
 * without a range), or null when the range holds no whole window. Shared by the detection
 * rollup's readers and the filtered views' kept aggregates (../filter-rollup/).
 */
export async function wholeWindows(
  store: CaseReader,
  range: FlowQuery['range'],
  windowUs: number,
): Promise<Pick<RollupSpan, 'lo' | 'hi' | 'edges'> | null> {
  if (!range) return { lo: null, hi: null, edges: [] };
  // window numbers from DuckDB's own reading of the range (microseconds, as the flows' ts)
  const b = await store.one<{ lo: number | null; hi: number | null }>(
    `SELECT (epoch_us($1::TIMESTAMP) + $3 - 1) // $3 AS lo, epoch_us($2::TIMESTAMP) // $3 AS hi`,
    [range.from, range.to, windowUs],
  );
  if (b?.lo == null || b.hi == null || b.lo >= b.hi) return null;
  const at = (w: number) => new Date((w * windowUs) / 1000).toISOString();
  return {
    lo: b.lo,
    hi: b.hi,
    edges: [
      { from: range.from, to: at(b.lo) },
      { from: at(b.hi), to: range.to },
    ],
  };
}
