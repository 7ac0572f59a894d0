// nfdump's CSV (`nfdump -o csv`): the classic header `ts,te,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,
// ibyt,opkt,obyt,...` (1.6 and 1.7.0/1.7.1), and the long-name header of later 1.7 releases
// (firstSeen,lastSeen,duration,srcAddr,...). The trailing "Summary" block nfdump appends (a title,
// a header and one line of totals) is not flow data: its lines are counted as non-data and named in
// the import details. Times are the local time of the machine that ran nfdump (the import's zone
// applies). NetFlow is unidirectional: in = source -> destination, out (when present) = back.
import { NetsiftError } from '../../core/errors';
import type { FileSample, FormatImporter, LoadContext, LoadResult } from '../types';
import {
  byName,
  firstLine,
  headerIndex,
  columnsSource,
  loadLines,
  requireColumns,
  toUtc,
  type Fields,
  type LinesSpec,
  type LinesSql,
} from './delimited-lines';
import { protoSql } from '../protocols';

const ALIASES: Record<string, string[]> = {
  ts: ['ts', 'firstSeen', 'first', 'tstart'],
  te: ['te', 'lastSeen', 'last', 'tend'],
  td: ['td', 'duration'],
  sa: ['sa', 'srcAddr', 'srcaddr', 'srcip'],
  da: ['da', 'dstAddr', 'dstaddr', 'dstip'],
  sp: ['sp', 'srcPort', 'srcport'],
  dp: ['dp', 'dstPort', 'dstport'],
  pr: ['pr', 'proto', 'protocol'],
  flg: ['flg', 'flags', 'tcpFlags'],
  ipkt: ['ipkt', 'inPackets', 'packets', 'pkt'],
  ibyt: ['ibyt', 'inBytes', 'bytes', 'byt'],
  opkt: ['opkt', 'outPackets'],
  obyt: ['obyt', 'outBytes'],
};

const TIME_FORMATS = `['%Y-%m-%d %H:%M:%S.%f', '%Y-%m-%d %H:%M:%S', '%Y-%m-%dT%H:%M:%S.%f', '%Y-%m-%dT%H:%M:%S']`;

function header(sample: FileSample): string[] {
  return firstLine(sample.lines)
    .split(',')
    .map((c) => c.trim());
}

/** 'classic' for ts,te,td,sa,da,... and 'long' for firstSeen,lastSeen,... */
export function nfdumpStyle(cols: string[]): 'classic' | 'long' | null {
  const c = cols.map((x) => x.toLowerCase());
  if (c[0] === 'ts' && c.includes('te') && c.includes('sa') && c.includes('da') && c.includes('pr'))
    return 'classic';
  if (c.includes('firstseen') && c.includes('srcaddr') && c.includes('dstaddr')) return 'long';
  return null;
}

