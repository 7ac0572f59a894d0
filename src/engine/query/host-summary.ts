// Everything the host panel shows about one address: its flows on either side, plus the intel
// ranges and incidents that name it.
import type { HostIncident, HostSummary, BlacklistHit, Peer, PortUse } from '../../shared/query';
import { serviceName } from '../../shared/services';
import type { CaseReader } from '../store/case-reader';
import { NetsiftError } from '../core/errors';
import { bigIntToIp, ipToBigInt, isV4Mapped } from '../util/ip';
import { hostKinder } from './host-kind';
import { gated, type QueryOptions } from './cancel';

export const HOST_TOP = 10;

interface Stats {
  first_seen: string | null;
  last_seen: string | null;
  flows_as_src: number;
  flows_as_dst: number;
  bytes_out: number | null;
  bytes_in: number | null;
}

export async function hostSummary(
  store: CaseReader,
  ipText: string,
  opts: QueryOptions = {},
): Promise<HostSummary> {
  return gated(store, opts, async () => {
    const num = ipToBigInt(ipText.trim());
    if (num === null) throw new NetsiftError(`invalid IP address '${ipText}'`, 'input');
    const ip = bigIntToIp(num);
    // Separate small queries over the host's flows. IPv4 matches on the canonical text: DuckDB
    // compares the UHUGEINT columns far slower (see filter/compiler.ts); IPv6 uses the numbers.
    const v4 = isV4Mapped(num);
    const key = v4 ? ip : num.toString();
    const m = (side: 'src' | 'dst') => (v4 ? `${side}_ip = $1` : `${side}_num = $1::UHUGEINT`);
    // two single-column filters DuckDB pushes into the scan, instead of one OR it cannot
    const HOST = `FROM (
        SELECT ts, ts_end, src_ip, dst_ip, dst_port, proto, src_bytes, dst_bytes, true AS out FROM flows WHERE ${m('src')}
        UNION ALL
        SELECT ts, ts_end, src_ip, dst_ip, dst_port, proto, src_bytes, dst_bytes, false FROM flows
        WHERE ${m('dst')} AND NOT ${m('src')}) h`;
    const OUT = 'out';
    const p = [key, HOST_TOP];
    const stats = await store.one<Stats>(
      `SELECT min(ts) AS first_seen, max(coalesce(ts_end, ts)) AS last_seen,
              count(*) FILTER (WHERE ${OUT}) AS flows_as_src, count(*) FILTER (WHERE NOT ${OUT}) AS flows_as_dst,
              sum(CASE WHEN ${OUT} THEN src_bytes ELSE dst_bytes END)::BIGINT AS bytes_out,
              sum(CASE WHEN ${OUT} THEN dst_bytes ELSE src_bytes END)::BIGINT AS bytes_in
       ${HOST}`,
      [key],
    );
    const peers = await store.all<Peer>(
      `SELECT CASE WHEN ${OUT} THEN dst_ip ELSE src_ip END AS ip, count(*) AS flows,
              sum(src_bytes + dst_bytes)::BIGINT AS bytes
       ${HOST} GROUP BY 1 ORDER BY flows DESC, bytes DESC, ip LIMIT $2`,
      p,
    );
    const ports = (side: string) =>
      store.all<Omit<PortUse, 'service'>>(
        `SELECT dst_port AS port, proto, count(*) AS flows, sum(src_bytes + dst_bytes)::BIGINT AS bytes
         ${HOST} WHERE ${side} GROUP BY dst_port, proto ORDER BY flows DESC, bytes DESC, port NULLS LAST LIMIT $2`,
        p,
      );
    const dstPorts = await ports(OUT);
    const servedPorts = await ports(`NOT ${OUT}`);
    const kind = (await hostKinder(store))(ip);
    const blacklist = await store.all<BlacklistHit>(
      `SELECT DISTINCT feed_id, feed_version, entry FROM intel_ranges
       WHERE $1::UHUGEINT BETWEEN lo AND hi ORDER BY feed_id, feed_version, entry`,
      [num.toString()],
    );
    const names = ip === ipText.trim() ? [ip] : [ip, ipText.trim()];
    const slots = names.map((_, i) => `$${i + 1}`).join(', ');
    const incidents = await store.all<HostIncident>(
      `SELECT id, type, severity, score, summary FROM incidents
       WHERE list_has_any(ips, [${slots}]) OR attacker IN (${slots})
       ORDER BY score DESC, id`,
      names,
    );
    const withService = (l: Omit<PortUse, 'service'>[]): PortUse[] =>
      l.map((u) => ({ ...u, service: serviceName(u.port, u.proto) }));
    return {
      ip,
      kind,
      internal: kind === 'internal',
      first_seen: stats?.first_seen ?? null,
      last_seen: stats?.last_seen ?? null,
      flows_as_src: stats?.flows_as_src ?? 0,
      flows_as_dst: stats?.flows_as_dst ?? 0,
      bytes_out: stats?.bytes_out ?? 0,
      bytes_in: stats?.bytes_in ?? 0,
      peers,
      dst_ports: withService(dstPorts),
      served_ports: withService(servedPorts),
      blacklist,
      incidents,
    };
  });
}
