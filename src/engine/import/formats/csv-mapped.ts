// Any CSV with a header, through a column mapping: common column names (ts/timestamp/StartTime,
// src/srcip/SrcAddr/id.orig_h, sport, dport, proto, state, bytes...) are found automatically and
// ImportOptions.mapping overrides them. DuckDB reads every column as text (its rejects keep the
// structural errors with line numbers); values are parsed in SQL, and a value that is present but
// does not parse becomes a reject naming the column and the value.
import { NetsiftError } from '../../core/errors';
import { all, literal } from '../../store/sql';
import { ordinalsToLines } from '../line-map';
import { protoSql } from '../protocols';
import { quotedRows } from '../quoted-rows';
import type { FileSample, FormatImporter, LoadContext, LoadResult, MappedField } from '../types';
import { readerError, rejectReasonsSql } from './seed';

/** Candidate header names per field, compared after lower-casing and dropping non-alphanumerics. */
export const FIELD_NAMES: Record<MappedField, string[]> = {
  ts: [
    'ts',
    'timestamp',
    'starttime',
    'stime',
    'start',
    'time',
    'firstseen',
    'flowstart',
    'datefirstseen',
    'te_start',
  ],
  ts_end: ['tsend', 'endtime', 'ltime', 'lastseen', 'flowend', 'end'],
  duration: ['duration', 'dur'],
  proto: ['proto', 'protocol', 'ipprotocol', 'prot', 'pr'],
  state: ['state', 'connstate', 'flowstate'],
  src_ip: [
    'src',
    'srcip',
    'srcaddr',
    'source',
    'sourceip',
    'sa',
    'idorigh',
    'ipv4srcaddr',
    'saddr',
  ],
  src_port: ['sport', 'srcport', 'idorigp', 'sourceport', 'sp', 'l4srcport'],
  dst_ip: [
    'dst',
    'dstip',
    'dstaddr',
    'destination',
    'destinationip',
    'da',
    'idresph',
    'ipv4dstaddr',
    'daddr',
  ],
  dst_port: ['dport', 'dstport', 'idrespp', 'destinationport', 'dp', 'l4dstport'],
  src_bytes: ['srcbytes', 'origbytes', 'sbytes', 'srctx', 'inbytes'],
  dst_bytes: ['dstbytes', 'respbytes', 'dbytes', 'dsttx', 'outbytes'],
  total_bytes: ['bytes', 'totbytes', 'totalbytes', 'byt', 'ibyt'],
  src_pkts: ['srcpkts', 'origpkts', 'spkts', 'inpkts'],
  dst_pkts: ['dstpkts', 'resppkts', 'dpkts', 'outpkts'],
  total_pkts: ['pkts', 'packets', 'totpkts', 'totalpkts', 'ipkt'],
  label: ['label'],
};

const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

const DELIMS = [',', '\t', ';', '|'];

export function detectDelimiter(header: string): string {
  let best = ',';
  let n = 0;
  for (const d of DELIMS) {
    const c = header.split(d).length - 1;
    if (c > n) {
      best = d;
      n = c;
    }
  }
  return best;
}

/** Splits a header line (quotes around names allowed, no delimiters inside them). */
export function headerColumns(header: string, delim: string): string[] {
  return header
    .replace(/^\uFEFF/, '')
    .split(delim)
    .map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
}

