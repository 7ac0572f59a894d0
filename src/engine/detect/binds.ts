// Detector SQL binds values by name ($minConns, $us), never by position: a statement reads as
// what it compares, and DuckDB checks every name. Lists of values become one name each
// ($port0, $port1, ...), built here.
import type { DuckDBValue } from '@duckdb/node-api';

/** A list as named binds: `sql` is "$p0, $p1, ..." for an IN (...) list, `binds` their values. */
export function listBinds<T extends DuckDBValue>(
  prefix: string,
  values: T[],
): { sql: string; binds: Record<string, T> } {
  const binds: Record<string, T> = {};
  values.forEach((v, i) => (binds[`${prefix}${i}`] = v));
  return { sql: values.map((_, i) => `$${prefix}${i}`).join(', '), binds };
}

/**
 * Services ('proto/port' text, e.g. 'udp/123') a detector leaves out, as named binds $p1, $n1,
 * $p2, $n2, ... and the SQL that skips them: compared as (proto, port), never as text built per
 * flow. Text that names no port (or writes one with leading zeros) could never equal a flow's
 * service, so it is left out.
 */
export function ignoredServices(services: string[]): {
  count: number;
  /** `AND NOT (...)` over the given columns, or '' when there is nothing to skip. */
  skipSql(proto?: string, port?: string): string;
  binds: Record<string, string | number>;
} {
  const pairs: [string, number][] = [];
  for (const s of services) {
    const m = /^([^/]+)\/(0|[1-9]\d{0,4})$/.exec(s);
    if (m) pairs.push([m[1], Number(m[2])]);
  }
  const binds: Record<string, string | number> = {};
  pairs.forEach(([proto, port], i) => {
    binds[`p${i + 1}`] = proto;
    binds[`n${i + 1}`] = port;
  });
  return {
    count: pairs.length,
    skipSql: (proto = 'proto', port = 'dst_port') =>
      pairs.length
        ? `AND NOT (${pairs.map((_, i) => `(${proto} = $p${i + 1} AND ${port} = $n${i + 1}::INTEGER)`).join(' OR ')})`
        : '',
    binds,
  };
}
