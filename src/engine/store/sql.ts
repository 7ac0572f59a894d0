// Thin helpers over @duckdb/node-api: bound parameters in, plain JSON-friendly rows out.
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';

export type SqlParams = DuckDBValue[] | Record<string, DuckDBValue>;
export type Row = Record<string, unknown>;

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

/** bigint -> number when it fits (counts, ids, bytes), Date -> ISO 8601 UTC, lists recursively. */
export function plain(v: unknown): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
    return v;
  if (typeof v === 'bigint') return v <= MAX_SAFE && v >= MIN_SAFE ? Number(v) : v.toString();
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object' && v.constructor === Object) {
    const o: Row = {};
    for (const [k, x] of Object.entries(v)) o[k] = plain(x);
    return o;
  }
  return v;
}

/**
 * `NETSIFT_TRACE_SQL=<ms>` writes every statement that took at least that long to stderr, with
 * its time, its start, its first 140 characters and its bound values: where a slow call's time
 * goes, without a profiler (bench runs).
 */
const TRACE_MS = Number(process.env.NETSIFT_TRACE_SQL ?? NaN);

async function traced<T>(
  sql: string,
  params: SqlParams | undefined,
  fn: () => Promise<T>,
): Promise<T> {
  if (!Number.isFinite(TRACE_MS)) return fn();
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    const ms = performance.now() - t0;
    if (ms >= TRACE_MS) {
      const head = sql.replace(/\s+/g, ' ').trim().slice(0, 140);
      const args = params
        ? ` ${JSON.stringify(params, (_, v) => (typeof v === 'bigint' ? String(v) : v)).slice(0, 200)}`
        : '';
      process.stderr.write(`sql ${ms.toFixed(0)} ms ${(t0 / 1000).toFixed(3)}: ${head}${args}\n`);
    }
  }
}

export async function all<T = Row>(
  conn: DuckDBConnection,
  sql: string,
  params?: SqlParams,
): Promise<T[]> {
  const reader = await traced(sql, params, () => conn.runAndReadAll(sql, params));
  return rowObjects<T>(reader.getColumnsObjectJS(), reader.currentRowCount);
}

/**
 * Row objects from the result's columns, each value made plain. Reading the result by column and
 * building the rows here is 3-4x quicker than the reader's own row objects (it looks each
 * column's vector and type up again for every value): 20 against 80-110 ms for the 20,000 rows of
 * a large pair scatter, on the server's one JavaScript thread (issue 15's load run).
 */
function rowObjects<T>(columns: Record<string, unknown[]>, count: number): T[] {
  const names = Object.keys(columns);
  const values = names.map((n) => columns[n]);
  const rows = new Array<T>(count);
  for (let i = 0; i < count; i++) {
    const row: Row = {};
    for (let c = 0; c < names.length; c++) row[names[c]] = plain(values[c][i]);
    rows[i] = row as T;
  }
  return rows;
}

export async function one<T = Row>(
  conn: DuckDBConnection,
  sql: string,
  params?: SqlParams,
): Promise<T | undefined> {
  return (await all<T>(conn, sql, params))[0];
}

export async function run(conn: DuckDBConnection, sql: string, params?: SqlParams): Promise<void> {
  await traced(sql, params, () => conn.run(sql, params));
}

/** Quotes an identifier that comes from an allow-list in our own code (never from input). */
export function ident(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`bad identifier ${name}`);
  return `"${name}"`;
}

/** A SQL string literal, for the few places DuckDB cannot bind (file paths in table functions). */
export function literal(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** Runs fn inside a transaction; any error (or cancel) rolls back so the case is left as before. */
export async function inTransaction<T>(conn: DuckDBConnection, fn: () => Promise<T>): Promise<T> {
  await conn.run('BEGIN TRANSACTION');
  try {
    const out = await fn();
    await conn.run('COMMIT');
    return out;
  } catch (e) {
    try {
      await conn.run('ROLLBACK');
    } catch {
      // the transaction may already be aborted by an interrupt; nothing left to undo
    }
    throw e;
  }
}
