// The charts a view's kept pair-windows answer (kept-pairs.ts), for a filter, an incident's
// evidence or both: the pair scatter, which keeps them (its first answer costs about what it
// cost before, every later one, of any feature or brushed range, a fraction), and top talkers and
// destination ports, which read them once kept. Null: not for this query (the whole capture,
// which the detection rollup answers; a range without a whole window; not kept): the caller
// asks the flows.
import type { PairScatter, PortBucket, TopTalker } from '../../../shared/query';
import type { CaseReader } from '../../store/case-reader';
import { wholeWindows } from '../rollup/rollup-span';
import type { FlowQuery } from '../../../shared/query';
import { withKeptPairs, type KeptPairs, type KeptSelection } from './kept-pairs';
import {
  keptPortsSql,
  keptScatterSql,
  keptTalkersSql,
  type Span,
  type Sql,
} from './kept-pairs-sql';

/** The view's selection without its range; null for the whole capture (the rollup's). */
const selectionOf = (q: FlowQuery): KeptSelection | null =>
  q.filter?.trim() || q.selector ? { filter: q.filter, selector: q.selector } : null;

export async function scatterFromKept<Row>(
  store: CaseReader,
  q: FlowQuery,
  feature: PairScatter['feature'],
  windowUs: number,
  maxOutliers: number,
  limit: number,
): Promise<Row[] | null> {
  const sel = selectionOf(q);
  const span = sel ? await wholeWindows(store, q.range, windowUs) : null;
  if (!sel || !span) return null;
  return withKeptPairs(store, sel, windowUs, true, (kept) => {
    const s = keptScatterSql(kept, sel, span, feature, maxOutliers, limit);
    return store.all<Row>(s.sql, s.params);
  });
}

/** A chart read from the selection's kept aggregates once they are kept (it never keeps them). */
function readKept<Row>(
  store: CaseReader,
  q: FlowQuery,
  statement: (kept: KeptPairs, sel: KeptSelection, span: Span) => Sql,
): Promise<Row[] | null> {
  const sel = selectionOf(q);
  if (!sel) return Promise.resolve(null);
  return withKeptPairs(store, sel, null, false, async (kept) => {
    const span = await wholeWindows(store, q.range, kept.windowUs);
    if (!span) return null;
    const s = statement(kept, sel, span);
    return store.all<Row>(s.sql, s.params);
  }).then((r) => r ?? null);
}

export function talkersFromKept(
  store: CaseReader,
  q: FlowQuery,
  order: string,
  limit: number,
): Promise<Omit<TopTalker, 'kind'>[] | null> {
  return readKept(store, q, (kept, sel, span) => keptTalkersSql(kept, sel, span, order, limit));
}

export function portsFromKept(
  store: CaseReader,
  q: FlowQuery,
  order: string,
  limit: number,
): Promise<Omit<PortBucket, 'service'>[] | null> {
  return readKept(store, q, (kept, sel, span) => keptPortsSql(kept, sel, span, order, limit));
}
