// FlowQuery (filter text + evidence selector + brushed range) -> one ClickHouse predicate over a
// table model, values bound through the Binder. The same meaning as the DuckDB side
// (src/engine/query/where.ts, selector.ts, filter/compiler.ts), leaf by leaf: nullable columns are
// wrapped so a leaf is never NULL (`not port 22` keeps ICMP flows), IPv4 addresses and octet
// networks compare the stored text where the table has it, everything else the numbers.
import type { FlowSelector } from '../../../shared/model';
import type { FlowQuery } from '../../../shared/query';
import type { CmpOp as FilterOp, FilterNode, NumRange } from '../../query/filter/ast';
import { parseFilter } from '../../query/filter/parser';
import { NetsiftError } from '../../core/errors';
import {
  SPECIAL_RANGES,
  V4_MAPPED_BASE,
  bigIntToIp,
  ipToBigInt,
  isV4Mapped,
  parseCidr,
  type IpRange,
} from '../../util/ip';
import type { Dialect } from '../dialect';
import type { Binder } from './sql-params';
import type { AddrModel, TableModel } from './table-model';
import { timeTextToUs } from './time-text';

export interface WhereContext {
  model: TableModel;
  dialect: Dialect;
  /** The analyst's internal networks (from the local case). */
  internal: IpRange[];
}

const OP: Record<FilterOp, string> = {
  '=': '=',
  '!=': '<>',
  '>': '>',
  '>=': '>=',
  '<': '<',
  '<=': '<=',
};
const special = SPECIAL_RANGES.map((s) => parseCidr(s.cidr)!);

/** Never NULL: a comparison over a nullable column counts as false, as coalesce(x, false). */
const notNull = (sql: string) => `ifNull(${sql}, 0)`;

function v4OctetPrefix(r: NumRange): string | null {
  if (!isV4Mapped(r.lo) || !isV4Mapped(r.hi)) return null;
  const size = r.hi - r.lo + 1n;
  const octets = size === 1n << 24n ? 1 : size === 1n << 16n ? 2 : size === 1n << 8n ? 3 : 0;
  if (!octets || (r.lo - V4_MAPPED_BASE) % size !== 0n) return null;
  return bigIntToIp(r.lo).split('.').slice(0, octets).join('.') + '.';
}

function addrSql(ranges: NumRange[], a: AddrModel, d: Dialect, b: Binder): string {
  const texts: string[] = [];
  const parts: string[] = [];
  for (const r of ranges) {
    const prefix = a.storedText ? v4OctetPrefix(r) : null;
    if (a.storedText && r.lo === r.hi && isV4Mapped(r.lo)) texts.push(bigIntToIp(r.lo));
    else if (prefix) parts.push(d.startsWith(a.text, b.str(prefix)));
    else parts.push(a.inRange(r.lo, r.hi, b));
  }
  if (texts.length === 1) parts.unshift(`${a.text} = ${b.str(texts[0])}`);
  else if (texts.length > 1)
    parts.unshift(`${a.text} IN (${texts.map((t) => b.str(t)).join(', ')})`);
  return parts.length === 1 ? parts[0] : `(${parts.join(' OR ')})`;
}

function anyRange(ranges: IpRange[], a: AddrModel, b: Binder): string {
  return ranges.length ? `(${ranges.map((r) => a.inRange(r.lo, r.hi, b)).join(' OR ')})` : '0';
}

