// FlowSelector -> the text of a WHERE predicate, with the bind style left to the caller: the one
// place evidence becomes SQL, shared by the case's positional queries (selector.ts) and the
// named, dialect-neutral statements of detection (flowstore/selector-sql.ts).
import type { FlowSelector } from '../../shared/model';

export interface PredicateStyle {
  /** A column, qualified as the statement needs. */
  col(c: string): string;
  /** A value's placeholder (the caller records the value). */
  bind(v: string | number): string;
  /** A time placeholder as a TIMESTAMP expression of the engine. */
  ts(placeholder: string): string;
}

export function selectorPredicate(sel: FlowSelector, style: PredicateStyle): string {
  const { col, bind } = style;
  const inList = (c: string, vals: (string | number)[]) =>
    `${col(c)} IN (${vals.map(bind).join(', ')})`;
  const build = (s: FlowSelector): string => {
    const parts: string[] = [];
    if (s.from) parts.push(`${col('ts')} >= ${style.ts(bind(s.from))}`);
    if (s.to) parts.push(`${col('ts')} < ${style.ts(bind(s.to))}`);
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
  return `(${build(sel)})`;
}
