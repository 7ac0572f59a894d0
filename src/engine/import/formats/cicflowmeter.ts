// CICFlowMeter CSV (CIC-IDS2017/2018 and re-extractions): 80-90 columns, headers with or without
// leading spaces and in several spellings, protocol numbers, `Timestamp` as ISO or day-first
// ("06/07/2017 08:59:50 AM", "14/02/2018 08:31:01", "7/7/2017 8:59"), local time of the capture
// (the import's zone applies). Forward = source, backward = destination. CICFlowMeter has no
// connection state: it is derived from the flag counts (RST: reset, FIN: closed, ...).
import { literal } from '../../store/sql';
import type { FileSample, FormatImporter, LoadContext, LoadResult } from '../types';
import {
  byName,
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

const ALIASES: Record<string, string[]> = {
  src: ['Src IP', 'Source IP', 'src_ip'],
  sport: ['Src Port', 'Source Port', 'src_port'],
  dst: ['Dst IP', 'Destination IP', 'dst_ip'],
  dport: ['Dst Port', 'Destination Port', 'dst_port'],
  proto: ['Protocol', 'protocol'],
  ts: ['Timestamp', 'timestamp'],
  dur: ['Flow Duration', 'flow_duration'],
  fpk: ['Total Fwd Packets', 'Tot Fwd Pkts', 'Total Fwd Packet', 'tot_fwd_pkts'],
  bpk: [
    'Total Backward Packets',
    'Tot Bwd Pkts',
    'Total Bwd packets',
    'Total Bwd Packets',
    'tot_bwd_pkts',
  ],
  fby: [
    'Total Length of Fwd Packets',
    'TotLen Fwd Pkts',
    'Total Length of Fwd Packet',
    'totlen_fwd_pkts',
  ],
  bby: [
    'Total Length of Bwd Packets',
    'TotLen Bwd Pkts',
    'Total Length of Bwd Packet',
    'totlen_bwd_pkts',
  ],
  syn: ['SYN Flag Count', 'SYN Flag Cnt'],
  fin: ['FIN Flag Count', 'FIN Flag Cnt'],
  rst: ['RST Flag Count', 'RST Flag Cnt'],
  label: ['Label', 'label'],
};

const TIME_FORMATS = `['%Y-%m-%d %H:%M:%S.%f', '%Y-%m-%d %H:%M:%S', '%d/%m/%Y %I:%M:%S %p', '%d/%m/%Y %H:%M:%S',
  '%d/%m/%Y %I:%M %p', '%d/%m/%Y %H:%M', '%Y-%m-%dT%H:%M:%S.%f', '%Y-%m-%dT%H:%M:%S']`;

function headerCols(sample: FileSample): string[] {
  return firstLine(sample.lines).split(',');
}

export const cicflowmeterFormat: FormatImporter = {
  id: 'cicflowmeter',
  title: 'CICFlowMeter CSV (CIC-IDS2017/2018)',
  sniff(sample: FileSample): number {
    const idx = headerIndex(headerCols(sample), ALIASES);
    const cols = headerCols(sample).map((c) => c.trim().toLowerCase());
    const cic = cols.includes('flow id') || (!!idx.dur && !!idx.fpk && !!idx.bpk);
    if (!cic) return 0;
    return idx.src && idx.dst && idx.ts ? 0.95 : 0.7;
  },
  async load(ctx: LoadContext): Promise<LoadResult> {
    const header = headerCols(ctx.sample);
    const idx = headerIndex(header, ALIASES);
    requireColumns(ctx.path, 'CICFlowMeter', idx, ['src', 'dst', 'ts', 'proto']);
    const has = (k: string) => !!idx[k];
    const sql = (f: Fields): LinesSql => {
      const v = byName(f, idx);
      // counts are whole numbers but some exports write 2.0
      const count = (k: string) => `CAST(TRY_CAST(${v(k)} AS DOUBLE) AS BIGINT)`;
      return {
        // the repeated headers some CIC-IDS2018 files carry mid-file
        skip: `${f.raw(1)} = ${literal(header[0])} AND ${f.raw(2)} = ${literal(header[1] ?? '')}`,
        typed: {
          t_ts: toUtc(`try_strptime(${v('ts')}, ${TIME_FORMATS})`, ctx.tz),
          t_dur: `TRY_CAST(${v('dur')} AS DOUBLE)`,
          t_proto: protoSql(v('proto')),
          t_sp: `TRY_CAST(${v('sport')} AS BIGINT)`,
          t_dp: `TRY_CAST(${v('dport')} AS BIGINT)`,
          t_fpk: count('fpk'),
          t_bpk: count('bpk'),
          t_fby: count('fby'),
          t_bby: count('bby'),
          t_syn: `coalesce(${count('syn')}, 0)`,
          t_fin: `coalesce(${count('fin')}, 0)`,
          t_rst: `coalesce(${count('rst')}, 0)`,
        },
        checks: [
          {
            name: 'Timestamp',
            raw: v('ts'),
            typed: 't_ts',
            what: 'a time (YYYY-MM-DD HH:MM:SS or DD/MM/YYYY HH:MM:SS)',
          },
          {
            name: 'Flow Duration',
            raw: v('dur'),
            typed: 't_dur',
            what: 'a duration in microseconds',
          },
          { name: 'Src Port', raw: v('sport'), typed: 't_sp', what: 'a port number' },
          { name: 'Dst Port', raw: v('dport'), typed: 't_dp', what: 'a port number' },
          { name: 'Total Fwd Packets', raw: v('fpk'), typed: 't_fpk', what: 'a packet count' },
          { name: 'Total Bwd Packets', raw: v('bpk'), typed: 't_bpk', what: 'a packet count' },
          {
            name: 'Total Length of Fwd Packets',
            raw: v('fby'),
            typed: 't_fby',
            what: 'a byte count',
          },
          {
            name: 'Total Length of Bwd Packets',
            raw: v('bby'),
            typed: 't_bby',
            what: 'a byte count',
          },
        ],
        stage: {
          ts: 't_ts',
          // Flow Duration is in microseconds
          ts_end: `t_ts + to_microseconds(CAST(coalesce(t_dur, 0) AS BIGINT))`,
          proto: 't_proto',
          state: `CASE WHEN t_rst > 0 THEN 'reset' WHEN t_fin > 0 THEN 'closed'
          WHEN coalesce(t_bpk, 0) > 0 THEN 'established'
          WHEN t_proto = 'tcp' THEN (CASE WHEN t_syn > 0 THEN 'connecting' ELSE 'other' END) ELSE 'new' END`,
          state_raw: has('syn')
            ? `'SYN=' || t_syn || ' FIN=' || t_fin || ' RST=' || t_rst`
            : undefined,
          src_ip: v('src'),
          src_port: 't_sp',
          dst_ip: v('dst'),
          dst_port: 't_dp',
          // CICFlowMeter counts payload lengths ("Total Length of Fwd Packets")
          src_bytes: 't_fby',
          dst_bytes: 't_bby',
          src_pkts: 't_fpk',
          dst_pkts: 't_bpk',
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
        bytes: 'payload lengths (Total Length of Fwd/Bwd Packets)',
        label: has('label'),
      },
    };
  },
};
