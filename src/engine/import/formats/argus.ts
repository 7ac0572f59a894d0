// Argus flows as CSV: the CTU-13 "binetflow" files (StartTime,Dur,Proto,SrcAddr,Sport,Dir,DstAddr,
// Dport,State,sTos,dTos,TotPkts,TotBytes,SrcBytes,Label) and the output of `ra -c ,` with its own
// column titles (SrcPkts, DstPkts, SrcBytes, DstBytes, LastTime, ...). Destination bytes are
// DstBytes, or TotBytes - SrcBytes; ports may be hex (ICMP type/code as 0x0303). StartTime is
// local capture time (the import's zone applies); ra's epoch output (-u) is read too.
import { NetsiftError } from '../../core/errors';
import type { FileSample, FormatImporter, LoadContext, LoadResult } from '../types';
import {
  byName,
  epochSeconds,
  firstLine,
  headerIndex,
  loadLines,
  requireColumns,
  toUtc,
  type Fields,
  type LinesSpec,
  type LinesSql,
} from './delimited-lines';
import { protoSql } from '../protocols';
import { argusStateSql } from './argus-states';

const ALIASES: Record<string, string[]> = {
  start: ['StartTime', 'stime'],
  last: ['LastTime', 'ltime'],
  dur: ['Dur'],
  proto: ['Proto'],
  saddr: ['SrcAddr', 'saddr'],
  sport: ['Sport'],
  dir: ['Dir'],
  daddr: ['DstAddr', 'daddr'],
  dport: ['Dport'],
  state: ['State'],
  totpkts: ['TotPkts'],
  totbytes: ['TotBytes'],
  srcpkts: ['SrcPkts'],
  dstpkts: ['DstPkts'],
  srcbytes: ['SrcBytes'],
  dstbytes: ['DstBytes'],
  label: ['Label'],
};

const TIME_FORMATS = `['%Y/%m/%d %H:%M:%S.%f', '%Y/%m/%d %H:%M:%S', '%Y-%m-%d %H:%M:%S.%f', '%Y-%m-%d %H:%M:%S',
  '%Y/%m/%d.%H:%M:%S.%f', '%Y-%m-%dT%H:%M:%S.%f', '%Y-%m-%dT%H:%M:%S']`;

function splitHeader(line: string): string[] {
  return line.split(',').map((c) => c.trim());
}

