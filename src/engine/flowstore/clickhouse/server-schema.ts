// netsift's own tables on a ClickHouse server: the same flow columns as the case's flows table
// (src/engine/store/schema.ts), plus `imports` (what landed, written last by each import) and
// `import_rejects`. Created by the first import (CREATE ... IF NOT EXISTS).
//
// - Time: DateTime64(6, 'UTC') where the server has it; 18.x has no sub-second type, so there
//   ts/ts_end are Int64 microseconds since the epoch. The read side looks at the column's type
//   (table-model.ts), so a table made by an old server keeps working after an upgrade.
// - Addresses: the text (as the importers write it) plus the 16-byte number (IPv4 mapped into
//   ::ffff:0:0/96, big-endian) as FixedString(16), computed by the server from the text on insert
//   (DEFAULT): ranges and address order compare bytes, which is numeric order.
// - PARTITION BY import_id: an import is written to a staging table and then attached as one
//   partition (ATTACH PARTITION ... FROM), all of it or nothing visible.
// - ORDER BY (ts, src_num, dst_num): time ranges read only their granules; address lookups get
//   bloom-filter skip indexes on servers that have them (18.x only had experimental ones).
import type { Dialect } from '../dialect';

export const FLOWS_TABLE = 'flows';
export const IMPORTS_TABLE = 'imports';
export const REJECTS_TABLE = 'import_rejects';

/**
 * The 16-byte number of an address text column, as the DuckDB side numbers it (util/ip.ts; a
 * zone suffix such as %eth0 is dropped). Current servers read IPv4 text in IPv6StringToNum and
 * throw on IPv4StringToNum of IPv6 text (both `if` branches are evaluated); 18.x does neither.
 */
export const addrNumSql = (d: Dialect, col: string): string =>
  d.name === 'clickhouse'
    ? `IPv6StringToNum(splitByChar('%', ${col})[1])`
    : `if(position(${col}, ':') > 0, IPv6StringToNum(splitByChar('%', ${col})[1]), IPv4ToIPv6(IPv4StringToNum(${col})))`;

/** Every column of netsift's flows table. */
export const FLOW_COLUMNS = [
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
  'src_num',
  'dst_num',
] as const;

/** The columns an import sends (the address numbers are computed by the server). */
export const SENT_COLUMNS = FLOW_COLUMNS.filter((c) => c !== 'src_num' && c !== 'dst_num');

export function flowsTableSql(d: Dialect, table: string): string {
  const time = d.has.microTimestamps ? "DateTime64(6, 'UTC')" : 'Int64';
  const word = d.name === 'clickhouse' ? 'LowCardinality(String)' : 'String';
  const indexes =
    d.name === 'clickhouse'
      ? `,
  INDEX src_ip_bf src_ip TYPE bloom_filter GRANULARITY 4,
  INDEX dst_ip_bf dst_ip TYPE bloom_filter GRANULARITY 4`
      : '';
  return `CREATE TABLE IF NOT EXISTS ${table} (
  id Int64,
  import_id UInt32,
  ts ${time},
  ts_end Nullable(${time}),
  proto ${word},
  state ${word},
  state_raw Nullable(String),
  src_ip String,
  src_port Nullable(UInt16),
  dst_ip String,
  dst_port Nullable(UInt16),
  src_bytes Int64,
  dst_bytes Int64,
  src_pkts Nullable(Int64),
  dst_pkts Nullable(Int64),
  label Nullable(String),
  src_num FixedString(16) DEFAULT ${addrNumSql(d, 'src_ip')},
  dst_num FixedString(16) DEFAULT ${addrNumSql(d, 'dst_ip')}${indexes}
) ENGINE = MergeTree PARTITION BY import_id ORDER BY (ts, src_num, dst_num)`;
}

/** A staging table with exactly the flows table's structure (ATTACH PARTITION FROM needs it). */
export function stagingTableSql(flowsTable: string, staging: string): string {
  return `CREATE TABLE ${staging} AS ${flowsTable}`;
}

/**
 * One row per state change of an import: 'attaching' before its partition is attached, then
 * 'done' (or 'failed'). The latest row (largest version) is the import's state; readers list
 * only 'done' ones. Times are Int64 microseconds (first/last flow) and DateTime (start/end).
 */
export function importsTableSql(table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (
  id UInt32,
  version UInt64,
  state String,
  id_lo Int64,
  id_hi Int64,
  path String,
  size Int64,
  sha256 String,
  format String,
  data_lines Int64,
  rows_read Int64,
  rows_rejected Int64,
  started DateTime,
  finished DateTime,
  tz String,
  first_ts_us Nullable(Int64),
  last_ts_us Nullable(Int64),
  details String,
  staging String
) ENGINE = MergeTree ORDER BY (id, version)`;
}

export function rejectsTableSql(table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (
  import_id UInt32,
  line Int64,
  raw String,
  reason String
) ENGINE = MergeTree ORDER BY (import_id, line)`;
}
