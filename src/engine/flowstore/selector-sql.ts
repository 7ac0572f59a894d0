// FlowSelector -> a predicate over the flows written once for both engines (named binds, the
// dialect's time parameter), for statements that run through a FlowSql: the evidence counts of a
// detection run and of detectors. The case's own queries keep query/selector.ts.
import type { FlowSelector } from '../../shared/model';
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
  const col = (c: string) => (alias ? `${alias}.${c}` : c);
  const bind = (v: string | number) => {
    const name = `${prefix}${n++}`;
    binds[name] = v;
    return `$${name}`;
  };
  const inList = (c: string, vals: (string | number)[]) =>
    `${col(c)} IN (${vals.map(bind).join(', ')})`;
  const build = (s: FlowSelector): string => {
    const parts: string[] = [];
    if (s.from) parts.push(`${col('ts')} >= ${d.tsParam(bind(s.from))}`);
    if (s.to) parts.push(`${col('ts')} < ${d.tsParam(bind(s.to))}`);
    if (s.srcIps?.length) parts.push(inList('src_ip', s.srcIps));
    if (s.dstIps?.length) parts.push(inList('dst_ip', s.dstIps));
    if (s.anyIps?.length)
      parts.push(`(${inList('src_ip', s.anyIps)} OR ${inList('dst_ip', s.anyIps)})`);
    if (s.srcPorts?.length) parts.push(inList('src_port', s.srcPorts));
    if (s.dstPorts?.length) parts.push(inList('dst_port', s.dstPorts));
    if (s.protos?.length) parts.push(inList('proto', s.protos));
    if (s.states?.length) parts.push(inList('state', s.states));
    if (s.importIds?.length) parts.push(inList('import_id', s.importIds));
    if (s.zeroBytes) parts.push(`${col('src_bytes')} = 0 AND ${col('dst_bytes')} = 0`);
    if (s.anyOf?.length) parts.push(`(${s.anyOf.map((x) => `(${build(x)})`).join(' OR ')})`);
    return parts.length ? parts.join(' AND ') : 'true';
  };
  return { sql: `(${build(sel)})`, binds };
}
