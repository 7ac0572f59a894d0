// --listen udp:HOST:PORT: where the NetFlow listener binds. Loopback only unless the analyst says
// otherwise: anyone who can send UDP to the port can add flows to the case.
import net from 'node:net';
import { NetsiftError } from '../core/errors';

export interface ListenAddress {
  host: string;
  port: number;
  family: 4 | 6;
  loopback: boolean;
}

export function isLoopback(host: string): boolean {
  if (net.isIPv4(host)) return host.startsWith('127.');
  return host === '::1' || /^(0{0,4}:){7}0{0,3}1$/.test(host) || host === '0:0:0:0:0:0:0:1';
}

/** Parses udp:HOST:PORT, udp:[V6]:PORT (the udp: prefix may be left out); HOST is an IP address. */
export function parseListen(spec: string): ListenAddress {
  const bad = (why: string) =>
    new NetsiftError(
      `--listen ${spec}: ${why} (expected udp:127.0.0.1:2055 or udp:[::1]:2055)`,
      'usage',
    );
  let rest = spec.trim();
  const scheme = /^(udp|tcp|sctp|tls|dtls|https?)(:\/\/|:)/i.exec(rest);
  if (scheme) {
    if (scheme[1].toLowerCase() !== 'udp')
      throw bad(`${scheme[1]} is not supported: netsift receives NetFlow and IPFIX over UDP`);
    rest = rest.slice(scheme[0].length);
  }
  let host: string;
  let portText: string;
  const v6 = /^\[([^\]]+)\]:(\d+)$/.exec(rest);
  if (v6) [, host, portText] = v6;
  else {
    const i = rest.lastIndexOf(':');
    if (i <= 0) throw bad('missing host or port');
    host = rest.slice(0, i);
    portText = rest.slice(i + 1);
    if (host.includes(':')) throw bad('write an IPv6 address in brackets');
  }
  if (host === 'localhost') host = '127.0.0.1';
  const family = net.isIPv4(host) ? 4 : net.isIPv6(host) ? 6 : 0;
  if (!family) throw bad(`${host} is not an IP address`);
  if (!/^\d+$/.test(portText) || Number(portText) > 65535) throw bad(`${portText} is not a port`);
  return { host, port: Number(portText), family, loopback: isLoopback(host) };
}

export function listenText(a: { host: string; port: number; family: 4 | 6 }): string {
  return a.family === 6 ? `udp:[${a.host}]:${a.port}` : `udp:${a.host}:${a.port}`;
}