/** Column index per field: explicit mapping first, then the first column with a known name. */
export function resolveMapping(
  columns: string[],
  explicit: Partial<Record<MappedField, string>> = {},
): Partial<Record<MappedField, number>> {
  const out: Partial<Record<MappedField, number>> = {};
  const used = new Set<number>();
  for (const [field, col] of Object.entries(explicit) as [MappedField, string][]) {
    if (!(field in FIELD_NAMES))
      throw new NetsiftError(
        `--map ${field}=${col}: unknown field; fields: ${Object.keys(FIELD_NAMES).join(', ')}`,
        'usage',
      );
    const i = columns.findIndex((c) => c === col);
    const j = i >= 0 ? i : columns.findIndex((c) => c.toLowerCase() === col.toLowerCase());
    if (j < 0)
      throw new NetsiftError(
        `--map ${field}=${col}: no column "${col}" in the header (${columns.join(', ')})`,
        'usage',
      );
    out[field] = j;
    used.add(j);
  }
  const normed = columns.map(norm);
  for (const [field, names] of Object.entries(FIELD_NAMES) as [MappedField, string[]][]) {
    if (out[field] !== undefined) continue;
    for (const n of names) {
      const i = normed.findIndex((c, k) => c === n && !used.has(k));
      if (i >= 0) {
        out[field] = i;
        used.add(i);
        break;
      }
    }
  }
  return out;
}

/** Timestamp text -> UTC TIMESTAMP: epoch seconds/ms, ISO with zone, or zone-less local time in $tz. */
function tsSql(x: string, zoned: boolean): string {
  const local = (e: string) => (zoned ? `timezone('UTC', timezone($1, ${e}))` : e);
  return `CASE WHEN ${x} IS NULL THEN NULL
  WHEN regexp_full_match(${x}, '\\d{9,10}(\\.\\d+)?') THEN make_timestamp(CAST(round(TRY_CAST(${x} AS DOUBLE) * 1000000) AS BIGINT))
  WHEN regexp_full_match(${x}, '\\d{12,13}') THEN make_timestamp(TRY_CAST(${x} AS BIGINT) * 1000)
  WHEN regexp_matches(${x}, '(Z|[+-]\\d\\d:?\\d\\d)$') THEN timezone('UTC', TRY_CAST(${x} AS TIMESTAMPTZ))
  ELSE ${local(`coalesce(TRY_CAST(replace(${x}, '/', '-') AS TIMESTAMP), try_strptime(${x}, ['%m/%d/%Y %H:%M:%S', '%m/%d/%Y %H:%M', '%m/%d/%Y %I:%M:%S %p', '%m/%d/%Y %I:%M %p']))`)}
END`;
}

/** States of the common vocabularies (seed, Zeek conn_state, Argus) onto netsift's. */
const STATE_SQL = (x: string) => `CASE WHEN ${x} IS NULL THEN 'other' ELSE CASE upper(${x})
  WHEN 'NEW' THEN 'new' WHEN 'CONNECTING' THEN 'connecting' WHEN 'ESTABLISHED' THEN 'established'
  WHEN 'CLOSING' THEN 'closing' WHEN 'CLOSED' THEN 'closed' WHEN 'RESET' THEN 'reset'
  WHEN 'S0' THEN 'connecting' WHEN 'S1' THEN 'established' WHEN 'SF' THEN 'closed' WHEN 'REJ' THEN 'reset'
  WHEN 'S2' THEN 'closing' WHEN 'S3' THEN 'closing' WHEN 'SH' THEN 'closing' WHEN 'SHR' THEN 'closing'
  WHEN 'RSTO' THEN 'reset' WHEN 'RSTR' THEN 'reset' WHEN 'RSTOS0' THEN 'reset' WHEN 'RSTRH' THEN 'reset'
  WHEN 'INT' THEN 'new' WHEN 'REQ' THEN 'connecting' WHEN 'CON' THEN 'established' WHEN 'ACC' THEN 'established'
  WHEN 'FIN' THEN 'closed' WHEN 'CLO' THEN 'closed' WHEN 'RST' THEN 'reset'
  ELSE 'other' END END`;

function headerLine(sample: FileSample): string | undefined {
  return sample.lines.find((l) => l.trim() !== '');
}

