// A flows table on the server, seen as netsift's flow fields: for each field the SQL that yields
// netsift's value (same meaning and units as the case's flows table), built from the table's real
// column types (DESCRIBE). netsift's own table maps one to one; a mapped table (an Akvorado-like
// schema, mapping-file.ts) names its own columns and gets converting expressions. Column names
// reach SQL only after they were found in the table's DESCRIBE output (the allow-list).
import { NetsiftError } from '../../core/errors';
import { V4_MAPPED_BASE, bigIntToIp } from '../../util/ip';
import type { Binder } from './sql-params';
import type { Dialect } from '../dialect';
import { FLOW_COLUMNS, addrNumSql } from './server-schema';

export const FLOW_FIELDS = [
  'id',
  'import_id',
  'ts',
  'ts_end',
  'proto',
  'state',
  'state_raw',
  'src_ip',
  'src_port',
  'dst_ip',
  'dst_port',
  'src_bytes',
  'dst_bytes',
  'src_pkts',
  'dst_pkts',
  'label',
] as const;
export type FlowField = (typeof FLOW_FIELDS)[number];

export interface ColumnInfo {
  name: string;
  type: string;
}

export type CmpOp = '=' | '!=' | '>' | '>=' | '<' | '<=';

/** An address column: its canonical text, a sortable key, and a range test on the number. */
export interface AddrModel {
  text: string;
  /** True when `text` is a stored column (cheap equality and prefix tests, as in DuckDB). */
  storedText: boolean;
  sortKey: string;
  /** lo..hi inclusive, 128-bit numbers with IPv4 mapped into ::ffff:0:0/96. */
  inRange(lo: bigint, hi: bigint, b: Binder): string;
}

/** A time column: microseconds since the epoch, and comparisons the table's index can use. */
export interface TimeModel {
  us: string;
  compare(op: CmpOp, us: number, b: Binder): string;
}

export interface TableModel {
  table: string;
  /** netsift's own schema (imports go here); else a mapped, read-only table. */
  own: boolean;
  /** SQL per field, in netsift's units (times as microseconds, see time/timeEnd). */
  sql: Record<Exclude<FlowField, 'ts' | 'ts_end'>, string>;
  time: TimeModel;
  timeEnd: TimeModel | null;
  src: AddrModel;
  dst: AddrModel;
  /** Whether `id` is a real dense id (own table) or a hash of the row (mapped). */
  realIds: boolean;
}

/** The type without Nullable(...) / LowCardinality(...) wrappers. */
export function baseType(type: string): string {
  let t = type.trim();
  for (;;) {
    const m = /^(?:Nullable|LowCardinality)\((.*)\)$/.exec(t);
    if (!m) return t;
    t = m[1].trim();
  }
}

const INTEGER = /^U?Int(8|16|32|64)$/;
const NUMBER = /^(U?Int(8|16|32|64|128|256)|Float(32|64)|Decimal.*)$/;

export type TimeUnit = 's' | 'ms' | 'us';

function hex16(n: bigint): string {
  return n.toString(16).padStart(32, '0');
}

