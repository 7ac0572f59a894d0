// SQL that decides whether a read row is a flow, shared by the staged and the direct import paths.
//
// No `IN (...)` lists here: DuckDB rewrites an IN list of six or more constants into a join, and a
// join inside the direct path's INSERT ... SELECT FROM read_csv breaks the file order DuckDB keeps
// for inserts (rows landed rotated; ids and reject line numbers followed). CASE chains stay scans.
import { FLOW_STATES } from '../../shared/model';
import { V4_MAPPED_BASE } from '../util/ip';
import { DEFAULT_TIME_WINDOW, outsideSql, windowText, type TimeWindow } from './time-window';
import type { Typed } from './types';
import { ZONE_ID_RULE } from './zone-id';

/** Longest raw line text kept in a reject. */
export const RAW_MAX = 1000;

/** true when expr is one of netsift's normalised flow states. */
export const isFlowState = (expr: string) =>
  `CASE ${expr} ${FLOW_STATES.map((s) => `WHEN '${s}' THEN true`).join(' ')} ELSE false END`;

/**
 * The four parts of text shaped like a dotted quad (1-3 digits, dot, ...) as a struct column
 * p(a, b, c, d); empty strings when it is not so shaped. Shape only: this pattern is one-pass for
 * RE2, which halves its cost per row (at 10M rows, 1.5 s against 2.0-2.3 s per column for the
 * strict octet pattern). Whether the parts are canonical octets (0-255, no leading zeros, which
 * some tools read as octal) is checked once per distinct address after the read: see
 * direct-write.ts, findBadAddresses.
 */
export const quadPartsSql = (c: string, p: string) =>
  `regexp_extract(${c}, '^([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})$', ['a', 'b', 'c', 'd']) AS ${p}`;

/**
 * Number of a dotted quad from its parts (quadPartsSql), NULL when the text is not shaped so (the
 * parts are then '' and TRY_CAST gives NULL). Summed in UBIGINT (three-digit parts cannot
 * overflow it) and cast to UHUGEINT once: cheaper per row than 128-bit arithmetic.
 */
export const quadNumSql = (p: string) =>
  `(${V4_MAPPED_BASE}::UBIGINT + ((TRY_CAST(${p}.a AS UBIGINT) << 24) | (TRY_CAST(${p}.b AS UBIGINT) << 16)
     | (TRY_CAST(${p}.c AS UBIGINT) << 8) | TRY_CAST(${p}.d AS UBIGINT)))::UHUGEINT`;

const addrReason = (c: string) =>
  `CASE WHEN trim(s.${c}) = '' THEN '${c}: missing'
     WHEN contains(s.${c}, '%') AND contains(s.${c}, ':') THEN '${c}: ' || s.${c} || ' is not an IP address (${ZONE_ID_RULE})'
     ELSE '${c}: ' || s.${c} || ' is not an IP address' END`;

/** The largest count a flow holds (flows' BIGINT columns). */
const COUNT_MAX = '9223372036854775807';

export interface ReasonOptions {
  /** Checks the read's column types make impossible (left out of the insert's filter). */
  typed?: Typed;
  /** The plausible time window (default DEFAULT_TIME_WINDOW). */
  window?: TimeWindow;
  /** The read's counts are unsigned 64-bit (UBIGINT): values past flows' BIGINT are rejected. */
  unsigned?: boolean;
  /** The source's own names of stage fields, for the messages (the seed calls bytes src_tx). */
  names?: Partial<Record<'src_bytes' | 'dst_bytes' | 'src_pkts' | 'dst_pkts', string>>;
}

/**
 * Why a row `s` is not a flow (NULL when it is one). badAddr(col) is SQL that is true when the
 * (non-NULL) address in that column is not an IP address, or null when every address is known good.
 */
export function reasonSql(
  badAddr: (col: 'src_ip' | 'dst_ip') => string | null,
  opts: ReasonOptions = {},
): string {
  const { typed, names = {} } = opts;
  const window = opts.window ?? DEFAULT_TIME_WINDOW;
  const bad = (c: 'src_ip' | 'dst_ip') => {
    const test = badAddr(c);
    return test ? `WHEN ${test} THEN ${addrReason(c)}` : '';
  };
  const when = (skip: boolean | undefined, arms: string) => (skip ? '' : arms);
  const outside = (c: 'ts' | 'ts_end') =>
    `WHEN ${outsideSql(`s.${c}`, window)} THEN '${c}: ' || s.${c}::VARCHAR || ' is outside the plausible time window ${windowText(window)} (widen it with --time-window)'`;
  // an unsigned read (the seed's UBIGINT) holds counts up to 2^64 - 1; flows hold up to 2^63 - 1
  // (typed as UBIGINT on both sides: a BIGINT literal made DuckDB widen every value to compare)
  const tooLarge = (c: 'src_bytes' | 'dst_bytes' | 'src_pkts' | 'dst_pkts', what: string) =>
    opts.unsigned
      ? `WHEN s.${c} > ${COUNT_MAX}::UBIGINT THEN '${names[c] ?? c}: ' || s.${c} || ' is too large for a ${what} (max ${COUNT_MAX})'`
      : '';
  return `CASE
  WHEN s.ts IS NULL THEN 'ts: missing or not a timestamp'
  ${outside('ts')}
  ${outside('ts_end')}
  WHEN s.src_ip IS NULL THEN 'src_ip: missing'
  ${bad('src_ip')}
  WHEN s.dst_ip IS NULL THEN 'dst_ip: missing'
  ${bad('dst_ip')}
  ${when(
    typed?.ports,
    `WHEN s.src_port NOT BETWEEN 0 AND 65535 THEN 'src_port: ' || s.src_port || ' is not a port (0-65535)'
  WHEN s.dst_port NOT BETWEEN 0 AND 65535 THEN 'dst_port: ' || s.dst_port || ' is not a port (0-65535)'`,
  )}
  ${when(
    typed?.counts,
    `WHEN s.src_bytes < 0 THEN 'src_bytes: ' || s.src_bytes || ' is not a byte count (>= 0)'
  WHEN s.dst_bytes < 0 THEN 'dst_bytes: ' || s.dst_bytes || ' is not a byte count (>= 0)'
  WHEN s.src_pkts < 0 THEN 'src_pkts: ' || s.src_pkts || ' is not a packet count (>= 0)'
  WHEN s.dst_pkts < 0 THEN 'dst_pkts: ' || s.dst_pkts || ' is not a packet count (>= 0)'`,
  )}
  ${tooLarge('src_bytes', 'byte count')}
  ${tooLarge('dst_bytes', 'byte count')}
  ${tooLarge('src_pkts', 'packet count')}
  ${tooLarge('dst_pkts', 'packet count')}
  WHEN s.proto IS NULL THEN 'proto: missing'
  WHEN s.state IS NULL THEN 'state: missing'
  ${when(typed?.states, `WHEN NOT ${isFlowState('s.state')} THEN 'state: ' || s.state || ' is not a netsift state'`)}
END`;
}

/** The source line as far as the row knows it, when the format did not keep the raw text. */
export const RAW_SQL = `coalesce(s.raw, concat_ws(',', strftime(s.ts, '%Y-%m-%d %H:%M:%S'), s.proto, s.state_raw,
  s.src_ip, s.src_port, s.dst_ip, s.dst_port, s.src_bytes, s.dst_bytes))`;
