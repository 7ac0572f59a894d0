// SQL macros every connection of a case gets (temp macros are per connection in DuckDB).
// Range literals are numbers we generate from our own tables, never text from input.
import type { DuckDBConnection } from '@duckdb/node-api';
import { DEFAULT_INTERNAL_NETWORKS, SPECIAL_RANGES, V4_MAPPED_BASE, parseCidr } from '../util/ip';

const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
export const IPV4_REGEX = `${OCTET}(\\.${OCTET}){3}`;

function rangeCase(list: { cidr: string; value: string }[], fallback: string): string {
  const arms = list.map(({ cidr, value }) => {
    const r = parseCidr(cidr)!;
    return `WHEN n BETWEEN ${r.lo}::UHUGEINT AND ${r.hi}::UHUGEINT THEN ${value}`;
  });
  return `CASE ${arms.join(' ')} ELSE ${fallback} END`;
}

export async function installMacros(conn: DuckDBConnection): Promise<void> {
  let internal = DEFAULT_INTERNAL_NETWORKS;
  try {
    const r = await conn.runAndReadAll("SELECT value FROM settings WHERE key = 'internal_networks'");
    const v = r.getRowObjectsJS()[0]?.value;
    if (typeof v === 'string') internal = (JSON.parse(v) as string[]).filter((c) => parseCidr(c));
  } catch {
    // settings table not there yet (before migration): defaults
  }
  const special = SPECIAL_RANGES.map((s) => ({ cidr: s.cidr, value: `'${s.kind}'` }));
  const internalArms = internal.map((cidr) => ({ cidr, value: 'true' }));
  await conn.run(`
CREATE OR REPLACE TEMP MACRO ip4_num(s) AS (
  CASE WHEN regexp_full_match(s, '${IPV4_REGEX}') THEN
    (${V4_MAPPED_BASE}::UHUGEINT
      + (split_part(s, '.', 1)::UBIGINT << 24) + (split_part(s, '.', 2)::UBIGINT << 16)
      + (split_part(s, '.', 3)::UBIGINT << 8) + split_part(s, '.', 4)::UBIGINT)::UHUGEINT
  END);
CREATE OR REPLACE TEMP MACRO ip_special(n) AS (${rangeCase(special, 'NULL::VARCHAR')});
CREATE OR REPLACE TEMP MACRO ip_internal(n) AS (${internalArms.length ? rangeCase(internalArms, 'false') : 'false'});
CREATE OR REPLACE TEMP MACRO ip_public(n) AS (ip_special(n) IS NULL);
`);
}
