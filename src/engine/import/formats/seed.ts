// The seed's flow CSV: `ts,ip_protocol,state,src_ip,src_port,dst_ip,dst_port,src_tx,dst_tx`, no
// header, ts `YYYY-MM-DD HH:MM:SS` without a zone. Read by DuckDB's read_csv with typed columns so
// that every value that does not fit (port 70000, bytes -5 or abc, a bad timestamp, a wrong
// column count, a truncated last line) lands in DuckDB's rejects with its line number. What the
// reader accepts but netsift must still check (IP addresses, empty fields) is validated by the
// pipeline; its line numbers come from the record ordinal (see line-map.ts).
import { literal } from '../../store/sql';
import { NetsiftError } from '../../core/errors';
import { ordinalsToLines } from '../line-map';
import { looksBinary } from '../sample';
import { csvBufferOption } from '../types';
import type { DirectRead, FileSample, FormatImporter, LoadContext, LoadResult } from '../types';

const COLUMNS = `{'ts': 'TIMESTAMP', 'ip_protocol': 'VARCHAR', 'state': 'VARCHAR', 'src_ip': 'VARCHAR',
  'src_port': 'USMALLINT', 'dst_ip': 'VARCHAR', 'dst_port': 'USMALLINT', 'src_tx': 'UBIGINT', 'dst_tx': 'UBIGINT'}`;

/** What each typed column expects, for reject reasons in the analyst's words. */
const EXPECT: Record<string, string> = {
  ts: 'is not a timestamp (YYYY-MM-DD HH:MM:SS)',
  src_port: 'is not a port (0-65535)',
  dst_port: 'is not a port (0-65535)',
  src_tx: 'is not a byte count (a whole number >= 0)',
  dst_tx: 'is not a byte count (a whole number >= 0)',
};

const LINE_RE =
  /^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?,[A-Za-z0-9]*,[^,]*,[^,]*,\d*,[^,]*,\d*,\d*,\d*$/;

/**
 * SQL for the normalised state: the seed's states are netsift's own; anything else is 'other'.
 * Written as CASE chains, not `IN (...)`: DuckDB rewrites an IN list of six or more constants
 * into a join, and with that join in the insert pipeline its parallel CSV reader no longer kept
 * file order (rows landed rotated, so ids and reject line numbers went wrong).
 */
const SEED_STATES = ['new', 'connecting', 'established', 'closing', 'closed', 'reset'];
const caseOf = (expr: string, orElse: string) =>
  `CASE ${expr} ${SEED_STATES.map((s) => `WHEN '${s}' THEN '${s}'`).join(' ')} ${orElse} END`;
const STATE_SQL = `CASE WHEN state IS NULL THEN NULL ELSE ${caseOf(
  'state',
  `ELSE ${caseOf('lower(trim(state))', "WHEN '' THEN NULL ELSE 'other'")}`,
)} END`;
/** The exact common spellings pass untouched (no per-row string work on the hot path). */
const PROTO_SQL = `CASE WHEN ip_protocol IN ('tcp', 'udp') THEN ip_protocol ELSE nullif(lower(trim(ip_protocol)), '') END`;

/**
 * Turns DuckDB's reject rows (one per failing column) into one reason per line. A wrong field
 * count explains the whole line, so it wins over the cast errors it causes.
 */
export function rejectReasonsSql(
  errTable: string,
  expected: number,
  expect: Record<string, string>,
  /** The reader's column names (csv-mapped reads c0, c1, ...) to the file's own names. */
  columnNames?: string[],
): string {
  const names = columnNames
    ? `CASE column_name ${columnNames.map((n, i) => `WHEN 'c${i}' THEN ${literal(n)}`).join(' ')} ELSE coalesce(column_name, 'a value') END`
    : "coalesce(column_name, 'a value')";
  const cast = Object.entries(expect)
    .map(([col, text]) => `WHEN '${col}' THEN ' ${text}'`)
    .join(' ');
  const suffix = cast
    ? `CASE column_name ${cast} ELSE ' has the wrong type' END`
    : `' has the wrong type'`;
  return `
SELECT line, regexp_replace(regexp_replace(any_value(csv_line), '^[\r\n]+', ''), '\r$', '') AS raw,
       coalesce(string_agg(DISTINCT msg, '; ') FILTER (WHERE structural),
                string_agg(msg, '; ' ORDER BY column_idx)) AS reason
FROM (
  SELECT line, csv_line, column_idx, error_type IN ('MISSING COLUMNS', 'TOO MANY COLUMNS') AS structural,
    CASE error_type
      WHEN 'CAST' THEN column_name || ': ' ||
        coalesce(regexp_extract(error_message, 'Could not convert string "(.*)" to', 1), '?') || ${suffix}
      WHEN 'MISSING COLUMNS' THEN 'expected ${expected} fields, found ' ||
        min(TRY_CAST(regexp_extract(error_message, 'Found: (\\d+)', 1) AS INTEGER)) OVER (PARTITION BY line)
      WHEN 'TOO MANY COLUMNS' THEN 'more than ${expected} fields'
      WHEN 'UNQUOTED VALUE' THEN ${names} || ': a quote is never closed, or stray quotes in a value'
      ELSE lower(error_type) || ': ' || error_message
    END AS msg
  FROM ${errTable}
) GROUP BY line`;
}

