// The Zeek logs netsift keeps as context (not flows): dns.log, http.log, ssl.log. Each kind names
// how it is recognised (#path or its field names), its case table and how a record becomes a row.
import type { FileSample } from '../import/types';
import { parseZeekHeader } from '../import/formats/zeek';
import { canonicalAddr } from '../pdns/name-collector';
import { list, text, type ZeekRecord } from './zeek-log-reader';

export type ContextKind = 'zeek-dns' | 'zeek-http' | 'zeek-ssl';

/** A column value for the Appender; the column types are fixed per table. */
export type Cell = string | number | boolean | bigint | string[] | number[] | null;

export interface KindSpec {
  kind: ContextKind;
  path: string;
  table: 'zeek_dns' | 'zeek_http' | 'zeek_ssl';
  /** Fields that identify the log (all must be there). */
  marks: string[];
  /** Columns after (import_id, line, ts, uid, orig_h, orig_p, resp_h, resp_p), in table order. */
  columns: {
    name: string;
    type: 'text' | 'int' | 'bigint' | 'bool' | 'texts' | 'doubles';
    from: (r: ZeekRecord) => Cell;
  }[];
}

const int = (r: ZeekRecord, k: string): number | null => {
  const t = text(r, k);
  if (t === null || t === '') return null;
  const n = Number(t);
  if (!Number.isInteger(n)) throw new Error(`${k}: "${t}" is not a whole number`);
  return n;
};

const bool = (r: ZeekRecord, k: string): boolean | null => {
  const v = r[k];
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return v;
  if (v === 'T' || v === 'true') return true;
  if (v === 'F' || v === 'false') return false;
  throw new Error(`${k}: "${String(v)}" is not T or F`);
};

export const KINDS: KindSpec[] = [
  {
    kind: 'zeek-dns',
    path: 'dns',
    table: 'zeek_dns',
    marks: ['query', 'qtype_name', 'answers'],
    columns: [
      { name: 'proto', type: 'text', from: (r) => text(r, 'proto') },
      { name: 'query', type: 'text', from: (r) => text(r, 'query') },
      { name: 'qtype', type: 'text', from: (r) => text(r, 'qtype_name') ?? text(r, 'qtype') },
      { name: 'rcode', type: 'text', from: (r) => text(r, 'rcode_name') ?? text(r, 'rcode') },
      { name: 'answers', type: 'texts', from: (r) => list(r, 'answers') },
      {
        name: 'ttls',
        type: 'doubles',
        from: (r) =>
          list(r, 'TTLs').map((t) => {
            const n = Number(t);
            if (!Number.isFinite(n)) throw new Error(`TTLs: "${t}" is not a number of seconds`);
            return n;
          }),
      },
    ],
  },
  {
    kind: 'zeek-http',
    path: 'http',
    table: 'zeek_http',
    marks: ['method', 'host', 'uri'],
    columns: [
      { name: 'method', type: 'text', from: (r) => text(r, 'method') },
      { name: 'host', type: 'text', from: (r) => text(r, 'host') },
      { name: 'uri', type: 'text', from: (r) => text(r, 'uri') },
      { name: 'status_code', type: 'int', from: (r) => int(r, 'status_code') },
      { name: 'user_agent', type: 'text', from: (r) => text(r, 'user_agent') },
      { name: 'request_body_len', type: 'bigint', from: (r) => int(r, 'request_body_len') },
      { name: 'response_body_len', type: 'bigint', from: (r) => int(r, 'response_body_len') },
    ],
  },
  {
    kind: 'zeek-ssl',
    path: 'ssl',
    table: 'zeek_ssl',
    marks: ['server_name', 'version'],
    columns: [
      { name: 'version', type: 'text', from: (r) => text(r, 'version') },
      { name: 'server_name', type: 'text', from: (r) => text(r, 'server_name') },
      { name: 'established', type: 'bool', from: (r) => bool(r, 'established') },
    ],
  },
];

const COMMON = ['ts', 'id.orig_h', 'id.resp_h'];

/** The context kind of a Zeek log from its first lines, or null (conn.log and other files). */
export function contextKindOf(sample: FileSample): KindSpec | null {
  const h = parseZeekHeader(sample.lines);
  if (h) {
    const byPath = KINDS.find((k) => k.path === h.path);
    if (byPath) return byPath;
    if (!COMMON.every((f) => h.fields.includes(f))) return null;
    return KINDS.find((k) => k.marks.every((m) => h.fields.includes(m))) ?? null;
  }
  const first = sample.lines.find((l) => l.trim() !== '')?.trim();
  if (!first?.startsWith('{')) return null;
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(first) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (!COMMON.every((f) => f in rec) || 'conn_state' in rec) return null;
  // JSON lines leave unset fields out: one mark is enough, checked most specific first
  if ('qtype_name' in rec || 'query' in rec) return KINDS[0];
  if ('method' in rec || 'uri' in rec) return KINDS[1];
  if ('server_name' in rec || 'cipher' in rec) return KINDS[2];
  return null;
}

export interface CommonCells {
  tsMicros: number;
  uid: string | null;
  origH: string;
  origP: number | null;
  respH: string;
  respP: number | null;
}

/** ts, uid and the connection's addresses and ports; throws with the field at fault. */
export function commonCells(r: ZeekRecord): CommonCells {
  const tsText = text(r, 'ts');
  let ts = tsText === null ? NaN : Number(tsText);
  if (Number.isNaN(ts) && tsText) ts = Date.parse(tsText) / 1000; // JSON logs with ISO times
  if (!Number.isFinite(ts)) throw new Error(`ts: "${tsText ?? ''}" is not an epoch time`);
  const addr = (k: string) => {
    const t = text(r, k);
    const a = t === null ? null : canonicalAddr(t);
    if (a === null) throw new Error(`${k}: "${t ?? ''}" is not an IP address`);
    return a;
  };
  const port = (k: string) => {
    const p = int(r, k);
    if (p !== null && (p < 0 || p > 65535)) throw new Error(`${k}: ${p} is not a port (0-65535)`);
    return p;
  };
  return {
    tsMicros: Math.round(ts * 1e6),
    uid: text(r, 'uid'),
    origH: addr('id.orig_h'),
    origP: port('id.orig_p'),
    respH: addr('id.resp_h'),
    respP: port('id.resp_p'),
  };
}
