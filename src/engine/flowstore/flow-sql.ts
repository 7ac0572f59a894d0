// Where the detectors' statements run: the flows' side of a detection run. One interface, two
// implementations: the case's DuckDB connection (duckdb-flow-sql.ts) and a ClickHouse session
// (clickhouse/clickhouse-flow-sql.ts). A detector writes its SQL once, with the dialect's pieces
// (`d`, dialect-detect.ts) where the engines differ, values as named binds `$name`, and reads the
// flows through `flows` (a table name, or on a mapped server table a subquery giving netsift's
// columns). Rows come back alike from both: numbers as numbers, timestamps as ISO 8601 text with
// milliseconds, lists as arrays.
import type { DetectDialect } from './dialect-detect';

/** A bound value. Lists are bound one name per item (see detect/binds.ts listBinds). */
export type BindValue = string | number | boolean;
export type Binds = Record<string, BindValue>;

/** Column types of a table loaded from our own rows (loadTemp). */
export type TempColumnType = 'bigint' | 'double' | 'text' | 'bool';

export interface FlowSql {
  readonly d: DetectDialect;
  /** The flows relation to put after FROM (a table name or a parenthesised subquery). */
  readonly flows: string;
  /** Where the statements run, for messages and timings ('duckdb', 'clickhouse 26.7 ...'). */
  readonly where: string;
  rows<T>(sql: string, binds?: Binds): Promise<T[]>;
  /** A statement without rows. */
  run(sql: string, binds?: Binds): Promise<void>;
  /** A temporary table (replaced if there) holding the SELECT's rows; lives as long as this. */
  createTemp(name: string, select: string, binds?: Binds): Promise<void>;
  /** A temporary table (replaced if there) holding rows from our code. */
  loadTemp(
    name: string,
    columns: [string, TempColumnType][],
    rows: (string | number | boolean | null)[][],
  ): Promise<void>;
  dropTemp(...names: string[]): Promise<void>;
  /** Stops the running statement (cancel); the statement then fails with CancelledError. */
  interrupt(): void;
  /** Drops what it created and releases the session (not the case's connection). */
  close(): Promise<void>;
}

/** The binds a statement names (DuckDB refuses unused named binds). */
export function bindsUsed(sql: string, binds: Binds | undefined): Binds | undefined {
  if (!binds) return undefined;
  const out: Binds = {};
  for (const [k, v] of Object.entries(binds)) if (new RegExp(`\\$${k}\\b`).test(sql)) out[k] = v;
  return out;
}
