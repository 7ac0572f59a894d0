// Flow predicates over address context, called by the filter compiler (src/engine/query/filter:
// `src as 15169`, `dst country CN`, `as in [..]`, `country in [..]`, `host name example.com` and
// its suffix form `*.example.com`): each returns a bound predicate in the shape the compiler
// returns (SqlPredicate, parameters numbered from offset + 1, optional column alias). Values are
// checked here too (the parser checks them first, with the position of the bad token).
import type { SqlPredicate } from '../query/selector';
import { NetsiftError } from '../core/errors';
import { normName } from '../pdns/name-collector';

export type Side = 'src' | 'dst' | 'any';

function sides(side: Side, alias: string, inner: string): string {
  const col = (c: string) => (alias ? `${alias}.${c}` : c);
  if (side === 'src') return `${col('src_ip')} IN (${inner})`;
  if (side === 'dst') return `${col('dst_ip')} IN (${inner})`;
  return `(${col('src_ip')} IN (${inner}) OR ${col('dst_ip')} IN (${inner}))`;
}

/** Flows whose address (on `side`) has one of these AS numbers or ISO country codes. */
export function geoPredicate(
  side: Side,
  field: 'asn' | 'country',
  values: (string | number)[],
  offset = 0,
  alias = '',
): SqlPredicate {
  if (!values.length) throw new NetsiftError(`${field}: give at least one value`, 'usage');
  const params: (string | number)[] = values.map((v) => {
    if (field === 'asn') {
      const n = typeof v === 'number' ? v : Number(String(v).replace(/^as/i, ''));
      if (!Number.isInteger(n) || n < 0 || n > 4294967295)
        throw new NetsiftError(`"${v}" is not an AS number (e.g. 15169 or AS15169)`, 'usage');
      return n;
    }
    const c = String(v).toUpperCase();
    if (!/^[A-Z]{2}$/.test(c))
      throw new NetsiftError(`"${v}" is not a two-letter country code (e.g. CN)`, 'usage');
    return c;
  });
  const list = params.map((_, i) => `$${offset + i + 1}`).join(', ');
  return {
    sql: `(${sides(side, alias, `SELECT ip FROM geo_addrs WHERE ${field} IN (${list})`)})`,
    params,
  };
}

/** Flows whose address (on `side`) was ever named `name` (or, with suffix, any name under it). */
export function hostNamePredicate(
  side: Side,
  name: string,
  suffix: boolean,
  offset = 0,
  alias = '',
): SqlPredicate {
  const n = normName(name);
  if (!n || /\s/.test(n)) throw new NetsiftError(`"${name}" is not a host name`, 'usage');
  const p = `$${offset + 1}`;
  const where = suffix ? `name = ${p} OR ends_with(name, '.' || ${p})` : `name = ${p}`;
  return {
    sql: `(${sides(side, alias, `SELECT addr FROM dns_names WHERE ${where}`)})`,
    params: [n],
  };
}
