// Zeek conn.log: TSV with #separator/#fields/#types headers (several #open/#close sections allowed,
// header lines are skipped wherever they are), JSON lines, and the CSV rendering some data sets
// ship (IoT-23). Bytes are the IP-level orig_ip_bytes/resp_ip_bytes when the log has them (the
// NetFlow and pcap convention, so the same traffic gives the same numbers in every format), else
// the payload orig_bytes/resp_bytes. Stratosphere/IoT-23 label columns become the flow label.
import { NetsiftError } from '../../core/errors';
import type { FileSample, FormatImporter, LoadContext, LoadResult } from '../types';
import {
  byName,
  epochSeconds,
  firstLine,
  headerIndex,
  loadLines,
  requireColumns,
  type FieldCheck,
  type LinesSpec,
  type LinesSql,
} from './delimited-lines';
import { protoSql } from '../protocols';
import { zeekStateSql } from './zeek-states';

const ALIASES: Record<string, string[]> = {
  ts: ['ts'],
  orig_h: ['id.orig_h'],
  orig_p: ['id.orig_p'],
  resp_h: ['id.resp_h'],
  resp_p: ['id.resp_p'],
  proto: ['proto'],
  duration: ['duration'],
  orig_bytes: ['orig_bytes'],
  resp_bytes: ['resp_bytes'],
  orig_ip_bytes: ['orig_ip_bytes'],
  resp_ip_bytes: ['resp_ip_bytes'],
  conn_state: ['conn_state'],
  orig_pkts: ['orig_pkts'],
  resp_pkts: ['resp_pkts'],
  label: ['label'],
  detailed: ['detailedlabel', 'detailed-label', 'detailed_label'],
};

const REQUIRED = ['ts', 'orig_h', 'resp_h', 'proto'];

/** Builds the spec from column positions; `v(key)` is the SQL text of a field (NULL when unset). */
function zeekSpec(
  idx: Record<string, number>,
  v: (key: string) => string,
  tsTyped: string,
): Omit<LinesSql, 'skip'> {
  const has = (k: string) => !!idx[k];
  const num = (k: string) => (has(k) ? `TRY_CAST(${v(k)} AS BIGINT)` : 'NULL');
  const ipBytes = has('orig_ip_bytes') && has('resp_ip_bytes');
  const typed: Record<string, string> = {
    t_ts: tsTyped,
    t_dur: has('duration') ? `TRY_CAST(${v('duration')} AS DOUBLE)` : 'NULL',
    t_sp: num('orig_p'),
    t_dp: num('resp_p'),
    t_sb: ipBytes ? num('orig_ip_bytes') : num('orig_bytes'),
    t_db: ipBytes ? num('resp_ip_bytes') : num('resp_bytes'),
    t_spk: num('orig_pkts'),
    t_dpk: num('resp_pkts'),
    t_src: v('orig_h'),
    t_state: has('conn_state') ? v('conn_state') : 'NULL',
    t_proto: `CASE WHEN lower(${v('proto')}) = 'icmp' AND contains(${v('orig_h')}, ':') THEN 'icmp6' ELSE ${protoSql(v('proto'))} END`,
  };
  const label = has('label')
    ? has('detailed')
      ? `CASE WHEN ${v('detailed')} IS NULL OR ${v('detailed')} = '(empty)' THEN ${v('label')} ELSE concat_ws(' / ', ${v('label')}, ${v('detailed')}) END`
      : v('label')
    : undefined;
  const checks: FieldCheck[] = [
    { name: 'ts', raw: v('ts'), typed: 't_ts', what: 'an epoch time' },
    {
      name: 'id.orig_p',
      raw: has('orig_p') ? v('orig_p') : 'NULL',
      typed: 't_sp',
      what: 'a port number',
    },
    {
      name: 'id.resp_p',
      raw: has('resp_p') ? v('resp_p') : 'NULL',
      typed: 't_dp',
      what: 'a port number',
    },
    {
      name: 'duration',
      raw: has('duration') ? v('duration') : 'NULL',
      typed: 't_dur',
      what: 'a duration in seconds',
    },
    {
      name: ipBytes ? 'orig_ip_bytes' : 'orig_bytes',
      raw: has(ipBytes ? 'orig_ip_bytes' : 'orig_bytes')
        ? v(ipBytes ? 'orig_ip_bytes' : 'orig_bytes')
        : 'NULL',
      typed: 't_sb',
      what: 'a byte count',
    },
    {
      name: ipBytes ? 'resp_ip_bytes' : 'resp_bytes',
      raw: has(ipBytes ? 'resp_ip_bytes' : 'resp_bytes')
        ? v(ipBytes ? 'resp_ip_bytes' : 'resp_bytes')
        : 'NULL',
      typed: 't_db',
      what: 'a byte count',
    },
    {
      name: 'orig_pkts',
      raw: has('orig_pkts') ? v('orig_pkts') : 'NULL',
      typed: 't_spk',
      what: 'a packet count',
    },
    {
      name: 'resp_pkts',
      raw: has('resp_pkts') ? v('resp_pkts') : 'NULL',
      typed: 't_dpk',
      what: 'a packet count',
    },
  ];
  return {
    typed,
    checks,
    stage: {
      ts: 't_ts',
      ts_end: `t_ts + to_microseconds(CAST(round(coalesce(t_dur, 0) * 1000000) AS BIGINT))`,
      proto: 't_proto',
      state: zeekStateSql('t_state', 't_proto'),
      state_raw: 't_state',
      src_ip: 't_src',
      src_port: 't_sp',
      dst_ip: v('resp_h'),
      dst_port: 't_dp',
      src_bytes: 't_sb',
      dst_bytes: 't_db',
      src_pkts: 't_spk',
      dst_pkts: 't_dpk',
      label,
    },
  };
}

