// FlowSelector -> a predicate over the flows written once for both engines (named binds, the
// dialect's time parameter), for statements that run through a FlowSql: the evidence counts of a
// detection run and of detectors. The case's own queries keep query/selector.ts.
import type { FlowSelector } from '../../shared/model';
import { selectorPredicate } from '../query/selector-predicate';
import type { DetectDialect } from './dialect-detect';
import type { Binds } from './flow-sql';

/**
 * `(...)` for a WHERE clause and its binds, named `${prefix}0`, `${prefix}1`, ... so that several
 * predicates (or a statement's own binds) can share one statement. `alias` qualifies columns.
 */
export function selectorWhere(
  d: DetectDialect,
  sel: FlowSelector,
  prefix = 'sel',
  alias = '',
): { sql: string; binds: Binds } {
  const binds: Binds = {};
  let n = 0;
  const sql = selectorPredicate(sel, {
    col: (c) => (alias ? `${alias}.${c}` : c),
    bind: (v) => {
      const name = `${prefix}${n++}`;
      binds[name] = v;
      return `$${name}`;
    },
    ts: (p) => d.tsParam(p),
  });
  return { sql, binds };
}
