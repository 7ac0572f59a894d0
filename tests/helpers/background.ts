// Deterministic benign background for detector tests: ten workstations talking to DNS, two web
// servers and a file server every few seconds for `minutes`, all successful.
import type { FlowRow } from './flows';

export const T0 = Date.parse('2017-01-27T16:00:00Z');

/** 'YYYY-MM-DD HH:MM:SS.fff' (UTC) at `seconds` after T0. */
export function at(seconds: number): string {
  return new Date(T0 + seconds * 1000).toISOString().replace('T', ' ').replace('Z', '');
}

export function background(minutes = 10): FlowRow[] {
  const rows: FlowRow[] = [];
  const servers = [
    { ip: '192.168.1.2', port: 53, proto: 'udp' },
    { ip: '93.184.216.34', port: 443, proto: 'tcp' },
    { ip: '151.101.1.69', port: 443, proto: 'tcp' },
    { ip: '192.168.1.3', port: 445, proto: 'tcp' },
  ];
  for (let h = 0; h < 10; h++) {
    for (let s = h; s < minutes * 60; s += 7) {
      const srv = servers[(s + h) % servers.length];
      rows.push({
        ts: at(s + h / 10),
        src_ip: `192.168.1.${10 + h}`,
        src_port: 40000 + ((s * 13 + h) % 20000),
        dst_ip: srv.ip,
        dst_port: srv.port,
        proto: srv.proto,
        state: 'established',
        src_bytes: 300 + ((s * 7) % 200),
        dst_bytes: 1200 + ((s * 11) % 900),
        label: 'benign',
      });
    }
  }
  return rows;
}
