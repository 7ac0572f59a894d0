// Streams the records of a Zeek log that is not conn.log (dns, http, ssl), in either of Zeek's
// writers: TSV with #separator/#set_separator/#unset_field/#empty_field/#fields headers (several
// #open/#close sections allowed) or JSON lines. Gzip is read as is. Each record is handed over as
// field name -> text (null when unset) or list (vector/set fields), with its line number.
import fs from 'node:fs';
import readline from 'node:readline';
import zlib from 'node:zlib';
import { isGzipMagic } from '../import/sample';

export type ZeekValue = string | number | boolean | null | ZeekValue[];
export type ZeekRecord = Record<string, ZeekValue>;

/** Zeek's \xHH escapes (TSV writer) back to characters. */
export function unescapeZeek(s: string): string {
  return s.indexOf('\\x') < 0
    ? s
    : s.replace(/\\x([0-9a-fA-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}

interface TsvState {
  sep: string;
  setSep: string;
  unset: string;
  empty: string;
  fields: string[] | null;
  types: string[] | null;
}

export interface ReadOutcome {
  lines: number;
  /** Lines that are data (not headers, not blank). */
  dataLines: number;
  writer: 'tsv' | 'json' | null;
}

/**
 * Calls `onRecord` for each data line (or `onBad` with a reason for a line that cannot be read as
 * a record). `onRecord` may throw to reject the line; the caller decides.
 */
export async function readZeekLog(
  file: string,
  onRecord: (rec: ZeekRecord, line: number) => void,
  onBad: (line: number, raw: string, reason: string) => void,
  onLines?: (lines: number) => void,
): Promise<ReadOutcome> {
  const head = Buffer.alloc(2);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, head, 0, 2, 0);
  } finally {
    fs.closeSync(fd);
  }
  const raw = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  const input = isGzipMagic(head) ? raw.pipe(zlib.createGunzip()) : raw;
  const rl = readline.createInterface({ input, crlfDelay: Infinity });
  const st: TsvState = {
    sep: '\t',
    setSep: ',',
    unset: '-',
    empty: '(empty)',
    fields: null,
    types: null,
  };
  const out: ReadOutcome = { lines: 0, dataLines: 0, writer: null };
  for await (const l of rl) {
    out.lines++;
    if (out.lines % 65536 === 0) onLines?.(out.lines);
    if (l === '') continue;
    if (l.startsWith('#')) {
      readHeader(st, l);
      out.writer ??= 'tsv';
      continue;
    }
    out.dataLines++;
    if (l.startsWith('{')) {
      out.writer ??= 'json';
      let rec: unknown;
      try {
        rec = JSON.parse(l);
      } catch {
        onBad(out.lines, l, 'not a JSON object');
        continue;
      }
      if (!rec || typeof rec !== 'object' || Array.isArray(rec)) {
        onBad(out.lines, l, 'not a JSON object');
        continue;
      }
      onRecord(rec as ZeekRecord, out.lines);
      continue;
    }
    if (!st.fields) {
      onBad(out.lines, l, 'data before any #fields header');
      continue;
    }
    const parts = l.split(st.sep);
    if (parts.length !== st.fields.length) {
      onBad(out.lines, l, `${parts.length} fields, the #fields header names ${st.fields.length}`);
      continue;
    }
    const rec: ZeekRecord = {};
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      const vector = st.types ? /^(vector|set)\[/.test(st.types[i] ?? '') : false;
      if (p === st.unset) rec[st.fields[i]] = null;
      else if (vector)
        rec[st.fields[i]] = p === st.empty ? [] : p.split(st.setSep).map(unescapeZeek);
      else rec[st.fields[i]] = p === st.empty ? '' : unescapeZeek(p);
    }
    onRecord(rec, out.lines);
  }
  return out;
}

function readHeader(st: TsvState, l: string): void {
  if (l.startsWith('#separator')) {
    st.sep = unescapeZeek(l.slice('#separator'.length).trim()) || '\t';
    return;
  }
  const parts = l.split(st.sep);
  const value = parts[1] ?? '';
  if (parts[0] === '#set_separator') st.setSep = unescapeZeek(value) || ',';
  else if (parts[0] === '#unset_field') st.unset = value;
  else if (parts[0] === '#empty_field') st.empty = value;
  else if (parts[0] === '#fields') st.fields = parts.slice(1);
  else if (parts[0] === '#types') st.types = parts.slice(1);
}

/** A field as text (numbers and booleans of JSON lines too), or null. */
export function text(rec: ZeekRecord, key: string): string | null {
  const v = rec[key];
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.join(',');
  return String(v);
}

/** A field as a list of texts (a TSV vector/set or a JSON array; a lone value becomes [value]). */
export function list(rec: ZeekRecord, key: string): string[] {
  const v = rec[key];
  if (v === null || v === undefined) return [];
  if (Array.isArray(v)) return v.filter((x) => x !== null).map((x) => String(x));
  return String(v) === '' ? [] : String(v).split(',');
}
