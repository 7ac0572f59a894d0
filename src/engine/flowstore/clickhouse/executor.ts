// What the ClickHouse flow store needs from a connection: rows of a SELECT, a statement, and a
// streamed INSERT. Two implementations: the HTTP server (http-executor.ts, @clickhouse/client)
// and chdb, ClickHouse in process (chdb-executor.ts; tests and the bench, an optional package).
import type { Readable } from 'node:stream';
import type { Params } from './sql-params';

export interface ExecProgress {
  readRows: number;
  /** The server's estimate of the rows it will read (0 when it has none). */
  totalRows: number;
  writtenRows: number;
}

export interface ExecOptions {
  /** Aborting cancels the request and kills the query on the server. */
  signal?: AbortSignal;
  /** Server-side limit for this statement (max_execution_time), seconds; default the store's. */
  timeoutSeconds?: number;
  onProgress?: (p: ExecProgress) => void;
  /** Extra ClickHouse settings (names from our code only). */
  settings?: Record<string, string | number>;
}

/**
 * The insert format: CSV as DuckDB's COPY writes it (NULL as \N). Measured against RowBinary
 * encoded in JavaScript from DuckDB chunks: converting DuckDB values to JS cost 10 of 16 s per
 * million rows; COPY writes the same rows in under 3 s, and 18.x reads no Parquet.
 */
export type InsertFormat = 'CSV';

export interface ChExecutor {
  /** Where it runs, without password (for messages). */
  readonly location: string;
  /** e.g. '18.16.1', '26.7.2.1'. */
  readonly version: string;
  /** Whether the server takes query parameters (else sql-params inlines typed literals). */
  readonly queryParams: boolean;
  /** Whether the user may set settings per query (not with readonly=1). */
  readonly settingsAllowed: boolean;
  rows<T>(sql: string, params?: Params, opts?: ExecOptions): Promise<T[]>;
  /** A SELECT's rows with each column's type (JSON format), for rows read by type (typed-rows.ts). */
  typed<T>(sql: string, params?: Params, opts?: ExecOptions): Promise<TypedResult<T>>;
  command(sql: string, params?: Params, opts?: ExecOptions): Promise<void>;
  /** INSERT INTO table (columns) FORMAT format, the body streamed from `body`. */
  insert(
    table: string,
    columns: readonly string[],
    format: InsertFormat,
    body: Readable,
    opts?: ExecOptions,
  ): Promise<void>;
  /**
   * An executor on the same connection whose statements share one server session (temporary
   * tables live there until it is closed). Its close() ends the session, not the connection.
   */
  session(): Promise<ChExecutor>;
  close(): Promise<void>;
}

export interface TypedResult<T> {
  meta: { name: string; type: string }[];
  data: T[];
}
