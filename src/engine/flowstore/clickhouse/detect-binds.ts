// A detector statement (written once for both engines, values as `$name` binds) made ready for
// ClickHouse: each `$name` becomes a typed query parameter `{name:Type}` (the type read from the
// value: whole numbers Int64, others Float64, text String, booleans Bool), comments go (a `--`
// line would swallow a SETTINGS clause appended after it), and DuckDB-only syntax that
// ClickHouse would read differently is refused loudly rather than run: `//` is integer division
// in DuckDB and a comment in ClickHouse, and a few type names exist only in DuckDB.
import type { Binds } from '../flow-sql';

const DUCKDB_ONLY_TYPES = /::\s*(UHUGEINT\b|HUGEINT\b|JSON\b|TIMESTAMP\b|\w+\[\])/i;

export interface ChStatement {
  sql: string;
  params: Record<string, string | number>;
}

function typeOf(name: string, v: unknown): string {
  if (typeof v === 'boolean') return 'Bool';
  if (typeof v === 'string') return 'String';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`internal: bind $${name} is ${v}`);
    return Number.isSafeInteger(v) ? 'Int64' : 'Float64';
  }
  throw new Error(`internal: bind $${name} has no ClickHouse type (${typeof v})`);
}

/** Rewrites `sql` for ClickHouse; throws (internal) on a missing bind or DuckDB-only syntax. */
export function toClickHouse(sql: string, binds: Binds = {}): ChStatement {
  const params: Record<string, string | number> = {};
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (c === "'") {
      // a string literal: copied as it is ('' and \' escapes included)
      let j = i + 1;
      while (j < sql.length) {
        if (sql[j] === '\\') j += 2;
        else if (sql[j] === "'" && sql[j + 1] === "'") j += 2;
        else if (sql[j] === "'") break;
        else j++;
      }
      out += sql.slice(i, j + 1);
      i = j + 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++;
    } else if (c === '/' && sql[i + 1] === '/') {
      throw new Error('internal: `//` in a statement for ClickHouse (use the dialect intDiv)');
    } else if (c === '$') {
      const m = /^\$([A-Za-z_]\w*)/.exec(sql.slice(i));
      if (!m) throw new Error(`internal: stray $ in a statement for ClickHouse at ${i}`);
      const name = m[1];
      if (!(name in binds)) throw new Error(`internal: no value bound for $${name}`);
      const v = binds[name];
      params[name] = typeof v === 'boolean' ? (v ? 'true' : 'false') : v;
      out += `{${name}:${typeOf(name, v)}}`;
      i += m[0].length;
    } else {
      out += c;
      i++;
    }
  }
  const bad = DUCKDB_ONLY_TYPES.exec(out);
  if (bad) throw new Error(`internal: DuckDB type ${bad[1]} in a statement for ClickHouse`);
  return { sql: out.trim(), params };
}
