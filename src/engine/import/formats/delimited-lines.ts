// Shared loader for the text formats of issue 5 (Zeek, Argus, nfdump CSV, CICFlowMeter): DuckDB
// reads the file as delimited columns (or whole lines split into a list `f`, for JSON lines),
// every row keeping its exact file line number (its rowid in the staging table when the plan keeps
// file order, else WITH ORDINALITY: see stageQuery), and one SQL pass types the fields, works out
// why a line is bad (wrong field count, a number or time that does not parse) and stages good rows
// in stage_flows and bad ones in stage_rejects with their line and text. A format writes that SQL
// with the field accessors loadLines gives it (Fields), so it never depends on how fields are read.
import type { DuckDBConnection } from '@duckdb/node-api';
import { NetsiftError } from '../../core/errors';
import { literal } from '../../store/sql';
import { ordinalsToLines } from '../line-map';
import { csvBufferOption, type LoadContext } from '../types';

/** Staging columns a format computes (SQL over `f`, the field list, and `line`/`l`). */
export interface StageExprs {
  ts: string;
  ts_end?: string;
  proto: string;
  state: string;
  state_raw?: string;
  src_ip: string;
  src_port?: string;
  dst_ip: string;
  dst_port?: string;
  src_bytes?: string;
  dst_bytes?: string;
  src_pkts?: string;
  dst_pkts?: string;
  label?: string;
}

/** A field that must parse when present: its raw text, its typed value, and its name for the message. */
export interface FieldCheck {
  name: string;
  raw: string;
  typed: string;
  what: string;
}

/**
 * How a format's SQL names a field of a line (1-based). loadLines hands these to the format's
 * `sql`, built for the way it reads the file: the CSV reader's columns (each field cleaned once,
 * in a column of its own) or a list `f` split from the whole line (JSON lines).
 */
export interface Fields {
  /** The field trimmed, with '', '-' and a missing field as NULL (see unset). */
  value(i: number): string;
  /** The field exactly as read, where the text itself matters (a repeated header's cells). */
  raw(i: number): string;
}

/** A format's SQL over one line's fields: which lines to skip, typed values, checks, stage columns. */
export interface LinesSql {
  /** SQL condition for lines that are not data (may use fields and `line`; `l` only with split) */
  skip: string;
  /** SQL condition on `l` that makes a line unreadable as a whole (e.g. not JSON), with its reason */
  unreadable?: { when: string; reason: string };
  /** typed values computed once from the fields, referred to by name in `stage` and `checks` */
  typed: Record<string, string>;
  stage: StageExprs;
  checks: FieldCheck[];
}

export interface LinesSpec {
  /**
   * How a line becomes fields:
   * - `{ delim, count }`: DuckDB's CSV reader with `count + 1` VARCHAR columns c1.. (no quoting),
   *   the fast path; a line with more or fewer fields is caught by the spare and last columns.
   *   DuckDB skips blank lines, so ordinals are mapped back to lines (see loadLines).
   * - `{ split }`: SQL turning the whole line `l` into a list `f` (JSON lines).
   */
  fields: { delim: string; count: number } | { split: string };
  /** the first non-blank line is a header */
  header?: boolean;
  /** The line's SQL, written with the field accessors loadLines gives (never f[i] text). */
  sql(f: Fields): LinesSql;
}

/** The read_csv call that yields one VARCHAR column `l` per physical line, numbered by ordinality. */
export function linesSource(path: string, gzip: boolean, bytes: number, ordinals = true): string {
  return `read_csv(${literal(path)}, columns = {'l': 'VARCHAR'}, header = false, delim = E'\\x01', quote = '',
    escape = '', auto_detect = false, compression = '${gzip ? 'gzip' : 'none'}', max_line_size = 16777216,
    ${csvBufferOption(bytes)}strict_mode = false)${ordinals ? ' WITH ORDINALITY' : ''}`;
}

/** A string unset in the source ('' , '-', or NULL) becomes NULL. */
export function unset(x: string): string {
  return `nullif(nullif(trim(${x}, E' \r'), ''), '-')`;
}

/** Fields by header name: `idx` maps a name to its position; a name the file lacks is NULL. */
export function byName(f: Fields, idx: Record<string, number>): (key: string) => string {
  return (k) => (idx[k] ? f.value(idx[k]) : 'NULL');
}

/** Converts a zone-less TIMESTAMP expression in the import's zone to UTC. */
export function toUtc(expr: string, tz: string): string {
  if (tz === 'UTC') return expr;
  return `timezone('UTC', timezone(${literal(tz)}, ${expr}))`;
}