export const csvMappedFormat: FormatImporter = {
  id: 'csv-mapped',
  title: 'CSV with a header, columns mapped by name (override with --map field=column)',

  sniff(sample: FileSample): number {
    const header = headerLine(sample);
    if (!header || /^\s*[{<[]/.test(header)) return 0;
    const m = resolveMapping(headerColumns(header, detectDelimiter(header)));
    if (m.src_ip === undefined || m.dst_ip === undefined) return 0;
    return m.ts !== undefined ? 0.6 : 0.3;
  },

  async load(ctx: LoadContext): Promise<LoadResult> {
    const header = headerLine(ctx.sample);
    if (!header) throw new NetsiftError(`${ctx.path}: no header line`, 'input');
    const delim = detectDelimiter(header);
    const columns = headerColumns(header, delim);
    const map = resolveMapping(columns, ctx.options.mapping);
    const missing = (['ts', 'src_ip', 'dst_ip'] as MappedField[]).filter(
      (f) => map[f] === undefined,
    );
    if (missing.length)
      throw new NetsiftError(
        `${ctx.path}: no column for ${missing.join(', ')} (columns: ${columns.join(', ')}); ` +
          `name it with --map ${missing[0]}=COLUMN`,
        'usage',
      );
    const headerLineNo = ctx.sample.lines.indexOf(header) + 1;
    const colSpec = `{${columns.map((_, i) => `'c${i}': 'VARCHAR'`).join(', ')}}`;
    try {
      await ctx.conn.run(`CREATE TEMP TABLE csv_raw AS SELECT * FROM read_csv(${literal(ctx.path)},
        header = true, skip = ${headerLineNo - 1}, auto_detect = false, delim = ${literal(delim)}, quote = '"', escape = '"',
        compression = '${ctx.sample.gzip ? 'gzip' : 'none'}', columns = ${colSpec},
        store_rejects = true, rejects_table = 'csv_reject_errors', rejects_scan = 'csv_reject_scans')`);
    } catch (e) {
      throw readerError(ctx.path, e, ctx.sample);
    }
    ctx.job.checkCancelled();
    // text of a mapped column, with empty and '-' (Zeek's unset) as NULL
    const col = (f: MappedField) =>
      map[f] === undefined ? 'NULL::VARCHAR' : `nullif(nullif(trim(c${map[f]}), ''), '-')`;
    const zoned = ctx.tz !== 'UTC';
    const num = (f: MappedField) => `TRY_CAST(${col(f)} AS BIGINT)`;
    const bad = (f: MappedField, what: string) =>
      map[f] === undefined
        ? ''
        : `WHEN ${col(f)} IS NOT NULL AND ${num(f)} IS NULL THEN '${columns[map[f]!].replace(/'/g, "''")}: ' || ${col(f)} || ' ${what}'`;
    const tsBad = (f: MappedField) =>
      map[f] === undefined
        ? ''
        : `WHEN ${col(f)} IS NOT NULL AND ${tsSql(col(f), zoned)} IS NULL THEN '${columns[map[f]!].replace(/'/g, "''")}: ' || ${col(f)} || ' is not a timestamp'`;
    const reasons = [
      tsBad('ts'),
      tsBad('ts_end'),
      map.duration === undefined
        ? ''
        : `WHEN ${col('duration')} IS NOT NULL AND TRY_CAST(${col('duration')} AS DOUBLE) IS NULL THEN '${columns[map.duration].replace(/'/g, "''")}: ' || ${col('duration')} || ' is not a duration in seconds'`,
      bad('src_port', 'is not a port (0-65535)'),
      bad('dst_port', 'is not a port (0-65535)'),
      bad('src_bytes', 'is not a byte count'),
      bad('dst_bytes', 'is not a byte count'),
      bad('total_bytes', 'is not a byte count'),
      bad('src_pkts', 'is not a packet count'),
      bad('dst_pkts', 'is not a packet count'),
      bad('total_pkts', 'is not a packet count'),
    ].filter(Boolean);
    const reasonSql = reasons.length ? `CASE ${reasons.join(' ')} END` : 'NULL::VARCHAR';
    const ts = tsSql(col('ts'), zoned);
    const tsEnd =
      map.ts_end !== undefined
        ? tsSql(col('ts_end'), zoned)
        : map.duration !== undefined
          ? `${ts} + to_microseconds(CAST(round(TRY_CAST(${col('duration')} AS DOUBLE) * 1000000) AS BIGINT))`
          : 'NULL::TIMESTAMP';
    const srcBytes = map.src_bytes !== undefined ? num('src_bytes') : num('total_bytes');
    const dstBytes =
      map.dst_bytes !== undefined
        ? num('dst_bytes')
        : map.total_bytes !== undefined && map.src_bytes !== undefined
          ? `${num('total_bytes')} - ${num('src_bytes')}`
          : 'NULL::BIGINT';
    const dstPkts =
      map.dst_pkts !== undefined
        ? num('dst_pkts')
        : map.total_pkts !== undefined && map.src_pkts !== undefined
          ? `${num('total_pkts')} - ${num('src_pkts')}`
          : 'NULL::BIGINT';
    const params = zoned ? [ctx.tz] : [];
    await ctx.conn.run(
      `CREATE TEMP TABLE csv_parsed AS SELECT rowid AS ord, ${reasonSql} AS reason, * FROM csv_raw`,
    );
    const scan = await ctx.scan;
    const rejected = await all<{ line: number }>(
      ctx.conn,
      'SELECT DISTINCT line FROM csv_reject_errors',
    );
    const accepted = (await all<{ n: number }>(ctx.conn, 'SELECT count(*) AS n FROM csv_raw'))[0].n;
    const blankBefore = scan.blankLineNumbers.filter((n) => n < headerLineNo).length;
    // one record per physical line unless a quoted value holds a line break (then there are fewer)
    const oneLineEach =
      accepted + rejected.length + scan.blankLines + (headerLineNo - blankBefore) === scan.lines;
    let lineOf: (ordinals: number[]) => Promise<number[]>;
    if (oneLineEach) {
      const skipped = [
        ...Array.from({ length: headerLineNo }, (_, i) => i + 1),
        ...scan.blankLineNumbers,
        ...rejected.map((r) => r.line),
      ];
      lineOf = async (ordinals: number[]) => ordinalsToLines(ordinals, skipped);
    } else {
      lineOf = await multiLineRows(ctx, {
        headerLineNo,
        accepted,
        rejectedRows: rejected.map((r) => r.line),
        columns,
      });
    }
    await ctx.conn.run(
      `INSERT INTO stage_flows (line, ts, ts_end, proto, state, state_raw, src_ip, src_port, dst_ip, dst_port,
         src_bytes, dst_bytes, src_pkts, dst_pkts, label, raw)
       SELECT ord, ${ts}, ${tsEnd}, ${map.proto === undefined ? "'unknown'" : protoSql(col('proto'))},
         ${STATE_SQL(col('state'))}, ${col('state')}, ${col('src_ip')}, ${num('src_port')}, ${col('dst_ip')}, ${num('dst_port')},
         ${srcBytes}, ${dstBytes}, ${num('src_pkts')}, ${dstPkts}, ${col('label')},
         concat_ws(${literal(delim)}, ${columns.map((_, i) => `c${i}`).join(', ')})
       FROM csv_parsed WHERE reason IS NULL`,
      params,
    );
    await ctx.conn.run(
      `INSERT INTO stage_rejects (line, raw, reason) ${rejectReasonsSql('csv_reject_errors', columns.length, {}, columns)}`,
    );
    // values present but unparseable: rejects with their lines (few rows)
    const failed = await all<{ ord: number; raw: string; reason: string }>(
      ctx.conn,
      `SELECT ord, concat_ws(${literal(delim)}, ${columns.map((_, i) => `c${i}`).join(', ')}) AS raw, reason
       FROM csv_parsed WHERE reason IS NOT NULL`,
    );
    if (failed.length) {
      const lines = await lineOf(failed.map((f) => f.ord));
      const app = await ctx.conn.createAppender('stage_rejects', 'main', 'temp');
      failed.forEach((f, i) => {
        app.appendBigInt(BigInt(lines[i]));
        app.appendVarchar(f.raw);
        app.appendVarchar(f.reason);
        app.endRow();
      });
      app.closeSync();
    }
    const mapping = Object.fromEntries(
      Object.entries(map).map(([f, i]) => [f, columns[i as number]]),
    );
    return {
      dataLines: scan.lines - scan.blankLines - (headerLineNo - blankBefore),
      details: { delimiter: delim, mapping },
      lineOf,
    };
  },
};

/**
 * For a file where some quoted value holds a line break: the physical line of every record (from a
 * pass that follows the quotes, see quoted-rows.ts). DuckDB's reject lines are row numbers then,
 * and are turned into lines here. A record that spans lines is rejected (naming its first such
 * column and its lines) and so is each further line it covers, so every data line is still a flow
 * or a reject. Returns lineOf for the accepted records' ordinals.
 */
async function multiLineRows(
  ctx: LoadContext,
  a: { headerLineNo: number; accepted: number; rejectedRows: number[]; columns: string[] },
): Promise<(ordinals: number[]) => Promise<number[]>> {
  const scan = await ctx.scan;
  const rows = await quotedRows(ctx.path, ctx.sample.gzip);
  const rejected = new Set(a.rejectedRows);
  const blank = new Set(scan.blankLineNumbers);
  const acceptedRows: number[] = []; // 0-based row index of each accepted record
  const continuation: { line: number; first: number }[] = [];
  for (let r = a.headerLineNo; r < rows.start.length; r++) {
    const first = rows.start[r];
    for (let l = first + 1; l < first + rows.span[r]; l++)
      if (!blank.has(l)) continuation.push({ line: l, first });
    if (rejected.has(r + 1) || (rows.span[r] === 1 && blank.has(first))) continue;
    acceptedRows.push(r);
  }
  if (acceptedRows.length !== a.accepted)
    throw new NetsiftError(
      `${ctx.path}: a quoted value holds a line break, and its records could not be matched to the ` +
        `file's lines (${acceptedRows.length} found, DuckDB read ${a.accepted}); nothing imported`,
      'input',
    );
  const conn = ctx.conn;
  // DuckDB's reject lines are row numbers: make them lines
  await conn.run('CREATE TEMP TABLE csv_row_lines (row BIGINT, line BIGINT)');
  let app = await conn.createAppender('csv_row_lines', 'main', 'temp');
  for (const row of rejected) {
    app.appendBigInt(BigInt(row));
    app.appendBigInt(BigInt(rows.start[row - 1] ?? row));
    app.endRow();
  }
  app.closeSync();
  await conn.run(
    'UPDATE csv_reject_errors SET line = m.line FROM csv_row_lines m WHERE csv_reject_errors.line = m.row',
  );
  // accepted records that span lines: rejected, naming the first column with a line break
  await conn.run('CREATE TEMP TABLE csv_multi (ord BIGINT, first BIGINT, last BIGINT)');
  app = await conn.createAppender('csv_multi', 'main', 'temp');
  acceptedRows.forEach((r, ord) => {
    if (rows.span[r] === 1) return;
    app.appendBigInt(BigInt(ord));
    app.appendBigInt(BigInt(rows.start[r]));
    app.appendBigInt(BigInt(rows.start[r] + rows.span[r] - 1));
    app.endRow();
  });
  app.closeSync();
  const which = `CASE ${a.columns.map((c, i) => `WHEN contains(c${i}, chr(10)) THEN ${literal(c)}`).join(' ')} ELSE 'a field' END`;
  await conn.run(
    `UPDATE csv_parsed SET reason = ${which} || ': a quoted value spans lines ' || m.first || '-' || m.last ||
       ' (a line break inside quotes)'
     FROM csv_multi m WHERE csv_parsed.ord = m.ord`,
  );
  app = await conn.createAppender('stage_rejects', 'main', 'temp');
  for (const c of continuation) {
    app.appendBigInt(BigInt(c.line));
    app.appendVarchar('');
    app.appendVarchar(`continues the quoted value of line ${c.first}`);
    app.endRow();
  }
  app.closeSync();
  return async (ordinals) => ordinals.map((k) => rows.start[acceptedRows[k]]);
}
