// Values in ClickHouse SQL: always written as typed placeholders `{p1:String}` and sent as query
// parameters. Servers before query parameters existed (18.x: "Unknown setting param_p1") get
// the same values as typed literals instead, written here and only here: strings escaped the way
// ClickHouse's parser reads them, numbers checked to be numbers. Identifiers never pass through
// this: they come from allow-lists (the table model and the URL's checked names).
import { NetsiftError } from '../../core/errors';

export type ParamType = 'String' | 'Int64' | 'UInt64' | 'Int32' | 'UInt32' | 'UInt16' | 'Float64';
export type ParamValue = string | number | bigint;
export type Params = Record<string, ParamValue>;

/** Collects placeholders for one statement; names are p1, p2, ... in order. */
export class Binder {
  readonly params: Params = {};
  private readonly types: Record<string, ParamType> = {};
  private n = 0;

  bind(value: ParamValue, type: ParamType): string {
    checkValue(value, type);
    const name = `p${++this.n}`;
    this.params[name] = typeof value === 'bigint' ? value.toString() : value;
    this.types[name] = type;
    return `{${name}:${type}}`;
  }
  str(v: string): string {
    return this.bind(v, 'String');
  }
  int(v: number | bigint): string {
    return this.bind(v, 'Int64');
  }
  float(v: number): string {
    return this.bind(v, 'Float64');
  }
}

const INT = /^-?\d{1,20}$/;

function checkValue(v: ParamValue, type: ParamType): void {
  if (type === 'String') {
    if (typeof v !== 'string') throw new Error(`internal: ${String(v)} bound as String`);
    return;
  }
  if (type === 'Float64') {
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new NetsiftError(`not a finite number: ${String(v)}`, 'usage');
    return;
  }
  const ok =
    (typeof v === 'number' && Number.isSafeInteger(v)) ||
    typeof v === 'bigint' ||
    (typeof v === 'string' && INT.test(v));
  if (!ok) throw new NetsiftError(`not a whole number: ${String(v)}`, 'usage');
}

/** A ClickHouse string literal: backslash and quote escaped (the parser reads C-style escapes). */
export function stringLiteral(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function literal(v: ParamValue, type: ParamType): string {
  checkValue(v, type);
  if (type === 'String') return stringLiteral(v as string);
  if (type === 'Float64') return `toFloat64(${(v as number).toString()})`;
  return `to${type}(${String(v)})`;
}

const PLACEHOLDER = /\{([A-Za-z_]\w*):(String|Int64|UInt64|Int32|UInt32|UInt16|Float64)\}/g;

/**
 * The statement with its placeholders replaced by literals, for servers without query
 * parameters. Only `{pN:Type}` placeholders that name a given parameter are replaced; the
 * statement text is ours (no values in it), so no placeholder hides inside a string literal.
 */
export function inlineParams(sql: string, params: Params): string {
  return sql.replace(PLACEHOLDER, (whole, name: string, type: ParamType) => {
    if (!(name in params)) throw new Error(`internal: no value for ${whole}`);
    return literal(params[name], type);
  });
}