export interface LinesResult {
  dataLines: number;
  rejected: number;
}

/** read_csv over `count + 1` VARCHAR columns c1..; empty fields stay '' (NULL means "no such field"). */
export function columnsSource(
  path: string,
  gzip: boolean,
  delim: string,
  count: number,
  bytes: number,
  ordinals = true,
): string {
  const cols = Array.from({ length: count + 1 }, (_, i) => `'c${i + 1}': 'VARCHAR'`).join(', ');
  return `read_csv(${literal(path)}, columns = {${cols}}, header = false, delim = ${literal(delim)}, quote = '',
    escape = '', auto_detect = false, null_padding = true, strict_mode = false, nullstr = E'\\x02',
    compression = '${gzip ? 'gzip' : 'none'}', ${csvBufferOption(bytes)}max_line_size = 16777216)${ordinals ? ' WITH ORDINALITY' : ''}`;
}

/**
 * The field accessors for a read: the reader's columns, recording in `used` the fields whose
 * cleaned column u<i> the statement needs; or the list `f` of a split line.
 */
function fieldsOf(columns: boolean, used: Set<number>): Fields {
  return columns
    ? {
        value: (i) => {
          used.add(i);
          return `u${i}`;
        },
        raw: (i) => `c${i}`,
      }
    : { value: (i) => unset(`f[${i}]`), raw: (i) => `f[${i}]` };
}

/**
 * Runs the spec: fills stage_flows and stage_rejects. Returns the data line count, and `lineOf`
 * when stage lines are ordinals (the CSV reader skipped blank lines).
 */
