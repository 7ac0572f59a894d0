// The simulated office: workstations, a server segment with the services they listen on,
// internet peers from real provider ranges (no documentation ranges, no blacklisted addresses),
// and the fixed addresses of the benign look-alikes.
import type { Rng } from './prng';

export const GATEWAY = '192.168.1.1';
export const DNS = '192.168.1.10';
export const WEB = '192.168.1.20';
export const APP = '192.168.1.21';
export const SSH_BASTION = '192.168.1.22';
export const DB = '192.168.1.30';
export const MQ = '192.168.1.40';
export const VPN = '192.168.1.50';
export const NTP = '192.168.1.60';
export const FILES = '192.168.1.70';
export const BACKUP = '192.168.1.80';
export const MONITOR = '192.168.1.90';

/** Listening ports per server: tcp and udp. */
export const SERVICES: Record<string, { tcp: number[]; udp: number[] }> = {
  [GATEWAY]: { tcp: [22, 53, 80, 443], udp: [53, 67, 161] },
  [DNS]: { tcp: [22, 53], udp: [53, 161] },
  [WEB]: { tcp: [22, 80, 443], udp: [161] },
  [APP]: { tcp: [22, 8080, 8443], udp: [161] },
  [SSH_BASTION]: { tcp: [22], udp: [161] },
  [DB]: { tcp: [22, 5432], udp: [161] },
  [MQ]: { tcp: [22, 5672, 15672], udp: [161] },
  [VPN]: { tcp: [22, 443], udp: [161, 500, 1194, 4500] },
  [NTP]: { tcp: [22], udp: [123, 161] },
  [FILES]: { tcp: [22, 139, 445, 2049], udp: [137, 161] },
  [BACKUP]: { tcp: [22, 873], udp: [161] },
  [MONITOR]: { tcp: [22, 80, 443], udp: [161] },
};
export const SERVERS = Object.keys(SERVICES);

/** Ports a workstation listens on (Windows-like desktops). */
export const WORKSTATION_TCP = [135, 139, 445];
export const WORKSTATION_UDP = [137, 5353];

export interface Workstation {
  ip: string;
  /** Relative activity (heavy and light users). */
  weight: number;
  /** Holds an SMB session to the file server. */
  smb: boolean;
  /** Has remote desktop enabled. */
  rdp: boolean;
}

/** Workstations: 192.168.100.10-254, then 192.168.101.10-254, ... */
export function workstationIp(i: number): string {
  return `192.168.${100 + Math.floor(i / 245)}.${10 + (i % 245)}`;
}

export function makeWorkstations(n: number, rng: Rng): Workstation[] {
  const out: Workstation[] = [];
  for (let i = 0; i < n; i++) {
    out.push({
      ip: workstationIp(i),
      weight: rng.pick([1, 1, 1, 2, 2, 3, 5]),
      smb: rng.chance(0.6),
      rdp: rng.chance(0.1),
    });
  }
  return out;
}

/** Whether a workstation address is in use (for scans of the whole /24). */
export function workstationIndex(ip: string, n: number): number {
  const m = /^192\.168\.(\d+)\.(\d+)$/.exec(ip);
  if (!m) return -1;
  const sub = +m[1] - 100;
  const host = +m[2] - 10;
  if (sub < 0 || host < 0 || host >= 245) return -1;
  const i = sub * 245 + host;
  return i < n ? i : -1;
}

// Provider /16s (clouds, CDNs, big sites) for outbound peers; residential /16s for VPN users and
// web visitors. Checked against the bundled 744-address blacklist: none of its addresses fall here.
const PROVIDER_16 = [
  '13.107', '20.190', '23.32', '34.117', '35.186', '52.96', '52.114', '54.230', '104.18', '142.250',
  '151.101', '157.240', '172.217', '185.199', '140.82', '17.253', '199.232', '216.58', '13.33',
  '18.66', '3.165', '99.86', '162.159', '108.177', '74.125', '40.126', '204.79', '69.171',
];
const RESIDENTIAL_16 = [
  '86.120', '90.64', '79.112', '109.190', '176.150', '2.204', '81.56', '88.160', '94.134', '73.162',
  '24.16', '98.207', '71.190', '47.150', '174.50', '95.90',
];

export const PUBLIC_DNS = ['8.8.8.8', '1.1.1.1', '9.9.9.9', '8.8.4.4'];
export const PUBLIC_NTP = ['162.159.200.1', '162.159.200.123', '216.239.35.0', '216.239.35.4'];

export function makePeers(prefixes: readonly string[], n: number, rng: Rng): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  while (out.length < n) {
    const ip = `${rng.pick(prefixes)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
    if (!seen.has(ip)) {
      seen.add(ip);
      out.push(ip);
    }
  }
  return out;
}

export const makeProviderPeers = (n: number, rng: Rng): string[] => makePeers(PROVIDER_16, n, rng);
export const makeResidentialPeers = (n: number, rng: Rng): string[] => makePeers(RESIDENTIAL_16, n, rng);

/** A random routable public IPv4 address (for spoofed flood sources). */
export function randomPublicIp(rng: Rng): string {
  for (;;) {
    const a = rng.int(1, 223);
    const b = rng.int(0, 255);
    if (a === 10 || a === 127 || a === 0 || (a === 100 && b >= 64 && b < 128)) continue;
    if ((a === 169 && b === 254) || (a === 172 && b >= 16 && b < 32) || (a === 192 && b === 168)) continue;
    if ((a === 192 && b === 0) || (a === 198 && (b === 18 || b === 19 || b === 51)) || (a === 203 && b === 0)) continue;
    return `${a}.${b}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
  }
}