/** Explains DuckDB's parser failing on the whole file (not a line). */
export function readerError(path: string, e: unknown, sample?: FileSample): Error {
  const msg = e instanceof Error ? e.message : String(e);
  if (sample && looksBinary(sample.head))
    return new NetsiftError(`${path}: binary data, not a flow file`, 'input');
  if (/state machine reached an invalid state/i.test(msg)) {
    const text = sample?.head.toString('latin1') ?? '';
    const crlf = text.includes('\r\n');
    const lf = /[^\r]\n/.test(text);
    return new NetsiftError(
      crlf && lf
        ? `${path}: mixed line endings (some lines end in CRLF, others in LF); convert the file to one ` +
            `kind (e.g. dos2unix) and import it again`
        : `${path}: DuckDB's CSV reader cannot parse this file (mixed line endings or stray control ` +
            `characters?): ${msg.split('\n')[0]}`,
      'input',
    );
  }
  return e instanceof Error ? e : new Error(msg);
}

export const seedFormat: FormatImporter = {
  id: 'seed',
  title: 'seed CSV: ts,ip_protocol,state,src_ip,src_port,dst_ip,dst_port,src_tx,dst_tx (no header)',

  sniff(sample: FileSample): number {
    const lines = sample.lines.filter((l) => l.trim() !== '');
    if (lines.length === 0) return 0;
    const ok = lines.filter((l) => LINE_RE.test(l)).length;
    if (!LINE_RE.test(lines[0]) && ok < lines.length / 2) return 0;
    return 0.9 * (ok / lines.length);
  },

  direct: seedRead,
};

/** The seed read as one SELECT of the stage columns (see DirectRead). */
function seedRead(ctx: LoadContext): DirectRead {
  const ts = ctx.tz === 'UTC' ? 'ts' : `timezone('UTC', timezone($1, ts))`;
  const csv = (extra: string) =>
    `read_csv(${literal(ctx.path)}, header = false, auto_detect = false, delim = ',', quote = '', escape = '',
      compression = '${ctx.sample.gzip ? 'gzip' : 'none'}', columns = ${COLUMNS}, ${csvBufferOption(ctx.size)}${extra})`;
  const fields = `${ts} AS ts, NULL::TIMESTAMP AS ts_end, ${PROTO_SQL} AS proto, ${STATE_SQL} AS state,
    state AS state_raw, src_ip, src_port, dst_ip, dst_port, src_tx AS src_bytes, dst_tx AS dst_bytes,
    NULL::BIGINT AS src_pkts, NULL::BIGINT AS dst_pkts, NULL::VARCHAR AS label, NULL::VARCHAR AS raw`;
  return {
    select: `SELECT ${fields} FROM ${csv("store_rejects = true, rejects_table = 'seed_reject_errors', rejects_scan = 'seed_reject_scans'")}`,
    recheck: `SELECT ${fields}, ordinality FROM ${csv('ignore_errors = true')} WITH ORDINALITY`,
    params: ctx.tz === 'UTC' ? [] : [ctx.tz],
    explain: (e) => readerError(ctx.path, e, ctx.sample),
    // ports USMALLINT, bytes UBIGINT, no packet counts; STATE_SQL yields netsift's states or NULL
    typed: { ports: true, counts: true, states: true },
    unsignedCounts: true,
    names: { src_bytes: 'src_tx', dst_bytes: 'dst_tx' },
    async finish(): Promise<LoadResult> {
      await ctx.conn.run(
        `INSERT INTO stage_rejects (line, raw, reason) ${rejectReasonsSql('seed_reject_errors', 9, EXPECT)}`,
      );
      const scan = await ctx.scan;
      const rejected =
        (
          await ctx.conn.runAndReadAll('SELECT DISTINCT line FROM seed_reject_errors')
        ).getColumnsJS()[0] ?? [];
      const skipped = [...scan.blankLineNumbers, ...rejected.map((x) => Number(x))];
      return {
        dataLines: scan.lines - scan.blankLines,
        details: { columns: 'ts,ip_protocol,state,src_ip,src_port,dst_ip,dst_port,src_tx,dst_tx' },
        lineOf: async (ordinals) => ordinalsToLines(ordinals, skipped),
      };
    },
  };
}
