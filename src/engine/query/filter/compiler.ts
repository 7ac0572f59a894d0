// Filter AST -> bound SQL predicate over `flows`. Values are always positional parameters ($n,
// numbered from `offset + 1` like selectorToSql).
// Addresses: DuckDB compares the UHUGEINT columns some 30x slower than text (measured at 1M
// flows: 300-700 ms against 10 ms), so IPv4 addresses and octet-aligned IPv4 networks match on
// the canonical text (importers write dotted quads without leading zeros; ip4_num relies on the
// same); IPv6 and other prefixes fall back to the numeric columns, as decimal text cast to UHUGEINT. Leaves over nullable columns (ports, packets, label, ts_end) are wrapped so they
// are never NULL: `not port 22` must keep ICMP flows, which have no port.
import { geoPredicate, hostNamePredicate } from '../../context/context-predicates';
import type { SqlPredicate } from '../selector';
import { V4_MAPPED_BASE, bigIntToIp, isV4Mapped } from '../../util/ip';
import type { CmpOp, Dir, FilterNode, NumRange } from './ast';

const SQL_OP: Record<CmpOp, string> = {
  '=': '=',
  '!=': '<>',
  '>': '>',
  '>=': '>=',
  '<': '<',
  '<=': '<=',
};

export function compileFilter(node: FilterNode, offset = 0, alias = ''): SqlPredicate {
  const params: (string | number)[] = [];
  const col = (c: string) => (alias ? `${alias}.${c}` : c);
  const bind = (v: string | number) => {
    params.push(v);
    return `$${offset + params.length}`;
  };
  const sides = (dir: Dir, f: (side: 'src' | 'dst') => string): string =>
    dir === 'any' ? `(${f('src')} OR ${f('dst')})` : f(dir);
  const notNull = (sql: string) => `coalesce(${sql}, false)`;
  /** A predicate numbered on its own (from the next parameter), taken over whole. */
  const take = (p: SqlPredicate) => {
    params.push(...p.params);
    return p.sql;
  };

  const build = (n: FilterNode): string => {
    switch (n.kind) {
      case 'and':
        return `(${build(n.left)} AND ${build(n.right)})`;
      case 'or':
        return `(${build(n.left)} OR ${build(n.right)})`;
      case 'not':
        return `(NOT (${build(n.expr)}))`;
      case 'any':
        return 'true';
      case 'addr':
        return sides(n.dir, (side) =>
          addrSql(n.ranges, col(`${side}_ip`), col(`${side}_num`), bind),
        );
      case 'port':
        return sides(n.dir, (s) => {
          const c = col(`${s}_port`);
          const singles = n.ranges.filter((r) => r.lo === r.hi);
          const spans = n.ranges.filter((r) => r.lo !== r.hi);
          const parts: string[] = [];
          if (singles.length === 1) parts.push(`${c} = ${bind(singles[0].lo)}`);
          else if (singles.length > 1)
            parts.push(`${c} IN (${singles.map((r) => bind(r.lo)).join(', ')})`);
          for (const r of spans) parts.push(`${c} BETWEEN ${bind(r.lo)} AND ${bind(r.hi)}`);
          return notNull(parts.length === 1 ? parts[0] : parts.join(' OR '));
        });
      case 'port-cmp':
        return sides(n.dir, (s) => notNull(`${col(`${s}_port`)} ${SQL_OP[n.op]} ${bind(n.value)}`));
      case 'proto':
        return n.values.length === 1
          ? `${col('proto')} = ${bind(n.values[0])}`
          : `${col('proto')} IN (${n.values.map(bind).join(', ')})`;
      case 'state':
        return n.values.length === 1
          ? `${col('state')} = ${bind(n.values[0])}`
          : `${col('state')} IN (${n.values.map(bind).join(', ')})`;
      case 'import':
        return `${col('import_id')} IN (${n.values.map(bind).join(', ')})`;
      case 'bytes': {
        const e =
          n.dir === 'any' ? `(${col('src_bytes')} + ${col('dst_bytes')})` : col(`${n.dir}_bytes`);
        return `${e} ${SQL_OP[n.op]} ${bind(n.value)}`;
      }
      case 'packets': {
        const e =
          n.dir === 'any'
            ? `(coalesce(${col('src_pkts')}, 0) + coalesce(${col('dst_pkts')}, 0))`
            : `coalesce(${col(`${n.dir}_pkts`)}, 0)`;
        return `${e} ${SQL_OP[n.op]} ${bind(n.value)}`;
      }
      case 'duration':
        return `${durationMs(col)} ${SQL_OP[n.op]} ${bind(n.value)}`;
      case 'flags': {
        // flags live in the source's own state text (state_raw) where the format carries them
        const raw = col('state_raw');
        const seen = [...n.mask].map((f) => `contains(${raw}, ${bind(f)})`);
        // other protocols carry no TCP flags: none of them is set; TCP flows whose source kept
        // no flags (Zeek's S0, the seed's states) match neither way
        const tcp = `${col('proto')} = 'tcp'`;
        return n.mode === 'all'
          ? notNull(`(${tcp} AND ${FLAGS_TEXT(raw)} AND ${seen.join(' AND ')})`)
          : notNull(`(NOT ${tcp} OR (${FLAGS_TEXT(raw)} AND NOT (${seen.join(' OR ')})))`);
      }
      case 'rate':
        return notNull(`${RATE_SQL[n.what](col)} ${SQL_OP[n.op]} ${bind(n.value)}`);
      case 'time':
        return `${col('ts')} ${SQL_OP[n.op]} ${bind(n.value)}::TIMESTAMP`;
      case 'label': {
        const v = bind(n.value);
        if (n.op === '~') return notNull(`contains(lower(${col('label')}), lower(${v}))`);
        const eq = notNull(`lower(${col('label')}) = lower(${v})`);
        return n.op === '=' ? eq : `(NOT ${eq})`;
      }
      case 'host-kind':
        return sides(n.dir, (s) => {
          const c = col(`${s}_num`);
          return n.which === 'internal'
            ? `ip_internal(${c})`
            : `(ip_public(${c}) AND NOT ip_internal(${c}))`;
        });
      // address context: the case's geo_addrs and dns_names, by address (semi-joins DuckDB
      // runs as hash joins; the lookup tables hold one row per distinct address or name)
      case 'geo':
        return take(geoPredicate(n.dir, n.field, n.values, offset + params.length, alias));
      case 'host-name': {
        const parts = n.names.map((x) =>
          take(hostNamePredicate(n.dir, x.name, x.suffix, offset + params.length, alias)),
        );
        return parts.length === 1 ? parts[0] : `(${parts.join(' OR ')})`;
      }
    }
  };
  return { sql: `(${build(node)})`, params };
}