export function compileFilterCh(node: FilterNode, ctx: WhereContext, b: Binder): string {
  const { model: m, dialect: d } = ctx;
  const addr = (side: 'src' | 'dst') => (side === 'src' ? m.src : m.dst);
  const sides = (dir: 'src' | 'dst' | 'any', f: (s: 'src' | 'dst') => string) =>
    dir === 'any' ? `(${f('src')} OR ${f('dst')})` : f(dir);
  const list = (col: string, vals: (string | number)[], bind: (v: string | number) => string) =>
    vals.length === 1 ? `${col} = ${bind(vals[0])}` : `${col} IN (${vals.map(bind).join(', ')})`;
  const num = (v: number) => (Number.isInteger(v) ? b.int(v) : b.float(v));
  const durationMs = () =>
    m.timeEnd ? `intDiv(ifNull(${m.timeEnd.us} - ${m.time.us}, 0), 1000)` : '0';

  const build = (n: FilterNode): string => {
    switch (n.kind) {
      case 'and':
        return `(${build(n.left)} AND ${build(n.right)})`;
      case 'or':
        return `(${build(n.left)} OR ${build(n.right)})`;
      case 'not':
        return `(NOT (${build(n.expr)}))`;
      case 'any':
        return '1';
      case 'addr':
        return sides(n.dir, (s) => addrSql(n.ranges, addr(s), d, b));
      case 'port':
        return sides(n.dir, (s) => {
          const c = m.sql[`${s}_port`];
          const singles = n.ranges.filter((r) => r.lo === r.hi);
          const spans = n.ranges.filter((r) => r.lo !== r.hi);
          const parts: string[] = [];
          if (singles.length)
            parts.push(
              list(
                c,
                singles.map((r) => r.lo),
                (v) => b.int(v as number),
              ),
            );
          for (const r of spans) parts.push(`${c} BETWEEN ${b.int(r.lo)} AND ${b.int(r.hi)}`);
          return notNull(parts.length === 1 ? parts[0] : parts.join(' OR '));
        });
      case 'port-cmp':
        return sides(n.dir, (s) => notNull(`${m.sql[`${s}_port`]} ${OP[n.op]} ${b.int(n.value)}`));
      case 'proto':
        return list(m.sql.proto, n.values, (v) => b.str(v as string));
      case 'state':
        return list(m.sql.state, n.values, (v) => b.str(v as string));
      case 'import':
        return `${m.sql.import_id} IN (${n.values.map((v) => b.int(v)).join(', ')})`;
      case 'bytes': {
        const e =
          n.dir === 'any' ? `(${m.sql.src_bytes} + ${m.sql.dst_bytes})` : m.sql[`${n.dir}_bytes`];
        return `${e} ${OP[n.op]} ${num(n.value)}`;
      }
      case 'packets': {
        const e =
          n.dir === 'any'
            ? `(ifNull(${m.sql.src_pkts}, 0) + ifNull(${m.sql.dst_pkts}, 0))`
            : `ifNull(${m.sql[`${n.dir}_pkts`]}, 0)`;
        return `${e} ${OP[n.op]} ${num(n.value)}`;
      }
      case 'duration':
        // milliseconds, truncated as nfdump does (src/engine/query/filter/compiler.ts)
        return `${durationMs()} ${OP[n.op]} ${num(n.value)}`;
      case 'flags': {
        // flags live in the source's own state text where the format carries them (as in DuckDB)
        const raw = m.sql.state_raw;
        const seen = [...n.mask].map((f) => `position(${raw}, ${b.str(f)}) > 0`);
        const tcp = `${m.sql.proto} = 'tcp'`;
        const flagsText = `(match(${raw}, '^[CEUAPRSF.]{8}$') OR match(${raw}, '^[CEUAPRSF]*_[CEUAPRSF]*$'))`;
        return n.mode === 'all'
          ? notNull(`(${tcp} AND ${flagsText} AND ${seen.join(' AND ')})`)
          : notNull(`(NOT ${tcp} OR (${flagsText} AND NOT (${seen.join(' OR ')})))`);
      }
      case 'rate': {
        // nfdump's integer arithmetic over the forward direction; unknown packets: no rate.
        // ClickHouse evaluates both branches of if(): the divisions must not throw on zero
        const bytes = m.sql.src_bytes;
        const pkts = m.sql.src_pkts;
        const ms = durationMs();
        const e =
          n.what === 'bpp'
            ? `multiIf(${pkts} > 0, intDivOrZero(${bytes}, ${pkts}), ${pkts} = 0, 0, NULL)`
            : n.what === 'bps'
              ? `if(${ms} > 0, intDivOrZero(8000 * ${bytes}, ${ms}), 0)`
              : `if(${ms} > 0, intDivOrZero(1000 * ${pkts}, ${ms}), ${pkts} * 0)`;
        return notNull(`${e} ${OP[n.op]} ${num(n.value)}`);
      }
      case 'time':
        return m.time.compare(n.op, timeTextToUs(n.value), b);
      case 'label': {
        const v = b.str(n.value);
        if (n.op === '~') return notNull(d.containsCi(m.sql.label, v));
        const eq = notNull(`lowerUTF8(${m.sql.label}) = lowerUTF8(${v})`);
        return n.op === '=' ? eq : `(NOT ${eq})`;
      }
      case 'host-kind':
        return sides(n.dir, (s) =>
          n.which === 'internal'
            ? anyRange(ctx.internal, addr(s), b)
            : `(NOT ${anyRange(special, addr(s), b)} AND NOT ${anyRange(ctx.internal, addr(s), b)})`,
        );
      case 'geo':
      case 'host-name':
        // country/AS and names live in the local case (geo_addrs, dns_names), not on the server
        throw new NetsiftError(
          `the filter terms 'as', 'country' and 'host name' are not available on a ClickHouse store: country, AS and names are in the local case only (filter by ip or net instead)`,
          'usage',
        );
      default:
        throw new NetsiftError(
          `the filter term '${(n as { kind: string }).kind}' is not available on a ClickHouse store yet`,
          'usage',
        );
    }
  };
  return `(${build(node)})`;
}

