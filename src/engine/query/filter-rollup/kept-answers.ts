// The charts a filter's kept pair-windows answer (kept-pairs.ts): the pair scatter, which keeps
// them (its first answer for a filter costs about what it cost before, every later one a
// fraction), and top talkers, which read them once kept. Null: not for this query (no filter, a
// selector, a range without a whole window, not kept): the caller asks the flows.
import type { PairScatter, TopTalker } from '../../../shared/query';
import type { CaseReader } from '../../store/case-reader';
import { wholeWindows } from '../rollup/rollup-span';
import type { FlowQuery } from '../../../shared/query';
import { withKeptPairs } from './kept-pairs';
import { keptScatterSql, keptTalkersSql } from './kept-pairs-sql';

const filterOf = (q: FlowQuery): string | null =>
  q.filter?.trim() && !q.selector ? q.filter.trim() : null;

export async function scatterFromKept<Row>(
  store: CaseReader,
  q: FlowQuery,
  feature: PairScatter['feature'],
  windowUs: number,
  maxOutliers: number,
  limit: number,
): Promise<Row[] | null> {
  const filter = filterOf(q);
  const span = filter ? await wholeWindows(store, q.range, windowUs) : null;
  if (!filter || !span) return null;
  return withKeptPairs(store, filter, windowUs, true, (kept) => {
    const s = keptScatterSql(kept, filter, span, feature, maxOutliers, limit);
    return store.all<Row>(s.sql, s.params);
  });
}

export function talkersFromKept(
  store: CaseReader,
  q: FlowQuery,
  order: string,
  limit: number,
): Promise<Omit<TopTalker, 'kind'>[] | null> {
  const filter = filterOf(q);
  if (!filter) return Promise.resolve(null);
  return withKeptPairs(store, filter, null, false, async (kept) => {
    const span = await wholeWindows(store, q.range, kept.windowUs);
    if (!span) return null;
    const s = keptTalkersSql(kept, filter, span, order, limit);
    return store.all<Omit<TopTalker, 'kind'>>(s.sql, s.params);
  }).then((r) => r ?? null);
}
