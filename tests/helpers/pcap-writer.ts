// Builds small pcap / pcapng captures for tests: Ethernet (optionally VLAN-tagged) frames with
// IPv4/IPv6 and TCP/UDP/ICMP, plus ready-made conversations (handshake + data + FIN, refused
// connection, UDP exchange, ICMP echo). Checksums are not computed (readers here ignore them).
import fs from 'node:fs';

export interface Pkt {
  /** seconds since the epoch (fractions allowed) */
  ts: number;
  src: string;
  dst: string;
  proto: 'tcp' | 'udp' | 'icmp' | 'icmp6';
  sport?: number;
  dport?: number;
  /** TCP flags as letters: S, A, F, R, P */
  flags?: string;
  /** payload bytes after the transport header */
  payload?: number;
  icmpType?: number;
  icmpCode?: number;
  icmpId?: number;
  /** 802.1Q tags, outermost first (two make QinQ) */
  vlans?: number[];
  /** keep only this many bytes of the frame (snaplen cut) */
  caplen?: number;
}

function ipv4Bytes(s: string): number[] {
  return s.split('.').map(Number);
}

function ipv6Bytes(s: string): number[] {
  const [head, tail] = s.includes('::') ? s.split('::') : [s, ''];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = [...h, ...new Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.flatMap((g) => {
    const v = parseInt(g, 16);
    return [v >> 8, v & 255];
  });
}

function flagByte(f = ''): number {
  let b = 0;
  if (f.includes('F')) b |= 1;
  if (f.includes('S')) b |= 2;
  if (f.includes('R')) b |= 4;
  if (f.includes('P')) b |= 8;
  if (f.includes('A')) b |= 16;
  return b;
}

/** The IP packet (no link header). */
export function ipPacket(p: Pkt): Buffer {
  const v6 = p.src.includes(':');
  const pay = p.payload ?? 0;
  let l4: Buffer;
  let protoNum: number;
  if (p.proto === 'tcp') {
    protoNum = 6;
    l4 = Buffer.alloc(20 + pay);
    l4.writeUInt16BE(p.sport ?? 0, 0);
    l4.writeUInt16BE(p.dport ?? 0, 2);
    l4[12] = 5 << 4;
    l4[13] = flagByte(p.flags);
    l4.writeUInt16BE(65535, 14);
  } else if (p.proto === 'udp') {
    protoNum = 17;
    l4 = Buffer.alloc(8 + pay);
    l4.writeUInt16BE(p.sport ?? 0, 0);
    l4.writeUInt16BE(p.dport ?? 0, 2);
    l4.writeUInt16BE(8 + pay, 4);
  } else {
    protoNum = p.proto === 'icmp' ? 1 : 58;
    l4 = Buffer.alloc(8 + pay);
    l4[0] = p.icmpType ?? 8;
    l4[1] = p.icmpCode ?? 0;
    l4.writeUInt16BE(p.icmpId ?? 1, 4);
    l4.writeUInt16BE(1, 6);
  }
  if (v6) {
    const h = Buffer.alloc(40);
    h[0] = 0x60;
    h.writeUInt16BE(l4.length, 4);
    h[6] = protoNum;
    h[7] = 64;
    Buffer.from(ipv6Bytes(p.src)).copy(h, 8);
    Buffer.from(ipv6Bytes(p.dst)).copy(h, 24);
    return Buffer.concat([h, l4]);
  }
  const h = Buffer.alloc(20);
  h[0] = 0x45;
  h.writeUInt16BE(20 + l4.length, 2);
  h[6] = 0x40; // don't fragment
  h[8] = 64;
  h[9] = protoNum;
  Buffer.from(ipv4Bytes(p.src)).copy(h, 12);
  Buffer.from(ipv4Bytes(p.dst)).copy(h, 16);
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += h.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
  h.writeUInt16BE(~sum & 0xffff, 10);
  return Buffer.concat([h, l4]);
}

/** An Ethernet frame around the IP packet, with any VLAN tags. */
export function ethFrame(p: Pkt): Buffer {
  const ip = ipPacket(p);
  const tags = p.vlans ?? [];
  const h = Buffer.alloc(14 + 4 * tags.length);
  Buffer.from([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1]).copy(h, 0);
  let o = 12;
  tags.forEach((id, i) => {
    h.writeUInt16BE(i === 0 && tags.length > 1 ? 0x88a8 : 0x8100, o);
    h.writeUInt16BE(id & 0x0fff, o + 2);
    o += 4;
  });
  h.writeUInt16BE(p.src.includes(':') ? 0x86dd : 0x0800, o);
  return Buffer.concat([h, ip]);
}

export interface PcapOptions {
  /** 1 Ethernet (default), 101 raw IP, 113 Linux SLL, 276 SLL2, 0 BSD loopback */
  linktype?: number;
  nano?: boolean;
  bigEndian?: boolean;
  snaplen?: number;
  /** cut this many bytes off the end of the file (a capture stopped mid-packet) */
  cutTail?: number;
}

/** The frame for a link type. */
export function linkFrame(p: Pkt, linktype: number): Buffer {
  if (linktype === 1) return ethFrame(p);
  const ip = ipPacket(p);
  const v6 = p.src.includes(':');
  if (linktype === 101 || linktype === 228 || linktype === 229) return ip;
  if (linktype === 0) {
    const h = Buffer.alloc(4);
    h.writeUInt32LE(v6 ? 30 : 2, 0);
    return Buffer.concat([h, ip]);
  }
  if (linktype === 113) {
    const h = Buffer.alloc(16);
    h.writeUInt16BE(6, 4);
    h.writeUInt16BE(v6 ? 0x86dd : 0x0800, 14);
    return Buffer.concat([h, ip]);
  }
  if (linktype === 276) {
    const h = Buffer.alloc(20);
    h.writeUInt16BE(v6 ? 0x86dd : 0x0800, 0);
    h[10] = 1;
    return Buffer.concat([h, ip]);
  }
  throw new Error(`pcap-writer: linktype ${linktype} not supported`);
}

export function pcapBytes(pkts: Pkt[], opts: PcapOptions = {}): Buffer {
  const lt = opts.linktype ?? 1;
  const be = !!opts.bigEndian;
  const w32 = (b: Buffer, v: number, o: number) => (be ? b.writeUInt32BE(v, o) : b.writeUInt32LE(v, o));
  const w16 = (b: Buffer, v: number, o: number) => (be ? b.writeUInt16BE(v, o) : b.writeUInt16LE(v, o));
  const gh = Buffer.alloc(24);
  w32(gh, opts.nano ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  w16(gh, 2, 4);
  w16(gh, 4, 6);
  w32(gh, opts.snaplen ?? 65535, 16);
  w32(gh, lt, 20);
  const parts: Buffer[] = [gh];
  for (const p of pkts) {
    const frame = linkFrame(p, lt);
    const cap = Math.min(frame.length, p.caplen ?? frame.length, opts.snaplen ?? frame.length);
    const rh = Buffer.alloc(16);
    const sec = Math.floor(p.ts);
    const frac = Math.round((p.ts - sec) * (opts.nano ? 1e9 : 1e6));
    w32(rh, sec, 0);
    w32(rh, frac, 4);
    w32(rh, cap, 8);
    w32(rh, frame.length, 12);
    parts.push(rh, frame.subarray(0, cap));
  }
  const all = Buffer.concat(parts);
  return opts.cutTail ? all.subarray(0, all.length - opts.cutTail) : all;
}

export function writePcap(file: string, pkts: Pkt[], opts: PcapOptions = {}): void {
  fs.writeFileSync(file, pcapBytes(pkts, opts));
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}

/** pcapng: one section, one interface (Ethernet), enhanced packet blocks; tsresol 6 (µs) or 9 (ns). */
export function pcapngBytes(pkts: Pkt[], opts: { tsresol?: 6 | 9; linktype?: number } = {}): Buffer {
  const lt = opts.linktype ?? 1;
  const shb = Buffer.alloc(28);
  shb.writeUInt32LE(0x0a0d0d0a, 0);
  shb.writeUInt32LE(28, 4);
  shb.writeUInt32LE(0x1a2b3c4d, 8);
  shb.writeUInt16LE(1, 12);
  shb.writeBigInt64LE(-1n, 16);
  shb.writeUInt32LE(28, 24);
  const res = opts.tsresol ?? 6;
  // IDB with if_tsresol option and end-of-options
  const idb = Buffer.alloc(32);
  idb.writeUInt32LE(1, 0);
  idb.writeUInt32LE(32, 4);
  idb.writeUInt16LE(lt, 8);
  idb.writeUInt32LE(0, 12);
  idb.writeUInt16LE(9, 16);
  idb.writeUInt16LE(1, 18);
  idb[20] = res;
  idb.writeUInt32LE(0, 24);
  idb.writeUInt32LE(32, 28);
  // a name-resolution block the reader must skip
  const nrb = Buffer.alloc(16);
  nrb.writeUInt32LE(4, 0);
  nrb.writeUInt32LE(16, 4);
  nrb.writeUInt32LE(0, 8);
  nrb.writeUInt32LE(16, 12);
  const parts = [shb, idb, nrb];
  for (const p of pkts) {
    const frame = linkFrame(p, lt);
    const cap = Math.min(frame.length, p.caplen ?? frame.length);
    const len = 32 + pad4(cap);
    const b = Buffer.alloc(len);
    b.writeUInt32LE(6, 0);
    b.writeUInt32LE(len, 4);
    b.writeUInt32LE(0, 8);
    const units = BigInt(Math.round(p.ts * 1e6)) * (res === 9 ? 1000n : 1n);
    b.writeUInt32LE(Number(units >> 32n), 12);
    b.writeUInt32LE(Number(units & 0xffffffffn), 16);
    b.writeUInt32LE(cap, 20);
    b.writeUInt32LE(frame.length, 24);
    frame.copy(b, 28, 0, cap);
    b.writeUInt32LE(len, len - 4);
    parts.push(b);
  }
  return Buffer.concat(parts);
}

export function writePcapng(file: string, pkts: Pkt[], opts: { tsresol?: 6 | 9; linktype?: number } = {}): void {
  fs.writeFileSync(file, pcapngBytes(pkts, opts));
}

// ---- conversations ----

/** SYN, SYN-ACK, ACK, request, response, FIN both ways: 4 packets each way after the handshake. */
export function tcpSession(t: number, c: string, cp: number, s: string, sp: number, req = 100, resp = 1000, vlans?: number[]): Pkt[] {
  const a = (dt: number, flags: string, payload = 0): Pkt => ({ ts: t + dt, src: c, dst: s, proto: 'tcp', sport: cp, dport: sp, flags, payload, vlans });
  const b = (dt: number, flags: string, payload = 0): Pkt => ({ ts: t + dt, src: s, dst: c, proto: 'tcp', sport: sp, dport: cp, flags, payload, vlans });
  return [
    a(0, 'S'),
    b(0.01, 'SA'),
    a(0.02, 'A'),
    a(0.03, 'PA', req),
    b(0.04, 'PA', resp),
    a(0.05, 'FA'),
    b(0.06, 'FA'),
    a(0.07, 'A'),
  ];
}

/** SYN answered by RST-ACK (port closed). */
export function tcpRefused(t: number, c: string, cp: number, s: string, sp: number): Pkt[] {
  return [
    { ts: t, src: c, dst: s, proto: 'tcp', sport: cp, dport: sp, flags: 'S' },
    { ts: t + 0.001, src: s, dst: c, proto: 'tcp', sport: sp, dport: cp, flags: 'RA' },
  ];
}

export function udpExchange(t: number, c: string, cp: number, s: string, sp: number, req = 40, resp = 120): Pkt[] {
  return [
    { ts: t, src: c, dst: s, proto: 'udp', sport: cp, dport: sp, payload: req },
    { ts: t + 0.02, src: s, dst: c, proto: 'udp', sport: sp, dport: cp, payload: resp },
  ];
}

export function icmpEcho(t: number, c: string, s: string, id = 7): Pkt[] {
  const v6 = c.includes(':');
  return [
    { ts: t, src: c, dst: s, proto: v6 ? 'icmp6' : 'icmp', icmpType: v6 ? 128 : 8, icmpId: id, payload: 56 },
    { ts: t + 0.005, src: s, dst: c, proto: v6 ? 'icmp6' : 'icmp', icmpType: v6 ? 129 : 0, icmpId: id, payload: 56 },
  ];
}

/** IP length as the flow readers count it (IP header + transport header + payload). */
export function ipLength(p: Pkt): number {
  return ipPacket(p).length;
}