export function selectorCh(sel: FlowSelector, ctx: WhereContext, b: Binder): string {
  const m = ctx.model;
  const ips = (a: AddrModel, vals: string[]) => {
    if (a.storedText) return `${a.text} IN (${vals.map((v) => b.str(v)).join(', ')})`;
    const nums = vals.map((v) => ipToBigInt(v));
    // an address the parser refuses matches nothing, as text equality would
    const parts = nums.filter((n): n is bigint => n !== null).map((n) => a.inRange(n, n, b));
    return parts.length ? `(${parts.join(' OR ')})` : '0';
  };
  const inList = (col: string, vals: (string | number)[], str: boolean) =>
    `${col} IN (${vals.map((v) => (str ? b.str(String(v)) : b.int(v as number))).join(', ')})`;
  const build = (s: FlowSelector): string => {
    const parts: string[] = [];
    if (s.from) parts.push(m.time.compare('>=', timeTextToUs(s.from), b));
    if (s.to) parts.push(m.time.compare('<', timeTextToUs(s.to), b));
    if (s.srcIps?.length) parts.push(ips(m.src, s.srcIps));
    if (s.dstIps?.length) parts.push(ips(m.dst, s.dstIps));
    if (s.anyIps?.length) parts.push(`(${ips(m.src, s.anyIps)} OR ${ips(m.dst, s.anyIps)})`);
    if (s.srcPorts?.length) parts.push(inList(m.sql.src_port, s.srcPorts, false));
    if (s.dstPorts?.length) parts.push(inList(m.sql.dst_port, s.dstPorts, false));
    if (s.protos?.length) parts.push(inList(m.sql.proto, s.protos, true));
    if (s.states?.length) parts.push(inList(m.sql.state, s.states, true));
    if (s.importIds?.length) parts.push(inList(m.sql.import_id, s.importIds, false));
    if (s.zeroBytes) parts.push(`${m.sql.src_bytes} = 0 AND ${m.sql.dst_bytes} = 0`);
    if (s.anyOf?.length) parts.push(`(${s.anyOf.map((x) => `(${build(x)})`).join(' OR ')})`);
    return parts.length ? parts.join(' AND ') : '1';
  };
  return `(${build(sel)})`;
}

/** The whole WHERE predicate of a request ('1' when it selects every flow). */
export function flowWhereCh(q: FlowQuery, ctx: WhereContext, b: Binder): string {
  const parts: string[] = [];
  if (q.filter && q.filter.trim()) {
    const node = parseFilter(q.filter);
    if (node.kind !== 'any') parts.push(compileFilterCh(node, ctx, b));
  }
  if (q.selector) {
    const s = selectorCh(q.selector, ctx, b);
    if (s !== '(1)') parts.push(s);
  }
  if (q.range) parts.push(selectorCh({ from: q.range.from, to: q.range.to }, ctx, b));
  return parts.length ? parts.join(' AND ') : '1';
}
