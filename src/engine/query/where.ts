// FlowQuery (filter text + evidence selector + brushed range) -> one bound WHERE predicate.
import type { FlowQuery } from '../../shared/query';
import { compileFilter } from './filter/compiler';
import { parseFilter } from './filter/parser';
import { selectorToSql, type SqlPredicate } from './selector';

/** Parameters are numbered from `offset + 1`; `alias` prefixes column names. Throws FilterError. */
export function flowWhere(q: FlowQuery, offset = 0, alias = ''): SqlPredicate {
  const parts: string[] = [];
  const params: (string | number)[] = [];
  const add = (p: SqlPredicate) => {
    if (p.sql === '(true)') return;
    parts.push(p.sql);
    params.push(...p.params);
  };
  if (q.filter && q.filter.trim())
    add(compileFilter(parseFilter(q.filter), offset + params.length, alias));
  if (q.selector) add(selectorToSql(q.selector, offset + params.length, alias));
  if (q.range)
    add(selectorToSql({ from: q.range.from, to: q.range.to }, offset + params.length, alias));
  return { sql: parts.length ? parts.join(' AND ') : 'true', params };
}

/** True when the query selects every flow (lets callers take the fast paths). */
export function isUnfiltered(q: FlowQuery): boolean {
  return flowWhere(q).sql === 'true';
}

/** A stable key for caching results of the same selection. */
export function queryKey(q: FlowQuery): string {
  return JSON.stringify([q.filter?.trim() ?? '', q.selector ?? null, q.range ?? null]);
}