/** Milliseconds from ts to ts_end, truncated like nfdump's; 0 when the end is unknown. */
const durationMs = (col: (c: string) => string) =>
  `coalesce((epoch_us(${col('ts_end')}) - epoch_us(${col('ts')})) // 1000, 0)`;

/**
 * Whether the state text is a record of TCP flags: nfdump's fixed-width "...AP.SF" (8 places,
 * CWR and ECE first), or Argus's and the pcap reader's "SPA_FSPA" (each direction's flags). The
 * words some formats use instead (Zeek's S0, Argus's CON or RST) are not flags and never match.
 */
const FLAGS_TEXT = (raw: string) =>
  `(regexp_full_match(${raw}, '[CEUAPRSF.]{8}') OR regexp_full_match(${raw}, '[CEUAPRSF]*_[CEUAPRSF]*'))`;

/** nfdump's integer arithmetic (nftree.c): bytes and packets of the forward direction. */
const RATE_SQL: Record<'bpp' | 'bps' | 'pps', (col: (c: string) => string) => string> = {
  // packets unknown (formats without counts): no rate, so no comparison holds
  bpp: (col) =>
    `(CASE WHEN ${col('src_pkts')} > 0 THEN ${col('src_bytes')} // ${col('src_pkts')} WHEN ${col('src_pkts')} = 0 THEN 0 END)`,
  bps: (col) =>
    `(CASE WHEN ${durationMs(col)} > 0 THEN (8000 * ${col('src_bytes')}) // ${durationMs(col)} ELSE 0 END)`,
  pps: (col) =>
    `(CASE WHEN ${durationMs(col)} > 0 THEN (1000 * ${col('src_pkts')}) // ${durationMs(col)} ELSE ${col('src_pkts')} * 0 END)`,
};

/** Text prefix ('10.', '192.168.') when the range is an IPv4 /8, /16 or /24; else null. */
function v4OctetPrefix(r: NumRange): string | null {
  if (!isV4Mapped(r.lo) || !isV4Mapped(r.hi)) return null;
  const size = r.hi - r.lo + 1n;
  const octets = size === 1n << 24n ? 1 : size === 1n << 16n ? 2 : size === 1n << 8n ? 3 : 0;
  if (!octets || (r.lo - V4_MAPPED_BASE) % size !== 0n) return null;
  return bigIntToIp(r.lo).split('.').slice(0, octets).join('.') + '.';
}

function addrSql(
  ranges: NumRange[],
  textCol: string,
  numCol: string,
  bind: (v: string | number) => string,
): string {
  const texts: string[] = [];
  const parts: string[] = [];
  for (const r of ranges) {
    const prefix = v4OctetPrefix(r);
    if (r.lo === r.hi && isV4Mapped(r.lo)) texts.push(bigIntToIp(r.lo));
    else if (prefix) parts.push(`starts_with(${textCol}, ${bind(prefix)})`);
    else if (r.lo === r.hi) parts.push(`${numCol} = ${bind(r.lo.toString())}::UHUGEINT`);
    else
      parts.push(
        `${numCol} BETWEEN ${bind(r.lo.toString())}::UHUGEINT AND ${bind(r.hi.toString())}::UHUGEINT`,
      );
  }
  if (texts.length === 1) parts.unshift(`${textCol} = ${bind(texts[0])}`);
  else if (texts.length > 1) parts.unshift(`${textCol} IN (${texts.map(bind).join(', ')})`);
  return parts.length === 1 ? parts[0] : `(${parts.join(' OR ')})`;
}