/** Loads nfdump CSV text; `source` overrides the file read (nfcapd output) and `totalLines` its line count. */
export async function loadNfdumpCsv(
  ctx: LoadContext,
  opts: { source?: string; totalLines?: number; blankLines?: number[] } = {},
): Promise<LoadResult> {
  const source = opts.source;
  const cols = header(ctx.sample);
  const style = nfdumpStyle(cols);
  const idx = headerIndex(cols, ALIASES);
  requireColumns(ctx.path, 'nfdump CSV', idx, ['ts', 'sa', 'da', 'pr']);
  const src = source ?? columnsSource(ctx.path, ctx.sample.gzip, ',', cols.length, ctx.size);
  // the Summary block starts at a line that is exactly "Summary"; nfdump prints "No matching
  // flows" just before it when the file holds none (an nfcapd file of a quiet interval)
  const r = await ctx.conn.runAndReadAll(
    `SELECT min(ordinality)::BIGINT AS s FROM ${src} WHERE trim(c1, E' \\r') = 'Summary'`,
  );
  let summaryAt = (r.getRowObjectsJS()[0] as { s: bigint | null }).s;
  if (summaryAt !== null) {
    const none = await ctx.conn.runAndReadAll(
      `SELECT count(*)::BIGINT AS n FROM ${src} WHERE ordinality = ${summaryAt - 1n} AND trim(c1, E' \\r') = 'No matching flows'`,
    );
    if ((none.getRowObjectsJS()[0] as { n: bigint }).n > 0n) summaryAt -= 1n;
  }
  const has = (k: string) => !!idx[k];
  const sql = (f: Fields): LinesSql => {
    const v = byName(f, idx);
    const time = (x: string) =>
      `CASE WHEN regexp_full_match(${x}, '[0-9]{12,}') THEN make_timestamp(TRY_CAST(${x} AS BIGINT) * 1000)
      ELSE ${toUtc(`try_strptime(${x}, ${TIME_FORMATS})`, ctx.tz)} END`;
    return {
      skip: summaryAt !== null ? `line >= ${summaryAt}` : 'false',
      typed: {
        t_ts: time(v('ts')),
        t_te: has('te') ? time(v('te')) : 'NULL',
        t_proto: protoSql(v('pr')),
        t_sp: `TRY_CAST(${v('sp')} AS BIGINT)`,
        t_dp: `TRY_CAST(${v('dp')} AS BIGINT)`,
        t_flg: `upper(${v('flg')})`,
        t_ipkt: `TRY_CAST(${v('ipkt')} AS BIGINT)`,
        t_ibyt: `TRY_CAST(${v('ibyt')} AS BIGINT)`,
        t_opkt: `TRY_CAST(${v('opkt')} AS BIGINT)`,
        t_obyt: `TRY_CAST(${v('obyt')} AS BIGINT)`,
      },
      checks: [
        { name: 'ts', raw: v('ts'), typed: 't_ts', what: 'a time (YYYY-MM-DD HH:MM:SS)' },
        { name: 'te', raw: v('te'), typed: 't_te', what: 'a time (YYYY-MM-DD HH:MM:SS)' },
        { name: 'sp', raw: v('sp'), typed: 't_sp', what: 'a port number' },
        { name: 'dp', raw: v('dp'), typed: 't_dp', what: 'a port number' },
        { name: 'ipkt', raw: v('ipkt'), typed: 't_ipkt', what: 'a packet count' },
        { name: 'ibyt', raw: v('ibyt'), typed: 't_ibyt', what: 'a byte count' },
        { name: 'opkt', raw: v('opkt'), typed: 't_opkt', what: 'a packet count' },
        { name: 'obyt', raw: v('obyt'), typed: 't_obyt', what: 'a byte count' },
      ],
      stage: {
        ts: 't_ts',
        ts_end: 't_te',
        proto: 't_proto',
        // flags as nfdump prints them: "...AP.SF" (one letter per flag, dots for unset)
        state: `CASE WHEN t_proto = 'tcp' THEN (CASE WHEN contains(t_flg, 'R') THEN 'reset' WHEN contains(t_flg, 'F') THEN 'closed'
          WHEN contains(t_flg, 'S') AND NOT contains(t_flg, 'A') THEN 'connecting' WHEN contains(t_flg, 'A') THEN 'established'
          ELSE 'other' END)
        WHEN coalesce(t_opkt, 0) > 0 THEN 'established' ELSE 'new' END`,
        state_raw: 't_flg',
        src_ip: v('sa'),
        // nfdump shows ICMP type and code as dst port type*256+code: split them like Zeek does
        src_port: `CASE WHEN t_proto IN ('icmp', 'icmp6') THEN t_dp // 256 ELSE t_sp END`,
        dst_ip: v('da'),
        dst_port: `CASE WHEN t_proto IN ('icmp', 'icmp6') THEN t_dp % 256 ELSE t_dp END`,
        src_bytes: 't_ibyt',
        dst_bytes: 'coalesce(t_obyt, 0)',
        src_pkts: 't_ipkt',
        dst_pkts: has('opkt') ? 't_opkt' : 'NULL',
      },
    };
  };
  const spec: LinesSpec = { fields: { delim: ',', count: cols.length }, header: true, sql };
  const res = await loadLines(ctx, spec, src, opts.blankLines);
  let summaryLines = 0;
  if (summaryAt !== null) {
    const scan = opts.totalLines === undefined ? await ctx.scan : null;
    const total = opts.totalLines ?? scan!.lines - scan!.blankLines;
    summaryLines = Math.max(0, total - Number(summaryAt) + 1);
  }
  return {
    dataLines: res.dataLines,
    lineOf: res.lineOf,
    details: {
      nfdumpCsv: style ?? 'unknown',
      ...(summaryAt !== null
        ? {
            summary: {
              firstLine: Number(summaryAt),
              lines: summaryLines,
              note: "nfdump's Summary block: not flow data, not imported",
            },
          }
        : {}),
    },
  };
}

export const nfdumpCsvFormat: FormatImporter = {
  id: 'nfdump-csv',
  title: 'nfdump CSV (nfdump -o csv)',
  sniff(sample: FileSample): number {
    const s = nfdumpStyle(header(sample));
    return s === 'classic' ? 0.95 : s === 'long' ? 0.9 : 0;
  },
  async load(ctx: LoadContext): Promise<LoadResult> {
    if (!nfdumpStyle(header(ctx.sample)))
      throw new NetsiftError(`${ctx.path}: not an nfdump CSV header`);
    return loadNfdumpCsv(ctx);
  },
};