function timeModel(col: string, type: string, unit: TimeUnit | undefined): TimeModel {
  const t = baseType(type);
  if (/^DateTime64\(/.test(t))
    return {
      us: `toUnixTimestamp64Micro(${col})`,
      compare: (op, us, b) =>
        `${col} ${op === '!=' ? '<>' : op} fromUnixTimestamp64Micro(${b.int(us)})`,
    };
  if (/^DateTime(\(|$)/.test(t)) {
    // whole seconds: compare the column itself against the floor second (the index uses it),
    // then the exact microseconds
    const us = `(toInt64(toUInt32(${col})) * 1000000)`;
    return {
      us,
      compare: (op, v, b) => {
        const exact = `${us} ${op === '!=' ? '<>' : op} ${b.int(v)}`;
        const floorSec = Math.floor(v / 1e6);
        const coarseOp = op === '>' || op === '>=' ? '>=' : op === '<' || op === '<=' ? '<=' : op;
        if (op === '!=') return exact;
        return `(${col} ${coarseOp} toDateTime(${b.int(floorSec)}) AND ${exact})`;
      },
    };
  }
  if (INTEGER.test(t)) {
    const scale = { s: 1_000_000, ms: 1000, us: 1 }[unit ?? 'us'];
    if (scale === 1)
      return { us: col, compare: (op, v, b) => `${col} ${op === '!=' ? '<>' : op} ${b.int(v)}` };
    const us = `(toInt64(${col}) * ${scale})`;
    return {
      us,
      compare: (op, v, b) => {
        const exact = `${us} ${op === '!=' ? '<>' : op} ${b.int(v)}`;
        if (op === '!=') return exact;
        const coarseOp = op === '>' || op === '>=' ? '>=' : op === '<' || op === '<=' ? '<=' : op;
        return `(${col} ${coarseOp} ${b.int(Math.floor(v / scale))} AND ${exact})`;
      },
    };
  }
  throw new NetsiftError(
    `column ${col} (${type}) cannot be a time: use a DateTime, DateTime64 or integer column`,
    'usage',
  );
}

const V4_TEXT = (x: string) =>
  `replaceRegexpOne(${x}, '^::ffff:([0-9]+\\\\.[0-9]+\\\\.[0-9]+\\\\.[0-9]+)$', '\\\\1')`;

/** IPv4 part of a 128-bit range, or null when the range holds no IPv4-mapped address. */
function v4Part(lo: bigint, hi: bigint): [number, number] | null {
  const a = lo > V4_MAPPED_BASE ? lo : V4_MAPPED_BASE;
  const z = hi < V4_MAPPED_BASE + 0xffffffffn ? hi : V4_MAPPED_BASE + 0xffffffffn;
  return a > z ? null : [Number(a - V4_MAPPED_BASE), Number(z - V4_MAPPED_BASE)];
}

/** Address model for a column of this type; `num` is netsift's own FixedString(16) companion. */
function addrModel(col: string, type: string, num: string | null, d: Dialect): AddrModel {
  const t = baseType(type);
  const fixedRange = (expr: string) => (lo: bigint, hi: bigint, b: Binder) =>
    lo === hi
      ? `${expr} = unhex(${b.str(hex16(lo))})`
      : `${expr} BETWEEN unhex(${b.str(hex16(lo))}) AND unhex(${b.str(hex16(hi))})`;
  if (num) return { text: col, storedText: true, sortKey: num, inRange: fixedRange(num) };
  if (t === 'String') {
    const n = addrNumSql(d, col);
    return { text: col, storedText: true, sortKey: n, inRange: fixedRange(n) };
  }
  if (t === 'FixedString(16)')
    return {
      text: V4_TEXT(`IPv6NumToString(${col})`),
      storedText: false,
      sortKey: col,
      inRange: fixedRange(col),
    };
  if (t === 'IPv6')
    return {
      text: V4_TEXT(`IPv6NumToString(${col})`),
      storedText: false,
      sortKey: col,
      // toIPv6 reads text (an IPv4 text becomes its ::ffff: mapping)
      inRange: (lo, hi, b) =>
        lo === hi
          ? `${col} = toIPv6(${b.str(bigIntToIp(lo))})`
          : `${col} BETWEEN toIPv6(${b.str(bigIntToIp(lo))}) AND toIPv6(${b.str(bigIntToIp(hi))})`,
    };
  if (t === 'IPv4' || t === 'UInt32')
    return {
      text: `IPv4NumToString(toUInt32(${col}))`,
      storedText: false,
      sortKey: `toUInt32(${col})`,
      inRange: (lo, hi, b) => {
        const p = v4Part(lo, hi);
        if (!p) return '0';
        return p[0] === p[1]
          ? `toUInt32(${col}) = ${b.bind(p[0], 'UInt32')}`
          : `toUInt32(${col}) BETWEEN ${b.bind(p[0], 'UInt32')} AND ${b.bind(p[1], 'UInt32')}`;
      },
    };
  throw new NetsiftError(
    `column ${col} (${type}) cannot be an address: use String, IPv4, IPv6, UInt32 or FixedString(16)`,
    'usage',
  );
}

const PROTO_NAME = (x: string) =>
  `multiIf(${x} = 6, 'tcp', ${x} = 17, 'udp', ${x} = 1, 'icmp', ${x} = 58, 'icmp6', toString(${x}))`;

/** Mapping of netsift fields to the table's columns (null = the table has no such column). */
export type FieldMap = Partial<Record<FlowField, string | null>>;

export interface ModelOptions {
  table: string;
  dialect: Dialect;
  columns: ColumnInfo[];
  /** Absent: the table must be netsift's own schema. */
  mapping?: { fields: FieldMap; tsUnit?: TimeUnit };
}

/** Builds the model; throws naming the table and column when something does not fit. */
export function tableModel(opts: ModelOptions): TableModel {
  const types = new Map(opts.columns.map((c) => [c.name, c.type]));
  if (!opts.mapping) {
    const missing = FLOW_COLUMNS.filter((c) => !types.has(c));
    if (missing.length)
      throw new NetsiftError(
        `table ${opts.table} is not a netsift flows table (no column ${missing.join(', ')}); ` +
          `map its columns with --mapping FILE`,
        'usage',
      );
    const time = timeModel('ts', types.get('ts')!, 'us');
    return {
      table: opts.table,
      own: true,
      realIds: true,
      time,
      timeEnd: timeModel('ts_end', types.get('ts_end')!, 'us'),
      src: addrModel('src_ip', types.get('src_ip')!, 'src_num', opts.dialect),
      dst: addrModel('dst_ip', types.get('dst_ip')!, 'dst_num', opts.dialect),
      sql: {
        id: 'id',
        import_id: 'import_id',
        proto: 'proto',
        state: 'state',
        state_raw: 'coalesce(state_raw, state)',
        src_ip: 'src_ip',
        dst_ip: 'dst_ip',
        src_port: 'src_port',
        dst_port: 'dst_port',
        src_bytes: 'src_bytes',
        dst_bytes: 'dst_bytes',
        src_pkts: 'src_pkts',
        dst_pkts: 'dst_pkts',
        label: 'label',
      },
    };
  }
  const f = opts.mapping.fields;
  const col = (field: FlowField): string | null => {
    const name = f[field];
    if (name === undefined || name === null) return null;
    if (!types.has(name))
      throw new NetsiftError(
        `mapping: ${field} -> ${name}: table ${opts.table} has no column ${name} (it has ${[...types.keys()].join(', ')})`,
        'usage',
      );
    return name;
  };
  const need = (field: FlowField): string => {
    const c = col(field);
    if (!c) throw new NetsiftError(`mapping: ${field} is required (name its column)`, 'usage');
    return c;
  };
  const q = (c: string) => `\`${c}\``; // checked against DESCRIBE above
  const typeOf = (c: string) => baseType(types.get(c)!);
  const num = (field: FlowField, fallback: string) => {
    const c = col(field);
    if (!c) return fallback;
    if (!NUMBER.test(typeOf(c)))
      throw new NetsiftError(
        `mapping: ${field} -> ${c} (${types.get(c)}) is not a number`,
        'usage',
      );
    return `toInt64(${q(c)})`;
  };
  const port = (field: FlowField) => {
    const c = col(field);
    return c ? `toInt32(${q(c)})` : 'CAST(NULL AS Nullable(Int32))';
  };
  const text = (field: FlowField, fallback: string) => {
    const c = col(field);
    return c ? `toString(${q(c)})` : fallback;
  };
  const tsCol = need('ts');
  const tsEndCol = col('ts_end');
  const src = addrModel(q(need('src_ip')), types.get(f.src_ip!)!, null, opts.dialect);
  const dst = addrModel(q(need('dst_ip')), types.get(f.dst_ip!)!, null, opts.dialect);
  const time = timeModel(q(tsCol), types.get(tsCol)!, opts.mapping.tsUnit);
  const protoCol = col('proto');
  const proto = !protoCol
    ? "'unknown'"
    : NUMBER.test(typeOf(protoCol))
      ? PROTO_NAME(q(protoCol))
      : `lower(toString(${q(protoCol)}))`;
  const idCol = col('id');
  return {
    table: opts.table,
    own: false,
    realIds: !!idCol,
    time,
    timeEnd: tsEndCol ? timeModel(q(tsEndCol), types.get(tsEndCol)!, opts.mapping.tsUnit) : null,
    src,
    dst,
    sql: {
      // no id column: a 53-bit hash of the row, stable across queries (exact in a JS number)
      id: idCol
        ? `toInt64(${q(idCol)})`
        : `toInt64(bitAnd(cityHash64(${time.us}, ${src.text}, ${dst.text}${col('src_port') ? `, ${q(col('src_port')!)}` : ''}${col('dst_port') ? `, ${q(col('dst_port')!)}` : ''}), 9007199254740991))`,
      import_id: num('import_id', 'toInt64(0)'),
      proto,
      state: text('state', "'other'"),
      state_raw: text('state', "'other'"),
      src_ip: src.text,
      dst_ip: dst.text,
      src_port: port('src_port'),
      dst_port: port('dst_port'),
      src_bytes: num('src_bytes', 'toInt64(0)'),
      dst_bytes: num('dst_bytes', 'toInt64(0)'),
      src_pkts: col('src_pkts') ? num('src_pkts', '') : 'CAST(NULL AS Nullable(Int64))',
      dst_pkts: col('dst_pkts') ? num('dst_pkts', '') : 'CAST(NULL AS Nullable(Int64))',
      label: col('label') ? `toString(${q(col('label')!)})` : 'CAST(NULL AS Nullable(String))',
    },
  };
}
