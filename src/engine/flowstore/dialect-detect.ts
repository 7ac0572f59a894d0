// The detectors' half of the dialect layer: the SQL pieces that differ between DuckDB and a
// current ClickHouse (22.3+, tested on chdb's 26.x engine) in what the detectors write. Everything
// else in a detector's statement is SQL both engines read alike (CTEs, GROUP BY ALL, FILTER,
// SEMI/ANTI JOIN, window functions, `x::BIGINT` casts of expressions, USING joins), checked by
// running every detector on both (tests/clickhouse/detect-parity.test.ts) and every piece here on
// both (tests/clickhouse/dialect-detect.test.ts).
//
// What the ClickHouse session must be set to for that to hold (clickhouse-flow-sql.ts sets it):
// join_use_nulls (an unmatched LEFT JOIN side is NULL, not 0), aggregate_functions_null_for_empty
// (min/sum over no rows is NULL), prefer_column_name_to_alias (`SELECT min(ts) AS ts ... WHERE ts`
// reads the column, as SQL does), union_default_mode DISTINCT.
//
// Not for ClickHouse 18.x: it has no window functions; detection on such a server is refused.
import { NON_HOST_RANGES, V4_MAPPED_BASE, parseCidr } from '../util/ip';
import { CLICKHOUSE, DUCKDB, type Dialect } from './dialect';

/** A sort key of an ordered list: an expression and its direction. */
export interface ListOrder {
  expr: string;
  desc?: boolean;
}

export interface ListAggOptions {
  distinct?: boolean;
  /** Sort keys; a DESC key must be numeric on ClickHouse (it is negated). */
  orderBy?: ListOrder[];
  /** Only the rows where this holds (an aggregate FILTER). */
  where?: string;
}

export interface DetectDialect extends Dialect {
  /** Seconds since the epoch of a timestamp, as a double. */
  epoch(ts: string): string;
  /** Microseconds since the epoch of a timestamp, as a 64-bit integer. */
  epochUs(ts: string): string;
  /** The timestamp `us` microseconds after the epoch (UTC). */
  tsFromUs(us: string): string;
  /** A bound ISO 8601 text (`$name`) as a timestamp. */
  tsParam(bind: string): string;
  /** A timestamp one microsecond later (evidence ends are exclusive). */
  plusMicro(ts: string): string;
  /** ISO 8601 text with microseconds and Z (rows otherwise carry milliseconds). */
  isoUs(ts: string): string;
  /** Any value of the group (the group's rows all hold the same one). */
  anyValue(x: string): string;
  boolAnd(cond: string): string;
  boolOr(cond: string): string;
  /** `a` of the row with the largest `b` (callers make `b` unique: ties differ per engine). */
  argMax(a: string, b: string): string;
  /** quantileCont at 0.5 (DuckDB's median; ClickHouse's median samples). */
  median(x: string): string;
  /**
   * Several R-7 quantiles at once, as a list (1-based). Over no values DuckDB gives NULL, ClickHouse
   * (no nullable lists) a list of NULLs: read items, never the list itself.
   */
  quantilesCont(x: string, ps: number[]): string;
  /** The group's values as a list (NULLs kept, as DuckDB's list), optionally distinct and sorted. */
  listAgg(x: string, opts?: ListAggOptions): string;
  /** The first `n` items of a list (`n` SQL: a number or a bind). */
  listHead(list: string, n: string): string;
  /** The previous row's value in the window (NULL on its first row): use with OVER (...). */
  lag(x: string): string;
  /** `* EXCLUDE (a, b)`'s clause: EXCLUDE / EXCEPT. */
  exclude(cols: string[]): string;
  /** A CTE's hint that it is a view, not a copy (DuckDB); nothing on ClickHouse. */
  readonly notMaterialized: string;
  /**
   * Whether the engine keeps a CTE read twice instead of evaluating it again (DuckDB does;
   * ClickHouse inlines it: detect/staged.ts then runs such steps as temp tables).
   */
  readonly materializesCtes: boolean;
  contains(s: string, needle: string): string;
  /** The i-th (1-based) field of `s` split at `sep`; '' past the end. */
  splitPart(s: string, sep: string, i: number): string;
  /** The character at 1-based position i ('' past the end). */
  charAt(s: string, i: number): string;
  /** Whether the whole of `s` matches the regular expression (a literal from our code). */
  regexFull(s: string, re: string): string;
  /** A dotted quad's 32-bit value (BIGINT), NULL for any other text. */
  ipv4Value(text: string): string;
  /** One row per integer in [lo, hi) (a SELECT list item). */
  unnestRange(lo: string, hi: string): string;
  /** An address number (the flows' src_num/dst_num) as a literal of the same type. */
  num(n: bigint): string;
  /** An address number as an unsigned 128-bit integer (for shifts and text). */
  numInt(num: string): string;
  /** A 128-bit integer literal. */
  int128(n: bigint): string;
  shiftRight(x: string, bits: number): string;
  /** A 128-bit integer as decimal text. */
  int128Text(x: string): string;
  /**
   * The class of an address number: 'non-host', 'internal' or 'external' (the one rule of
   * util/ip.ts addressClass; DuckDB's macro ip_class, ClickHouse's built from the same lists).
   */
  ipClass(num: string): string;
}

