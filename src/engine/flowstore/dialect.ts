// The SQL that differs between the engines netsift runs flow queries on, named and in one place.
// Query builders (clickhouse/queries/*, and in phase 2 the detectors) write everything else once
// and ask the dialect for these pieces. Three dialects:
// - duckdb: the case file (today's detectors and query modules are written in it directly);
// - clickhouse: current servers (22.3 and later; tested on chdb's 26.x engine);
// - clickhouse-18: old servers (tested on Debian's 18.16): no DateTime64, no window functions,
//   no WITH-subquery CTEs, no query parameters, no quantileExactInclusive.
// Every piece here is exercised against its real engine in dialect.test.ts.

export type DialectName = 'duckdb' | 'clickhouse' | 'clickhouse-18';

export interface Dialect {
  readonly name: DialectName;
  /** What the engine can do; builders choose a shape by these (phase 2: detectors too). */
  readonly has: {
    /** OVER (...): row_number, lag, running sums. */
    windowFunctions: boolean;
    /** WITH name AS (SELECT ...). Without it, builders nest subqueries. */
    cte: boolean;
    /** Values sent apart from the statement. Without it, typed literals (sql-params.ts). */
    queryParams: boolean;
    /** A microsecond timestamp type (DuckDB TIMESTAMP, ClickHouse DateTime64(6)). */
    microTimestamps: boolean;
  };
  /** Integer division truncating toward zero (DuckDB's `//` on integers truncates too). */
  intDiv(a: string, b: string): string;
  countAll(): string;
  countDistinct(x: string): string;
  countIf(cond: string): string;
  sumIf(x: string, cond: string): string;
  /**
   * Linear-interpolated quantile (R-7, DuckDB's quantile_cont), as a double; NULL over no values.
   * `p` is a number from our code.
   */
  quantileCont(x: string, p: number): string;
  greatest(a: string, b: string): string;
  startsWith(s: string, prefix: string): string;
  /** Case-insensitive substring test. */
  containsCi(s: string, needle: string): string;
  /** A boolean result column as the engine returns it (ClickHouse 18 has no Bool: UInt8). */
  boolOut(cond: string): string;
  /** Casts to a 64-bit signed integer (sums of byte counts). */
  toInt64(x: string): string;
  toFloat64(x: string): string;
}

const quantileR7 = (x: string, p: number) => {
  if (!(p >= 0 && p <= 1)) throw new Error(`internal: quantile ${p}`);
  // sort the group's values once and interpolate between the ranks around h = (n - 1) * p
  const h = `((length(s) - 1) * ${p})`;
  const at = (i: string) => `s[toUInt64(${i}) + 1]`;
  return (
    `arrayMap(s -> if(length(s) = 0, NULL, ${at(`floor(${h})`)} + (${h} - floor(${h})) * ` +
    `(${at(`ceil(${h})`)} - ${at(`floor(${h})`)})), [arraySort(groupArray(toFloat64(${x})))])[1]`
  );
};

export const DUCKDB: Dialect = {
  name: 'duckdb',
  has: { windowFunctions: true, cte: true, queryParams: true, microTimestamps: true },
  intDiv: (a, b) => `(${a} // ${b})`,
  countAll: () => 'count(*)',
  countDistinct: (x) => `count(DISTINCT ${x})`,
  countIf: (c) => `count(*) FILTER (WHERE ${c})`,
  sumIf: (x, c) => `sum(${x}) FILTER (WHERE ${c})`,
  quantileCont: (x, p) => `quantile_cont(${x}, ${p})`,
  greatest: (a, b) => `greatest(${a}, ${b})`,
  startsWith: (s, p) => `starts_with(${s}, ${p})`,
  containsCi: (s, n) => `contains(lower(${s}), lower(${n}))`,
  boolOut: (c) => `(${c})`,
  toInt64: (x) => `(${x})::BIGINT`,
  toFloat64: (x) => `(${x})::DOUBLE`,
};

const CLICKHOUSE_COMMON = {
  intDiv: (a: string, b: string) => `intDiv(${a}, ${b})`,
  countAll: () => 'count()',
  // over a Nullable column whose values are all NULL, uniqExact is NULL (DuckDB's count is 0)
  countDistinct: (x: string) => `ifNull(uniqExact(${x}), 0)`,
  // 18.x: countIf over a condition that is NULL on every row is NULL, not 0
  countIf: (c: string) => `ifNull(countIf(${c}), 0)`,
  // NULL when no row matches, as DuckDB's FILTER (sumIf alone says 0)
  sumIf: (x: string, c: string) => `if(ifNull(countIf(${c}), 0) = 0, NULL, sumIf(${x}, ${c}))`,
  // DuckDB's greatest skips NULLs; 18.x's is NULL when either is
  greatest: (a: string, b: string) => `greatest(ifNull(${a}, ${b}), ifNull(${b}, ${a}))`,
  startsWith: (s: string, p: string) => `startsWith(${s}, ${p})`,
  containsCi: (s: string, n: string) => `(positionCaseInsensitiveUTF8(${s}, ${n}) > 0)`,
  toInt64: (x: string) => `toInt64(${x})`,
  toFloat64: (x: string) => `toFloat64(${x})`,
};

export const CLICKHOUSE: Dialect = {
  ...CLICKHOUSE_COMMON,
  name: 'clickhouse',
  has: { windowFunctions: true, cte: true, queryParams: true, microTimestamps: true },
  quantileCont: (x, p) => `quantileExactInclusive(${p})(toFloat64(${x}))`,
  boolOut: (c) => `toBool(${c})`,
};

export const CLICKHOUSE_18: Dialect = {
  ...CLICKHOUSE_COMMON,
  name: 'clickhouse-18',
  has: { windowFunctions: false, cte: false, queryParams: false, microTimestamps: false },
  quantileCont: quantileR7,
  boolOut: (c) => `toUInt8(${c})`,
};

/**
 * The dialect for a ClickHouse server version: current from 22.3 (window functions, CTEs,
 * DateTime64 and query parameters all there), else the 18.x one, whose SQL every later
 * version still runs. `queryParams` is what the server answered to a probe, not guessed.
 */
export function clickHouseDialect(version: string, queryParams: boolean): Dialect {
  const [major, minor] = version.split('.').map(Number);
  const current = major > 22 || (major === 22 && minor >= 3);
  const base = current ? CLICKHOUSE : CLICKHOUSE_18;
  return base.has.queryParams === queryParams
    ? base
    : { ...base, has: { ...base.has, queryParams } };
}