/** Unescapes Zeek's header value, e.g. "\x09" -> tab. */
function unescapeZeek(s: string): string {
  return s.replace(/\\x([0-9a-fA-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}

interface TsvHeader {
  sep: string;
  fields: string[];
  path: string | null;
}

export function parseZeekHeader(lines: string[]): TsvHeader | null {
  let sep = '\t';
  let fields: string[] | null = null;
  let path: string | null = null;
  for (const l of lines) {
    if (!l.startsWith('#')) {
      if (fields) break;
      continue;
    }
    if (l.startsWith('#separator')) sep = unescapeZeek(l.slice('#separator'.length).trim()) || '\t';
    else if (l.startsWith('#fields')) fields = l.split(sep).slice(1);
    else if (l.startsWith('#path')) path = l.split(sep)[1] ?? null;
  }
  return fields ? { sep, fields, path } : null;
}

export const zeekTsvFormat: FormatImporter = {
  id: 'zeek',
  title: 'Zeek conn.log (TSV with #fields header)',
  sniff(sample: FileSample): number {
    const h = parseZeekHeader(sample.lines);
    if (!h) return 0;
    if (h.fields.includes('id.orig_h') && (h.fields.includes('conn_state') || h.path === 'conn'))
      return 1;
    return h.fields.includes('id.orig_h') ? 0.5 : 0.3;
  },
  async load(ctx: LoadContext): Promise<LoadResult> {
    const h = parseZeekHeader(ctx.sample.lines);
    if (!h)
      throw new NetsiftError(`${ctx.path}: no #fields line in the first lines; not a Zeek TSV log`);
    if (h.path && h.path !== 'conn' && !h.fields.includes('conn_state'))
      throw new NetsiftError(
        `${ctx.path}: a Zeek ${h.path} log; netsift imports conn.log (connections)`,
      );
    const idx = headerIndex(h.fields, ALIASES);
    requireColumns(ctx.path, 'Zeek #fields', idx, REQUIRED);
    const spec: LinesSpec = {
      fields: { delim: h.sep, count: h.fields.length },
      sql: (f) => {
        const v = byName(f, idx);
        // header lines of every #open/#close section
        return {
          skip: `starts_with(${f.raw(1)}, '#')`,
          ...zeekSpec(idx, v, epochSeconds(v('ts'))),
        };
      },
    };
    const r = await loadLines(ctx, spec);
    return {
      dataLines: r.dataLines,
      lineOf: r.lineOf,
      details: {
        fields: h.fields.length,
        bytes: idx.orig_ip_bytes ? 'orig_ip_bytes/resp_ip_bytes' : 'orig_bytes/resp_bytes',
        label: !!idx.label,
      },
    };
  },
};

/** JSON keys in one fixed order: field i is the i-th key. */
const JSON_KEYS = [
  'ts',
  'id.orig_h',
  'id.orig_p',
  'id.resp_h',
  'id.resp_p',
  'proto',
  'duration',
  'orig_bytes',
  'resp_bytes',
  'orig_ip_bytes',
  'resp_ip_bytes',
  'conn_state',
  'orig_pkts',
  'resp_pkts',
  'label',
  'detailedlabel',
  'detailed-label',
];

export const zeekJsonFormat: FormatImporter = {
  id: 'zeek-json',
  title: 'Zeek conn.log (JSON lines)',
  sniff(sample: FileSample): number {
    const l = firstLine(sample.lines).trim();
    if (!l.startsWith('{')) return 0;
    if (l.includes('"id.orig_h"') && l.includes('"ts"'))
      return l.includes('"conn_state"') || l.includes('"proto"') ? 0.95 : 0.6;
    return 0;
  },
  async load(ctx: LoadContext): Promise<LoadResult> {
    const idx = headerIndex(JSON_KEYS, ALIASES);
    const paths = JSON_KEYS.map((k) => (/^[a-z_]+$/.test(k) ? `'$.${k}'` : `'$."${k}"'`)).join(
      ', ',
    );
    const spec: LinesSpec = {
      // a broken line must not reach the JSON functions (they throw): split only valid ones
      fields: {
        split: `CASE WHEN coalesce(json_valid(l), false) THEN json_extract_string(l, [${paths}]) END`,
      },
      sql: (f) => {
        // both spellings of the detailed label: take whichever the line has
        const v = (k: string) =>
          k === 'detailed' ? `coalesce(${f.value(16)}, ${f.value(17)})` : f.value(idx[k]);
        const ts = v('ts');
        return {
          skip: 'false',
          unreadable: {
            when: `NOT coalesce(json_valid(l), false) OR NOT starts_with(ltrim(l), '{')`,
            reason: 'not a JSON object',
          },
          ...zeekSpec(
            { ...idx, detailed: 16 },
            v,
            `coalesce(${epochSeconds(ts)}, TRY_CAST(TRY_CAST(${ts} AS TIMESTAMPTZ) AT TIME ZONE 'UTC' AS TIMESTAMP))`,
          ),
        };
      },
    };
    const r = await loadLines(ctx, spec);
    return {
      dataLines: r.dataLines,
      details: { bytes: 'orig_ip_bytes/resp_ip_bytes when present per line' },
    };
  },
};

export const zeekCsvFormat: FormatImporter = {
  id: 'zeek-csv',
  title: 'Zeek conn.log rendered as CSV (header of Zeek field names, e.g. IoT-23)',
  sniff(sample: FileSample): number {
    const l = firstLine(sample.lines);
    if (l.startsWith('#') || !l.includes(',')) return 0;
    const cols = l.split(',').map((c) => c.trim());
    return cols.includes('id.orig_h') && cols.includes('id.resp_h') && cols.includes('ts')
      ? 0.9
      : 0;
  },
  async load(ctx: LoadContext): Promise<LoadResult> {
    const header = firstLine(ctx.sample.lines).split(',');
    const idx = headerIndex(header, ALIASES);
    requireColumns(ctx.path, 'Zeek CSV', idx, REQUIRED);
    const spec: LinesSpec = {
      fields: { delim: ',', count: header.length },
      header: true,
      sql: (f) => {
        const v = byName(f, idx);
        return { skip: 'false', ...zeekSpec(idx, v, epochSeconds(v('ts'))) };
      },
    };
    const r = await loadLines(ctx, spec);
    return {
      dataLines: r.dataLines,
      lineOf: r.lineOf,
      details: { fields: header.length, label: !!idx.label },
    };
  },
};
