// Fixture flows shared by the query layer's DuckDB tests: two imports, IPv4 and IPv6, internal,
// public and special addresses, null ports (ICMP), labels, one long flow.
import { insertFlows, type FlowRow } from '../../../tests/helpers/flows';
import { CaseStore } from '../store/case-store';

export const FIXTURE_A: FlowRow[] = [
  {
    ts: '2017-01-27 16:00:00',
    proto: 'tcp',
    state: 'established',
    src_ip: '10.0.0.5',
    src_port: 50000,
    dst_ip: '8.8.8.8',
    dst_port: 443,
    src_bytes: 1000,
    dst_bytes: 5000,
    src_pkts: 5,
    dst_pkts: 6,
    label: 'Normal',
  },
  {
    ts: '2017-01-27 16:00:01',
    proto: 'tcp',
    state: 'reset',
    src_ip: '10.0.0.5',
    src_port: 50001,
    dst_ip: '10.0.0.9',
    dst_port: 22,
    src_bytes: 100,
    dst_bytes: 0,
    label: 'flow=From-Botnet-V42-scan',
  },
  {
    ts: '2017-01-27 16:00:02',
    proto: 'tcp',
    state: 'reset',
    src_ip: '10.0.0.5',
    src_port: 50002,
    dst_ip: '10.0.0.9',
    dst_port: 3389,
    src_bytes: 100,
    dst_bytes: 0,
  },
  {
    ts: '2017-01-27 16:00:03',
    proto: 'udp',
    state: 'established',
    src_ip: '192.168.1.7',
    src_port: 5353,
    dst_ip: '224.0.0.251',
    dst_port: 5353,
    src_bytes: 300,
    dst_bytes: 0,
  },
  {
    ts: '2017-01-27 16:00:10',
    proto: 'icmp',
    state: 'other',
    src_ip: '10.0.0.5',
    src_port: null,
    dst_ip: '8.8.4.4',
    dst_port: null,
    src_bytes: 64,
    dst_bytes: 64,
  },
  {
    ts: '2017-01-27 16:05:00',
    ts_end: '2017-01-27 16:06:00',
    proto: 'tcp',
    state: 'closed',
    src_ip: '203.0.113.9',
    src_port: 40000,
    dst_ip: '10.0.0.9',
    dst_port: 80,
    src_bytes: 2000,
    dst_bytes: 30000,
  },
];
export const FIXTURE_B: FlowRow[] = [
  {
    ts: '2017-01-27 16:30:00',
    proto: 'tcp',
    state: 'closed',
    src_ip: '2001:db8::1',
    src_port: 1234,
    dst_ip: '2001:db8::2',
    dst_port: 443,
    src_bytes: 500,
    dst_bytes: 500,
  },
  {
    ts: '2017-01-27 17:00:00',
    proto: 'udp',
    state: 'established',
    src_ip: '10.0.0.9',
    src_port: 53,
    dst_ip: '10.0.0.5',
    dst_port: 33333,
    src_bytes: 80,
    dst_bytes: 200,
  },
];

/** A fresh in-memory case holding FIXTURE_A (import 1, ids 1-6) and FIXTURE_B (import 2, ids 7-8). */
export async function fixtureStore(): Promise<CaseStore> {
  const s = await CaseStore.open(':memory:', { threads: 1 });
  await insertFlows(s, FIXTURE_A);
  await insertFlows(s, FIXTURE_B);
  return s;
}