export async function loadLines(
  ctx: LoadContext,
  spec: LinesSpec,
  source?: string,
  /** blank line numbers of the text read, when it is not ctx's file (nfdump output) */
  blankLines?: number[],
): Promise<LinesResult & { lineOf?: (ordinals: number[]) => Promise<number[]> }> {
  const conn: DuckDBConnection = ctx.conn;
  const cols = 'delim' in spec.fields ? spec.fields : null;
  // each field is cleaned once (trim, unset -> NULL) in its own column u<i>, not at every use
  const used = new Set<number>();
  const sql = spec.sql(fieldsOf(!!cols, used));
  const n = cols?.count ?? 0;
  const countCheck = cols
    ? `WHEN c${n + 1} IS NOT NULL THEN 'more than ${n} fields' WHEN c${n} IS NULL THEN 'fewer than ${n} fields'`
    : '';
  const unreadable = sql.unreadable
    ? `WHEN ${sql.unreadable.when} THEN ${literal(sql.unreadable.reason)}`
    : '';
  const checks = sql.checks
    .map(
      (c) =>
        `WHEN (${c.raw}) IS NOT NULL AND (${c.typed}) IS NULL THEN ${literal(`${c.name}: "`)} || left(${c.raw}, 80) || ${literal(`" is not ${c.what}`)}`,
    )
    .join('\n      ');
  const st = sql.stage;
  const col = (e: string | undefined) => e ?? 'NULL';
  const reason = `CASE ${unreadable} ${countCheck} ${checks} END`;
  // the raw text only for lines that fail here (a reject needs it; good rows do not)
  const rawText = cols
    ? `concat_ws(${literal(cols.delim)}, ${Array.from({ length: n + 1 }, (_, i) => `c${i + 1}`).join(', ')})`
    : 'l';
  const firstOrd = cols ? 1 : ctx.sample.lines.findIndex((x) => x.trim() !== '') + 1;
  const notBlank = cols ? 'true' : `l IS NOT NULL AND trim(l, E' \\r\\t') <> ''`;
  const fieldsSql = cols
    ? Array.from({ length: n + 1 }, (_, i) => `c${i + 1}`).join(', ')
    : `l, ${'split' in spec.fields ? spec.fields.split : 'NULL'} AS f`;
  const stageSql = [
    st.ts,
    st.ts_end,
    st.proto,
    st.state,
    st.state_raw,
    st.src_ip,
    st.src_port,
    st.dst_ip,
    st.dst_port,
    st.src_bytes,
    st.dst_bytes,
    st.src_pkts,
    st.dst_pkts,
    st.label,
  ].map(col);
  const select = (byRowid: boolean) => `SELECT ${byRowid ? 'keep' : 'line, true AS keep'}, reason,
      CASE WHEN reason IS NOT NULL THEN ${rawText} END AS l,
      ${stageSql[0]} AS ts, ${stageSql[1]} AS ts_end, ${stageSql[2]} AS proto, ${stageSql[3]} AS state,
      ${stageSql[4]} AS state_raw, ${stageSql[5]} AS src_ip, ${stageSql[6]} AS src_port,
      ${stageSql[7]} AS dst_ip, ${stageSql[8]} AS dst_port, ${stageSql[9]} AS src_bytes,
      ${stageSql[10]} AS dst_bytes, ${stageSql[11]} AS src_pkts, ${stageSql[12]} AS dst_pkts,
      ${stageSql[13]} AS label
    FROM judged`;

  /**
   * The query that fills stage_lines. Line numbers: WITH ORDINALITY runs the read and everything
   * after it in one pipeline on one thread (CPU time equal to wall time). Without it (byRowid),
   * every row of the read is kept in stage_lines and its line is its rowid + 1 (CREATE TABLE AS
   * keeps file order), and the typed fields and reasons are worked out only for the rows that
   * count. A 1M-flow Zeek log loaded in 3.95 s with ordinality, 2.4 s without.
   */
  const stageQuery = (byRowid: boolean): string => {
    const src =
      source ??
      (cols
        ? columnsSource(ctx.path, ctx.sample.gzip, cols.delim, cols.count, ctx.size, !byRowid)
        : linesSource(ctx.path, ctx.sample.gzip, ctx.size, !byRowid));
    const onlyKept = (e: string) => (byRowid ? `CASE WHEN keep THEN ${e} END` : e);
    const typed = Object.entries(sql.typed)
      .map(([k, v]) => `${onlyKept(v)} AS ${k}`)
      .join(', ');
    const skip = `(${sql.skip})${spec.header && !byRowid ? ` OR line = ${firstOrd}` : ''}`;
    const cleaned = [...used].sort((a, b) => a - b).map((i) => `${unset(`c${i}`)} AS u${i}`);
    const clean = cleaned.length ? `, ${cleaned.join(', ')}` : '';
    return byRowid
      ? `WITH data AS (
      SELECT ${fieldsSql} FROM ${src}
    ), kept AS (
      SELECT *${clean}, (${notBlank}) AND NOT (${skip}) AS keep FROM data
    ), typed AS (
      SELECT *, ${typed} FROM kept
    ), judged AS (
      SELECT *, ${onlyKept(reason)} AS reason FROM typed
    )
    ${select(true)}`
      : `WITH raw AS (
      SELECT ordinality AS line, * EXCLUDE (ordinality) FROM ${src}
    ), data AS (
      SELECT line, ${fieldsSql} FROM raw WHERE ${notBlank}
    ), kept AS (
      SELECT *${clean} FROM data WHERE NOT (${skip})
    ), typed AS (
      SELECT *, ${typed} FROM kept
    ), judged AS (
      SELECT *, ${reason} AS reason FROM typed
    )
    ${select(false)}`;
  };
  // byRowid needs a plan that keeps file order: no expression may use `line`, and DuckDB must not
  // have turned anything into a join (it rewrites an IN list of a few constants into one, and a
  // join in the pipeline put a row of a 1M-line Zeek log out of order)
  const byRowid = !source && !usesLine(spec, sql) && !(await planHasJoin(conn, stageQuery(true)));
  ctx.job.onCancel(() => conn.interrupt());
  await conn.run(`CREATE OR REPLACE TEMP TABLE stage_lines AS ${stageQuery(byRowid)}`);
  // the rows that count, with their line (ordinal): the same shape on both paths
  const header = byRowid && spec.header ? ` AND rowid + 1 <> ${firstOrd}` : '';
  await conn.run(
    byRowid
      ? `CREATE OR REPLACE TEMP VIEW stage_rows AS SELECT rowid + 1 AS line, * FROM stage_lines WHERE keep${header}`
      : 'CREATE OR REPLACE TEMP VIEW stage_rows AS SELECT * FROM stage_lines',
  );
  ctx.job.checkCancelled();
  // DuckDB's CSV reader skips blank lines: its ordinals are lines only when the file has none
  const blanks = cols ? (blankLines ?? (await ctx.scan).blankLineNumbers) : [];
  const lineOf = async (ords: number[]) => ordinalsToLines(ords, blanks);
  if (blanks.length === 0) {
    await conn.run(
      `INSERT INTO stage_rejects SELECT line, l, reason FROM stage_rows WHERE reason IS NOT NULL`,
    );
  } else {
    const bad = await conn.runAndReadAll(
      'SELECT line::BIGINT AS line FROM stage_rows WHERE reason IS NOT NULL',
    );
    const ords = bad.getRowObjectsJS().map((r) => Number(r.line) - 1);
    const lines = await lineOf(ords);
    await conn.run('CREATE OR REPLACE TEMP TABLE stage_line_map (ord BIGINT, line BIGINT)');
    const app = await conn.createAppender('stage_line_map', 'main', 'temp');
    ords.forEach((o, i) => {
      app.appendBigInt(BigInt(o + 1));
      app.appendBigInt(BigInt(lines[i]));
      app.endRow();
    });
    app.closeSync();
    await conn.run(`INSERT INTO stage_rejects SELECT m.line, s.l, s.reason FROM stage_rows s JOIN stage_line_map m ON m.ord = s.line
      WHERE s.reason IS NOT NULL`);
    await conn.run('DROP TABLE stage_line_map');
  }
  // CREATE TABLE AS keeps file order (insertion order is preserved), so the stage rowid is file order.
  // With blank lines the stage line is the 0-based ordinal and the pipeline asks lineOf for the few it rejects.
  await conn.run(`INSERT INTO stage_flows
    SELECT ${blanks.length ? 'line - 1' : 'line'}, ts, ts_end, proto, state, state_raw, src_ip, src_port, dst_ip, dst_port,
      src_bytes, dst_bytes, src_pkts, dst_pkts, label, NULL
    FROM stage_rows WHERE reason IS NULL`);
  const r = await conn.runAndReadAll(
    'SELECT count(*)::BIGINT AS n, count(*) FILTER (WHERE reason IS NOT NULL)::BIGINT AS bad FROM stage_rows',
  );
  const row = r.getRowObjectsJS()[0] as { n: bigint; bad: bigint };
  await conn.run('DROP VIEW stage_rows');
  await conn.run('DROP TABLE stage_lines');
  return {
    dataLines: Number(row.n),
    rejected: Number(row.bad),
    ...(blanks.length ? { lineOf } : {}),
  };
}

