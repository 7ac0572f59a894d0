// How the geo cache's Parquet files hold range bounds, and SQL reading them back. Parquet has no
// 128-bit integer: DuckDB writes a UHUGEINT column as DOUBLE, which rounds IPv6 to about 2^72 and
// gave addresses in IPv6 ranges narrower than about a /56 their neighbour's country or AS. So each
// bound is two exact UBIGINT halves (lo_hi, lo_lo: the range's start; hi_hi, hi_lo: its end).
//
// The case's join reads them in two parts, each exact: addresses below 2^64 (every IPv4 address,
// mapped into ::ffff:0:0/96: nearly all of a case) against the ranges starting there, keyed on the
// lower half alone (a UBIGINT sorts as fast as the DOUBLE did); addresses from 2^64 up against the
// ranges ending there, keyed on the whole number rejoined as UHUGEINT.
import type { DuckDBAppender } from '@duckdb/node-api';
import { literal } from '../store/sql';

const MASK64 = (1n << 64n) - 1n;

/** 2^64: addresses below it are in the low part. */
export const LOW_LIMIT = `${1n << 64n}::UHUGEINT`;

/** Bound columns of the cache's files (the table the cache is written from). */
export const BOUND_COLUMNS = 'lo_hi UBIGINT, lo_lo UBIGINT, hi_hi UBIGINT, hi_lo UBIGINT';

export function appendBounds(app: DuckDBAppender, r: { lo: bigint; hi: bigint }): void {
  app.appendUBigInt(r.lo >> 64n);
  app.appendUBigInt(r.lo & MASK64);
  app.appendUBigInt(r.hi >> 64n);
  app.appendUBigInt(r.hi & MASK64);
}

const VALUES = '* EXCLUDE (lo_hi, lo_lo, hi_hi, hi_lo)';
const WHOLE = '(lo_hi::UHUGEINT << 64) | lo_lo AS lo, (hi_hi::UHUGEINT << 64) | hi_lo AS hi';

/**
 * A cache file as rows of lo, hi (exact UHUGEINT) and its value columns. With `near`, only the
 * ranges whose upper halves can hold that address (the row groups of others are skipped).
 */
export function cachedRanges(file: string, near?: bigint): string {
  const top = near === undefined ? null : `${near >> 64n}::UBIGINT`; // a number, not input text
  const where = top ? ` WHERE lo_hi <= ${top} AND hi_hi >= ${top}` : '';
  return `(SELECT ${WHOLE}, ${VALUES} FROM read_parquet(${literal(file)})${where})`;
}

/**
 * The ranges that can hold an address below 2^64, as UBIGINT lo, hi: those starting below it
 * (an end past it reads as the top of the part, which still holds every address there).
 */
export function lowRanges(file: string): string {
  return `(SELECT lo_lo AS lo, CASE WHEN hi_hi > 0 THEN ${MASK64}::UBIGINT ELSE hi_lo END AS hi,
      ${VALUES} FROM read_parquet(${literal(file)}) WHERE lo_hi = 0)`;
}

/** The ranges that can hold an address from 2^64 up (those ending there), lo, hi as UHUGEINT. */
export function highRanges(file: string): string {
  return `(SELECT ${WHOLE}, ${VALUES} FROM read_parquet(${literal(file)}) WHERE hi_hi > 0)`;
}
