// The filter language: text -> AST -> bound SQL. See parser.ts for the grammar.
import type { FilterCheck } from '../../../shared/query';
import { compileFilter } from './compiler';
import { FilterError } from './filter-error';
import { parseFilter } from './parser';
import type { SqlPredicate } from '../selector';

export { compileFilter } from './compiler';
export { FilterError } from './filter-error';
export { parseFilter, FILTER_KEYWORDS } from './parser';
export type { FilterNode } from './ast';

/** Parses and compiles in one step; throws FilterError on bad input. */
export function filterToSql(text: string, offset = 0, alias = ''): SqlPredicate {
  return compileFilter(parseFilter(text), offset, alias);
}

/** For the filter bar: is this expression valid, and if not, where is it wrong. */
export function checkFilter(text: string): FilterCheck {
  try {
    parseFilter(text);
    return { ok: true };
  } catch (e) {
    if (e instanceof FilterError) return { ok: false, error: e.toInfo() };
    throw e;
  }
}
