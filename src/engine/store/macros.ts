// SQL macros every connection of a case gets (temp macros are per connection in DuckDB).
// Range literals are numbers we generate from our own tables, never text from input.
// The internal networks (the case's site model) are baked into ip_internal / ip_class when a
// connection is made; CaseStore.setInternalNetworks installs them again on every open connection.
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  DEFAULT_INTERNAL_NETWORKS,
  NON_HOST_RANGES,
  SPECIAL_RANGES,
  V4_MAPPED_BASE,
  parseCidr,
} from '../util/ip';

const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
export const IPV4_REGEX = `${OCTET}(\\.${OCTET}){3}`;

function rangeCase(list: { cidr: string; value: string }[], fallback: string): string {
  const arms = list.map(({ cidr, value }) => {
    const r = parseCidr(cidr)!;
    return `WHEN n BETWEEN ${r.lo}::UHUGEINT AND ${r.hi}::UHUGEINT THEN ${value}`;
  });
  return `CASE ${arms.join(' ')} ELSE ${fallback} END`;
}

/** The case's internal networks as stored (defaults before the settings table exists). */
async function storedInternal(conn: DuckDBConnection): Promise<string[]> {
  try {
    const r = await conn.runAndReadAll(
      "SELECT value FROM settings WHERE key = 'internal_networks'",
    );
    const v = r.getRowObjectsJS()[0]?.value;
    if (typeof v === 'string') return (JSON.parse(v) as string[]).filter((c) => parseCidr(c));
  } catch {
    // settings table not there yet (before migration): defaults
  }
  return DEFAULT_INTERNAL_NETWORKS;
}

export async function installMacros(
  conn: DuckDBConnection,
  internalNetworks?: string[],
): Promise<void> {
  const internal = (internalNetworks ?? (await storedInternal(conn))).filter((c) => parseCidr(c));
  const special = SPECIAL_RANGES.map((s) => ({ cidr: s.cidr, value: `'${s.kind}'` }));
  const internalArms = internal.map((cidr) => ({ cidr, value: 'true' }));
  const nonHostArms = NON_HOST_RANGES.map((cidr) => ({ cidr, value: 'true' }));
  const v4hi = V4_MAPPED_BASE + 0xffffffffn;
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
CREATE OR REPLACE TEMP MACRO ip_nonhost(n) AS (
  ${rangeCase(nonHostArms, `(n BETWEEN ${V4_MAPPED_BASE}::UHUGEINT AND ${v4hi}::UHUGEINT AND (n & 255::UHUGEINT) = 255::UHUGEINT)`)});
CREATE OR REPLACE TEMP MACRO ip_class(n) AS (
  CASE WHEN ip_nonhost(n) THEN 'non-host' WHEN ip_internal(n) THEN 'internal' ELSE 'external' END);
`);
}