/** Whether DuckDB plans the query with a join (EXPLAIN only: nothing is read). */
export async function planHasJoin(conn: DuckDBConnection, sql: string): Promise<boolean> {
  const r = await conn.runAndReadAll(`EXPLAIN ${sql}`);
  return r.getRows().some((row) => /JOIN/.test(String(row[1])));
}

/** Whether any SQL of the spec refers to the line number (then the read keeps WITH ORDINALITY). */
function usesLine(spec: LinesSpec, sql: LinesSql): boolean {
  const texts = [
    sql.skip,
    sql.unreadable?.when ?? '',
    'split' in spec.fields ? spec.fields.split : '',
    ...Object.values(sql.typed),
    ...Object.values(sql.stage).filter((x): x is string => typeof x === 'string'),
    ...sql.checks.flatMap((c) => [c.raw, c.typed]),
  ];
  return texts.some((x) => /\bline\b/.test(x));
}

/** Index (1-based) of each wanted column in a header, by any of its aliases (case- and space-insensitive). */
export function headerIndex(
  header: string[],
  aliases: Record<string, string[]>,
): Record<string, number> {
  const norm = header.map((h) => h.trim().toLowerCase().replace(/^"|"$/g, ''));
  const out: Record<string, number> = {};
  for (const [key, names] of Object.entries(aliases)) {
    for (const n of names) {
      const i = norm.indexOf(n.toLowerCase());
      if (i >= 0) {
        out[key] = i + 1;
        break;
      }
    }
  }
  return out;
}

/** Throws a clear error naming the missing columns. */
export function requireColumns(
  file: string,
  what: string,
  idx: Record<string, number>,
  needed: string[],
): void {
  const missing = needed.filter((k) => !idx[k]);
  if (missing.length)
    throw new NetsiftError(
      `${file}: ${what} header lacks the column(s) ${missing.join(', ')}; cannot import`,
    );
}

/** First non-blank line of the sample. */
export function firstLine(lines: string[]): string {
  return (lines.find((l) => l.trim() !== '') ?? '').replace(/^\uFEFF/, '');
}

/** Epoch seconds (float text) to TIMESTAMP, exact to the microsecond. */
export function epochSeconds(x: string): string {
  return `make_timestamp(CAST(round(TRY_CAST(${x} AS DOUBLE) * 1000000) AS BIGINT))`;
}
