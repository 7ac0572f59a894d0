// ClickHouse rows made to look like the DuckDB rows detectors already read (store/sql.ts plain):
// by each column's type from the result's meta, times become ISO 8601 text with milliseconds
// (DuckDB hands timestamps over as JS Dates), 64-bit integers numbers (text past 2^53, as
// plain() does), inside lists and tuples too.
import { baseType } from './table-model';

export interface ColumnMeta {
  name: string;
  type: string;
}

type Conv = (v: unknown) => unknown;

const ident: Conv = (v) => v;

/** '2017-01-27 16:01:40.123456' (UTC) -> '2017-01-27T16:01:40.123Z'. */
export function chTimeToIso(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const m = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(?:\.(\d+))?/.exec(v);
  if (!m) return v;
  const ms = (m[3] ?? '').padEnd(3, '0').slice(0, 3);
  return `${m[1]}T${m[2]}.${ms}Z`;
}

function bigNumber(v: unknown): unknown {
  if (typeof v === 'string' && /^-?\d+$/.test(v)) {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : v;
  }
  return v;
}

/** Splits "A, B(C, D), E" at top-level commas. */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')') depth--;
    else if (s[i] === ',' && depth === 0) {
      out.push(s.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(s.slice(start).trim());
  return out;
}

/** The converter for values of a ClickHouse type. */
export function converter(type: string): Conv {
  const t = baseType(type);
  if (/^DateTime(64)?(\(|$)/.test(t)) return chTimeToIso;
  if (/^U?Int(64|128|256)$/.test(t)) return bigNumber;
  const arr = /^Array\((.*)\)$/.exec(t);
  if (arr) {
    const inner = converter(arr[1]);
    return inner === ident ? ident : (v) => (Array.isArray(v) ? v.map(inner) : v);
  }
  const tup = /^Tuple\((.*)\)$/.exec(t);
  if (tup) {
    // named tuples come as objects, unnamed as arrays
    const parts = splitTop(tup[1]).map((p) => {
      const named = /^([A-Za-z_]\w*)\s+(.+)$/.exec(p);
      return named &&
        !/^(Nullable|LowCardinality|Array|Tuple|DateTime|Int|UInt|Float|String|Bool|FixedString|Decimal)/.test(
          p,
        )
        ? { name: named[1], conv: converter(named[2]) }
        : { name: null, conv: converter(p) };
    });
    if (parts.every((p) => p.conv === ident)) return ident;
    return (v) => {
      if (Array.isArray(v)) return v.map((x, i) => (parts[i] ? parts[i].conv(x) : x));
      if (v && typeof v === 'object') {
        const o: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v))
          o[k] = parts.find((p) => p.name === k)?.conv(x) ?? x;
        return o;
      }
      return v;
    };
  }
  return ident;
}

/** Rows as detectors expect them, converted column by column. */
export function plainRows<T>(meta: ColumnMeta[], data: Record<string, unknown>[]): T[] {
  const convs = meta
    .map((m) => [m.name, converter(m.type)] as const)
    .filter(([, c]) => c !== ident);
  if (!convs.length) return data as T[];
  for (const row of data) for (const [name, c] of convs) row[name] = c(row[name]);
  return data as T[];
}
