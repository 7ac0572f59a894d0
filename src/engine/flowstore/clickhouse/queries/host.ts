// The host panel's flow figures on ClickHouse (first/last seen, flows and bytes each way, peers,
// ports), as src/engine/query/host-summary.ts computes them on the case. Blacklist hits and
// incidents come from the local case (clickhouse-flow-store.ts puts the two together).
import type { Peer, PortUse } from '../../../../shared/query';
import { serviceName } from '../../../../shared/services';
import { HOST_TOP } from '../../../query/host-summary';
import { NetsiftError } from '../../../core/errors';
import { bigIntToIp, ipToBigInt, isV4Mapped } from '../../../util/ip';
import { num, numOrNull, type ExecOptions, type QueryContext } from '../query-context';
import { Binder } from '../sql-params';
import { usToIso } from '../time-text';

export interface HostFlows {
  ip: string;
  first_seen: string | null;
  last_seen: string | null;
  flows_as_src: number;
  flows_as_dst: number;
  bytes_out: number;
  bytes_in: number;
  peers: Peer[];
  dst_ports: PortUse[];
  served_ports: PortUse[];
}

export async function hostFlowsCh(
  ctx: QueryContext,
  ipText: string,
  opts?: ExecOptions,
): Promise<HostFlows> {
  const n = ipToBigInt(ipText.trim());
  if (n === null) throw new NetsiftError(`invalid IP address '${ipText}'`, 'input');
  const ip = bigIntToIp(n);
  const { model: m, dialect: d } = ctx;
  const s = m.sql;
  const b = new Binder();
  const match = (a: typeof m.src) =>
    a.storedText && isV4Mapped(n) ? `${a.text} = ${b.str(ip)}` : a.inRange(n, n, b);
  const isSrc = match(m.src);
  const isDst = match(m.dst);
  const end = m.timeEnd ? `ifNull(${m.timeEnd.us}, ${m.time.us})` : m.time.us;
  // both sides pushed into the scan on their own, as on the DuckDB side
  const host = `(
      SELECT ${m.time.us} AS h_ts, ${end} AS h_end, ${s.src_ip} AS h_src, ${s.dst_ip} AS h_dst,
             ${s.dst_port} AS h_port, ${s.proto} AS h_proto, ${s.src_bytes} AS h_sb, ${s.dst_bytes} AS h_db, 1 AS h_out
      FROM ${m.table} WHERE ${isSrc}
      UNION ALL
      SELECT ${m.time.us}, ${end}, ${s.src_ip}, ${s.dst_ip}, ${s.dst_port}, ${s.proto}, ${s.src_bytes}, ${s.dst_bytes}, 0
      FROM ${m.table} WHERE ${isDst} AND NOT ${isSrc})`;
  const [st] = await ctx.ex.rows<Record<string, unknown>>(
    `SELECT min(h_ts) AS a, max(h_end) AS z, count() AS n,
            ${d.countIf('h_out = 1')} AS fs, ${d.countIf('h_out = 0')} AS fd,
            toInt64(sum(if(h_out = 1, h_sb, h_db))) AS bo, toInt64(sum(if(h_out = 1, h_db, h_sb))) AS bi
     FROM ${host}`,
    b.params,
    opts,
  );
  const some = st && num(st.n) > 0;
  const peers = await ctx.ex.rows<Record<string, unknown>>(
    `SELECT if(h_out = 1, h_dst, h_src) AS o_ip, count() AS o_flows, toInt64(sum(h_sb + h_db)) AS o_bytes
     FROM ${host} GROUP BY o_ip ORDER BY o_flows DESC, o_bytes DESC, o_ip LIMIT ${HOST_TOP}`,
    b.params,
    opts,
  );
  const ports = async (out: 0 | 1) =>
    (
      await ctx.ex.rows<Record<string, unknown>>(
        `SELECT h_port AS o_port, h_proto AS o_proto, count() AS o_flows, toInt64(sum(h_sb + h_db)) AS o_bytes
         FROM ${host} WHERE h_out = ${out} GROUP BY o_port, o_proto
         ORDER BY o_flows DESC, o_bytes DESC, o_port ASC NULLS LAST, o_proto LIMIT ${HOST_TOP}`,
        b.params,
        opts,
      )
    ).map((r) => {
      const port = numOrNull(r.o_port);
      const proto = String(r.o_proto);
      return {
        port,
        proto,
        service: serviceName(port, proto),
        flows: num(r.o_flows),
        bytes: num(r.o_bytes),
      };
    });
  return {
    ip,
    first_seen: some ? usToIso(num(st.a)) : null,
    last_seen: some ? usToIso(num(st.z)) : null,
    flows_as_src: some ? num(st.fs) : 0,
    flows_as_dst: some ? num(st.fd) : 0,
    bytes_out: some ? num(st.bo) : 0,
    bytes_in: some ? num(st.bi) : 0,
    peers: peers.map((r) => ({ ip: String(r.o_ip), flows: num(r.o_flows), bytes: num(r.o_bytes) })),
    dst_ports: await ports(1),
    served_ports: await ports(0),
  };
}
