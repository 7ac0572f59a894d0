// FlowSelector -> bound SQL predicate over `flows` with positional binds (selector-predicate.ts writes it).
import type { FlowSelector } from '../../shared/model';
import { selectorPredicate } from './selector-predicate';

export interface SqlPredicate {
  sql: string;
  params: (string | number)[];
}

/**
 * Builds `(...)` for a WHERE clause. Parameters are positional `$n`, numbered from `offset + 1`
 * so the predicate can be combined with other bound clauses.
 */
export function selectorToSql(sel: FlowSelector, offset = 0, alias = ''): SqlPredicate {
  const params: (string | number)[] = [];
  const sql = selectorPredicate(sel, {
    col: (c) => (alias ? `${alias}.${c}` : c),
    bind: (v) => {
      params.push(v);
      return `$${offset + params.length}`;
    },
    ts: (p) => `${p}::TIMESTAMP`,
  });
  return { sql, params };
}
