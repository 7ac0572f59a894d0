// FlowSelector -> bound SQL predicate over `flows`. The one place evidence becomes SQL.
import type { FlowSelector } from '../../shared/model';

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
  const col = (c: string) => (alias ? `${alias}.${c}` : c);
  const bind = (v: string | number) => {
    params.push(v);
    return `$${offset + params.length}`;
  };
  const inList = (c: string, vals: (string | number)[]) =>
    `${col(c)} IN (${vals.map(bind).join(', ')})`;
  const build = (s: FlowSelector): string => {
    const parts: string[] = [];
    if (s.from) parts.push(`${col('ts')} >= ${bind(s.from)}::TIMESTAMP`);
    if (s.to) parts.push(`${col('ts')} < ${bind(s.to)}::TIMESTAMP`);
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
  return { sql: `(${build(sel)})`, params };
}