/** The DuckDB pieces (the case file; ip_class is the connection's macro). */
export const DUCKDB_DETECT: DetectDialect = {
  ...DUCKDB,
  epoch: (ts) => `epoch(${ts})`,
  epochUs: (ts) => `epoch_us(${ts})`,
  tsFromUs: (us) => `make_timestamp((${us})::BIGINT)`,
  tsParam: (b) => `${b}::TIMESTAMP`,
  plusMicro: (ts) => `(${ts} + INTERVAL 1 MICROSECOND)`,
  isoUs: (ts) => `strftime(${ts}, '%Y-%m-%dT%H:%M:%S.%fZ')`,
  anyValue: (x) => `any_value(${x})`,
  boolAnd: (c) => `bool_and(${c})`,
  boolOr: (c) => `bool_or(${c})`,
  argMax: (a, b) => `arg_max(${a}, ${b})`,
  median: (x) => `quantile_cont(${x}, 0.5)`,
  quantilesCont: (x, ps) => `quantile_cont(${x}, [${ps.map(checkP).join(', ')}])`,
  listAgg: (x, o = {}) => {
    const order = o.orderBy?.length
      ? ` ORDER BY ${o.orderBy.map((k) => `${k.expr}${k.desc ? ' DESC' : ''}`).join(', ')}`
      : '';
    const filter = o.where ? ` FILTER (WHERE ${o.where})` : '';
    return `list(${o.distinct ? 'DISTINCT ' : ''}${x}${order})${filter}`;
  },
  listHead: (l, n) => `(${l})[1:${n}]`,
  lag: (x) => `lag(${x})`,
  exclude: (cols) => `EXCLUDE (${cols.join(', ')})`,
  notMaterialized: 'NOT MATERIALIZED',
  materializesCtes: true,
  contains: (s, n) => `contains(${s}, ${n})`,
  splitPart: (s, sep, i) => `split_part(${s}, ${sep}, ${i})`,
  charAt: (s, i) => `substring(${s}, ${i}, 1)`,
  regexFull: (s, re) => `regexp_full_match(${s}, ${re})`,
  ipv4Value: (t) =>
    `CASE WHEN NOT contains(${t}, ':') THEN list_reduce(list_transform(string_split(${t}, '.'), ` +
    `x -> TRY_CAST(x AS BIGINT)), (a, b) -> a * 256 + b) END`,
  unnestRange: (lo, hi) => `unnest(range(${lo}, ${hi}))`,
  num: (n) => `${n}::UHUGEINT`,
  numInt: (x) => x,
  int128: (n) => `${n}::UHUGEINT`,
  shiftRight: (x, bits) => `(${x} >> ${bits})`,
  int128Text: (x) => `(${x})::VARCHAR`,
  ipClass: (num) => `ip_class(${num})`,
};

function checkP(p: number): number {
  if (!(p >= 0 && p <= 1)) throw new Error(`internal: quantile ${p}`);
  return p;
}

const hex16 = (n: bigint) => n.toString(16).padStart(32, '0');

/** `num` (FixedString(16), big-endian) inside one of the CIDRs, as a ClickHouse condition. */
function inCidrs(num: string, cidrs: string[]): string {
  const arms = cidrs
    .map(parseCidr)
    .filter((r) => r !== null)
    .map((r) => `(${num} BETWEEN unhex('${hex16(r.lo)}') AND unhex('${hex16(r.hi)}'))`);
  return arms.length ? `(${arms.join(' OR ')})` : '0';
}