export const argusFormat: FormatImporter = {
  id: 'argus',
  title: 'Argus flows as CSV (CTU-13 binetflow, ra -c ,)',
  sniff(sample: FileSample): number {
    const cols = splitHeader(firstLine(sample.lines)).map((c) => c.toLowerCase());
    const has = (c: string) => cols.includes(c.toLowerCase());
    if (has('StartTime') && has('SrcAddr') && has('DstAddr') && (has('Dir') || has('State')))
      return 0.95;
    if ((has('StartTime') || has('stime')) && has('SrcAddr') && has('DstAddr')) return 0.8;
    return 0;
  },
  async load(ctx: LoadContext): Promise<LoadResult> {
    const headLine = firstLine(ctx.sample.lines);
    const header = splitHeader(headLine);
    const idx = headerIndex(header, ALIASES);
    requireColumns(ctx.path, 'Argus', idx, ['start', 'proto', 'saddr', 'daddr']);
    const headerNo = ctx.sample.lines.findIndex((x) => x.trim() !== '') + 1;
    // ra prints only the time of day unless told otherwise: there is no date to import
    const first = ctx.sample.lines.slice(headerNo).find((x) => x.trim() !== '');
    const startText = first?.split(',')[idx.start - 1]?.trim() ?? '';
    if (/^\d\d:\d\d:\d\d(\.\d+)?$/.test(startText))
      throw new NetsiftError(
        `${ctx.path}: line ${headerNo + 1}: StartTime "${startText}" has no date; re-run ra with -u (epoch seconds) or with a date in RA_TIME_FORMAT (e.g. "%Y/%m/%d %T.%f")`,
      );
    const has = (k: string) => !!idx[k];
    const sql = (f: Fields): LinesSql => {
      const v = byName(f, idx);
      const int = (k: string) => `TRY_CAST(${v(k)} AS BIGINT)`; // DuckDB reads 0x.. hex too
      const start = v('start');
      const local = `coalesce(try_strptime(${start}, ${TIME_FORMATS}), NULL)`;
      const typed: Record<string, string> = {
        t_ts: `CASE WHEN regexp_full_match(${start}, '[0-9]+(\\.[0-9]+)?') THEN ${epochSeconds(start)} ELSE ${toUtc(local, ctx.tz)} END`,
        t_dur: `TRY_CAST(${v('dur')} AS DOUBLE)`,
        t_last: has('last')
          ? `CASE WHEN regexp_full_match(${v('last')}, '[0-9]+(\\.[0-9]+)?') THEN ${epochSeconds(v('last'))} ELSE ${toUtc(`try_strptime(${v('last')}, ${TIME_FORMATS})`, ctx.tz)} END`
          : 'NULL',
        t_proto: protoSql(v('proto')),
        t_sp: int('sport'),
        t_dp: int('dport'),
        t_tb: int('totbytes'),
        t_sb: int('srcbytes'),
        t_db: int('dstbytes'),
        t_tp: int('totpkts'),
        t_spk: int('srcpkts'),
        t_dpk: int('dstpkts'),
        t_state: `upper(${v('state')})`,
      };
      return {
        skip: 'false',
        typed,
        checks: [
          {
            name: 'StartTime',
            raw: start,
            typed: 't_ts',
            what: 'a time (YYYY/MM/DD HH:MM:SS.ffffff)',
          },
          { name: 'Dur', raw: v('dur'), typed: 't_dur', what: 'a duration in seconds' },
          { name: 'Sport', raw: v('sport'), typed: 't_sp', what: 'a port number' },
          { name: 'Dport', raw: v('dport'), typed: 't_dp', what: 'a port number' },
          { name: 'TotBytes', raw: v('totbytes'), typed: 't_tb', what: 'a byte count' },
          { name: 'SrcBytes', raw: v('srcbytes'), typed: 't_sb', what: 'a byte count' },
          { name: 'DstBytes', raw: v('dstbytes'), typed: 't_db', what: 'a byte count' },
          { name: 'TotPkts', raw: v('totpkts'), typed: 't_tp', what: 'a packet count' },
          { name: 'SrcPkts', raw: v('srcpkts'), typed: 't_spk', what: 'a packet count' },
          { name: 'DstPkts', raw: v('dstpkts'), typed: 't_dpk', what: 'a packet count' },
        ],
        stage: {
          ts: 't_ts',
          ts_end: `coalesce(t_last, t_ts + to_microseconds(CAST(round(coalesce(t_dur, 0) * 1000000) AS BIGINT)))`,
          proto: 't_proto',
          state: argusStateSql('t_state', 't_proto'),
          state_raw: 't_state',
          src_ip: v('saddr'),
          src_port: 't_sp',
          dst_ip: v('daddr'),
          dst_port: 't_dp',
          src_bytes: has('srcbytes') ? 't_sb' : 't_tb',
          dst_bytes: has('dstbytes') ? 't_db' : has('srcbytes') ? 't_tb - t_sb' : '0',
          src_pkts: has('srcpkts') ? 't_spk' : 'NULL',
          dst_pkts: has('dstpkts') ? 't_dpk' : has('srcpkts') ? 't_tp - t_spk' : 'NULL',
          label: has('label') ? v('label') : undefined,
        },
      };
    };
    const spec: LinesSpec = { fields: { delim: ',', count: header.length }, header: true, sql };
    const r = await loadLines(ctx, spec);
    return {
      dataLines: r.dataLines,
      lineOf: r.lineOf,
      details: {
        columns: header.length,
        dst_bytes: has('dstbytes')
          ? 'DstBytes'
          : has('srcbytes')
            ? 'TotBytes - SrcBytes'
            : 'unknown (0)',
        packets: has('srcpkts') ? 'per direction' : 'TotPkts only: per-direction packets unknown',
        label: has('label'),
      },
    };
  },
};
