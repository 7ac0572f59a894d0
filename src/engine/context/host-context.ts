// Query side of address context: the names an address had (all of them, or at a time), the
// addresses of a name, and a host's Zeek http/ssl/dns lines grouped with a selector that
// pivots back to their flows. Read-only; a case without the context tables answers empty.
import type { DuckDBConnection } from '@duckdb/node-api';
import type {
  DnsName,
  HostContext,
  HostContextItem,
  NameLookupRequest,
} from '../../shared/context';
import type { FlowSelector } from '../../shared/model';
import { NetsiftError } from '../core/errors';
import { all } from '../store/sql';
import { caseGeo } from '../geo/geo-lookup';
import { canonicalAddr, normName } from '../pdns/name-collector';
import { hasContextTables } from '../store/context-tables';

const NAME_COLS =
  'name, addr, rtype, via, source, first_seen AS "firstSeen", last_seen AS "lastSeen", ttl, answers';

/** How long after its last answer a name still stands for an address when the TTL is shorter. */
export const NAME_GRACE_SECONDS = 3600;

function addrOf(ip: string): string {
  const a = canonicalAddr(ip);
  if (!a) throw new NetsiftError(`"${ip}" is not an IP address`, 'usage');
  return a;
}

/** Every name the address had, most recently seen first (one row per name, type and source). */
export async function namesOf(conn: DuckDBConnection, ip: string): Promise<DnsName[]> {
  if (!(await hasContextTables(conn))) return [];
  return all<DnsName>(
    conn,
    `SELECT name, addr, rtype, any_value(via) AS via, string_agg(DISTINCT source, ',') AS source,
       min(first_seen) AS "firstSeen", max(last_seen) AS "lastSeen",
       max(ttl) AS ttl, sum(answers)::BIGINT AS answers
     FROM dns_names WHERE addr = $1
     GROUP BY name, addr, rtype ORDER BY max(last_seen) DESC, name LIMIT 500`,
    [addrOf(ip)],
  );
}

/**
 * Names of each address at a time: answered at or before it, and the last answer plus its TTL
 * (at least NAME_GRACE_SECONDS) reaches it; the most recent answer first. Keyed `ip|at` as given.
 */
export async function namesAt(
  conn: DuckDBConnection,
  items: { ip: string; at: string }[],
): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  if (!items.length || !(await hasContextTables(conn))) return out;
  if (items.length > 5000) throw new NetsiftError('at most 5000 addresses per request', 'usage');
  const q = items.map((i, k) => ({ k, addr: canonicalAddr(i.ip), at: i.at }));
  const rows = await all<{ k: number; names: string[] }>(
    conn,
    `WITH q AS (
       SELECT (x->>'k')::INTEGER AS k, x->>'addr' AS addr, (x->>'at')::TIMESTAMP AS at
       FROM (SELECT unnest($1::JSON::JSON[]) AS x)
     )
     SELECT q.k, list(n.name ORDER BY n.last_seen DESC) AS names
     FROM q JOIN dns_names n ON n.addr = q.addr
     WHERE n.first_seen <= q.at
       AND q.at <= n.last_seen + to_seconds(greatest(coalesce(n.ttl, 0), $2))
     GROUP BY q.k`,
    [JSON.stringify(q.filter((x) => x.addr !== null)), NAME_GRACE_SECONDS],
  );
  for (const r of rows) {
    const it = items[r.k];
    out[`${it.ip}|${it.at}`] = [...new Set(r.names)];
  }
  return out;
}

/** Addresses a name resolved to (exact, or with `suffix` also every name under it). */
export async function addressesOf(
  conn: DuckDBConnection,
  req: NameLookupRequest,
): Promise<DnsName[]> {
  if (!(await hasContextTables(conn))) return [];
  const name = normName(req.name);
  if (!name) throw new NetsiftError('give a name to look up', 'usage');
  const limit = Math.min(Math.max(1, req.limit ?? 500), 5000);
  return all<DnsName>(
    conn,
    `SELECT ${NAME_COLS} FROM dns_names
     WHERE name = $1 ${req.suffix ? `OR ends_with(name, '.' || $1)` : ''}
     ORDER BY last_seen DESC, name, addr LIMIT ${limit}`,
    [name],
  );
}