/**
 * The ClickHouse pieces for a session whose analyst's internal networks are `internal` (baked
 * into ipClass, as DuckDB's macro bakes them).
 */
export function clickHouseDetect(internal: string[]): DetectDialect {
  const v4lo = `unhex('${hex16(V4_MAPPED_BASE)}')`;
  const v4hi = `unhex('${hex16(V4_MAPPED_BASE + 0xffffffffn)}')`;
  // the last octet of an IPv4 address is 255: a /24's broadcast (util/ip.ts isNonHost)
  const v4Broadcast = (n: string) =>
    `(${n} BETWEEN ${v4lo} AND ${v4hi} AND substring(${n}, 16, 1) = unhex('ff'))`;
  return {
    ...CLICKHOUSE,
    epoch: (ts) => `(toUnixTimestamp64Micro(${ts}) / 1000000)`,
    epochUs: (ts) => `toUnixTimestamp64Micro(${ts})`,
    tsFromUs: (us) => `fromUnixTimestamp64Micro(toInt64(${us}), 'UTC')`,
    tsParam: (b) => `parseDateTime64BestEffort(${b}, 6, 'UTC')`,
    plusMicro: (ts) => `(${ts} + INTERVAL 1 MICROSECOND)`,
    isoUs: (ts) => `formatDateTime(${ts}, '%Y-%m-%dT%H:%i:%S.%fZ')`,
    anyValue: (x) => `any(${x})`,
    boolAnd: (c) => `toBool(min(toUInt8(${c})))`,
    boolOr: (c) => `toBool(max(toUInt8(${c})))`,
    argMax: (a, b) => `argMax(${a}, ${b})`,
    median: (x) => CLICKHOUSE.quantileCont(x, 0.5),
    quantilesCont: (x, ps) =>
      `quantilesExactInclusive(${ps.map(checkP).join(', ')})(toFloat64(${x}))`,
    listAgg: (x, o = {}) => {
      // tuples keep NULL values (groupArray skips a bare NULL, DuckDB's list keeps it)
      const keys = o.orderBy ?? [];
      const items = [x, ...keys.map((k) => k.expr)];
      const fn = `${o.distinct ? 'groupUniqArray' : 'groupArray'}${o.where ? 'If' : ''}`;
      const arr = `${fn}(tuple(${items.join(', ')})${o.where ? `, ${o.where}` : ''})`;
      if (!keys.length) return `arrayMap(t -> t.1, ${arr})`;
      const sortKey = keys.map((k, i) => (k.desc ? `-t.${i + 2}` : `t.${i + 2}`)).join(', ');
      return `arrayMap(t -> t.1, arraySort(t -> (${sortKey}), ${arr}))`;
    },
    listHead: (l, n) => `arraySlice(${l}, 1, ${n})`,
    // lag's default is the type's zero unless the value is Nullable
    lag: (x) => `lagInFrame(toNullable(${x}))`,
    exclude: (cols) => `EXCEPT (${cols.join(', ')})`,
    notMaterialized: '',
    materializesCtes: false,
    contains: (s, n) => `(position(${s}, ${n}) > 0)`,
    splitPart: (s, sep, i) => `splitByString(${sep}, ${s})[${i}]`,
    charAt: (s, i) => `substring(${s}, ${i}, 1)`,
    regexFull: (s, re) => `match(${s}, concat('^(', ${re}, ')$'))`,
    ipv4Value: (t) => `toInt64(IPv4StringToNumOrNull(${t}))`,
    unnestRange: (lo, hi) => `arrayJoin(range(toInt64(${lo}), toInt64(${hi})))`,
    num: (n) => `unhex('${hex16(n)}')`,
    numInt: (x) => `reinterpretAsUInt128(reverse(${x}))`,
    int128: (n) => `toUInt128('${n}')`,
    shiftRight: (x, bits) => `bitShiftRight(${x}, ${bits})`,
    int128Text: (x) => `toString(${x})`,
    ipClass: (num) =>
      `multiIf(${inCidrs(num, NON_HOST_RANGES)} OR ${v4Broadcast(num)}, 'non-host', ` +
      `${inCidrs(num, internal)}, 'internal', 'external')`,
  };
}