interface GroupRow {
  role: 'client' | 'server';
  peer: string;
  port: number | null;
  value: string | null;
  detail: string | null;
  examples: (string | null)[] | null;
  count: number;
  firstSeen: string;
  lastSeen: string;
  first_epoch: number;
  last_epoch: number;
  sports: number[] | null;
  proto: string | null;
}

/** The flows behind grouped log lines: the 4-tuples (source ports while few) around their time. */
function selectorOf(ip: string, g: GroupRow): FlowSelector {
  const client = g.role === 'client' ? ip : g.peer;
  const server = g.role === 'client' ? g.peer : ip;
  const sel: FlowSelector = {
    srcIps: [client],
    dstIps: [server],
    // a connection starts before its first request: an hour of slack before, a second after
    from: new Date((g.first_epoch - 3600) * 1000).toISOString(),
    to: new Date((g.last_epoch + 1) * 1000).toISOString(),
  };
  if (g.port !== null) sel.dstPorts = [g.port];
  if (g.proto) sel.protos = [g.proto];
  const sports = (g.sports ?? []).filter((p) => p !== null);
  if (sports.length > 0 && sports.length <= 100) sel.srcPorts = sports;
  return sel;
}

/** Lines of `table` where the address is either side, grouped by role, peer, port and value. */
function groupSql(
  table: string,
  value: string,
  detail: string,
  examples: string,
  proto: string,
): string {
  return `
SELECT CASE WHEN orig_h = $1 THEN 'client' ELSE 'server' END AS role,
       CASE WHEN orig_h = $1 THEN resp_h ELSE orig_h END AS peer,
       resp_p AS port, ${value} AS value, ${detail} AS detail,
       ${examples} AS examples,
       count(*)::BIGINT AS count, min(ts) AS "firstSeen", max(ts) AS "lastSeen",
       epoch(min(ts)) AS first_epoch, epoch(max(ts)) AS last_epoch,
       list(DISTINCT orig_p)[1:101] AS sports, ${proto} AS proto
FROM ${table} WHERE orig_h = $1 OR resp_h = $1
GROUP BY ALL ORDER BY count DESC, value LIMIT $2`;
}

const GROUPS: { kind: HostContextItem['kind']; sql: string }[] = [
  {
    kind: 'http',
    sql: groupSql(
      'zeek_http',
      "coalesce(host, '')",
      "string_agg(DISTINCT method, ',')",
      "list_sort(list(DISTINCT concat_ws(' ', method, uri)))[1:10]",
      "'tcp'",
    ),
  },
  {
    kind: 'tls',
    sql: groupSql(
      'zeek_ssl',
      "coalesce(server_name, '')",
      "string_agg(DISTINCT version, ',')",
      '[]::VARCHAR[]',
      "'tcp'",
    ),
  },
  {
    kind: 'dns',
    sql: groupSql(
      'zeek_dns',
      "coalesce(query, '')",
      "string_agg(DISTINCT concat_ws(' ', qtype, rcode), ',')",
      'list_sort(list_distinct(flatten(list(answers))))[1:10]',
      'any_value(proto)',
    ),
  },
];

/** Country/AS, every name, and the Zeek http/tls/dns context of one address. */
export async function hostContext(
  conn: DuckDBConnection,
  ip: string,
  limit = 200,
): Promise<HostContext> {
  const addr = addrOf(ip);
  const [geo] = await caseGeo(conn, [addr]);
  const out: HostContext = {
    ip: addr,
    geo,
    names: await namesOf(conn, addr),
    items: [],
    truncated: false,
  };
  if (!(await hasContextTables(conn))) return out;
  const lim = Math.min(Math.max(1, limit), 1000);
  for (const g of GROUPS) {
    const rows = await all<GroupRow>(conn, g.sql, [addr, lim + 1]);
    if (rows.length > lim) {
      out.truncated = true;
      rows.length = lim;
    }
    for (const r of rows)
      out.items.push({
        kind: g.kind,
        value: r.value ?? '',
        detail: r.detail ?? '',
        examples: (r.examples ?? []).filter((x): x is string => x !== null),
        role: r.role,
        peer: r.peer,
        port: r.port,
        count: r.count,
        firstSeen: r.firstSeen,
        lastSeen: r.lastSeen,
        selector: selectorOf(addr, r),
      });
  }
  return out;
}
