// Decodes the link, network and transport headers of one packet in place into a reused scratch
// record (no allocation per packet). Only what flows need: addresses, protocol, ports, TCP flags,
// IP length, fragment position.

/** The decoder's output; one instance is reused for every packet. */
export interface Decoded {
  /** 0 before the first IP packet, then 4 or 6 */
  ipver: number;
  /** IPv4 address as an unsigned 32-bit number */
  src4: number;
  dst4: number;
  /** IPv6 address as text of its 16 bytes (hex), only for ipver 6 */
  src6: string;
  dst6: string;
  proto: number;
  sport: number;
  dport: number;
  /** TCP flags byte, 0 otherwise */
  flags: number;
  /** IP total length (header + payload), from the IP header even when the capture was cut */
  ipLen: number;
  /** TCP/UDP payload length (from the IP lengths), for "data seen" */
  payload: number;
  /** true when transport ports could be read (not a later fragment, not cut by snaplen) */
  hasPorts: boolean;
  /** IPv4/IPv6 fragment id and whether this is a first fragment with more to come, or a later one */
  fragId: number;
  fragFirst: boolean;
  fragLater: boolean;
  icmpType: number;
  icmpCode: number;
  /** Offset of the transport header in the packet buffer (DNS answers are read from there). */
  l4: number;
}

export function newDecoded(): Decoded {
  return {
    ipver: 0,
    src4: 0,
    dst4: 0,
    src6: '',
    dst6: '',
    proto: 0,
    sport: 0,
    dport: 0,
    flags: 0,
    ipLen: 0,
    payload: 0,
    hasPorts: false,
    fragId: 0,
    fragFirst: false,
    fragLater: false,
    icmpType: 0,
    icmpCode: 0,
    l4: 0,
  };
}

/** Link types we read (LINKTYPE_* numbers from tcpdump.org). */
export const LINKTYPES: Record<number, string> = {
  0: 'BSD loopback',
  1: 'Ethernet',
  12: 'raw IP',
  14: 'raw IP',
  101: 'raw IP',
  108: 'OpenBSD loopback',
  113: 'Linux cooked (SLL)',
  228: 'raw IPv4',
  229: 'raw IPv6',
  276: 'Linux cooked v2 (SLL2)',
};

function hex6(b: Buffer, o: number): string {
  // 16 bytes as 32 hex digits; only IPv6 pays for this string
  return b.toString('hex', o, o + 16);
}

/**
 * Fills `d` from the packet at b[off .. off+cap). Returns false when the packet is not IP (ARP,
 * LLDP, ...) or too short to hold an IP header.
 */
export function decodePacket(
  d: Decoded,
  b: Buffer,
  off: number,
  cap: number,
  linktype: number,
): boolean {
  const end = off + cap;
  let p = off;
  let ethertype = -1;
  switch (linktype) {
    case 1: {
      if (cap < 14) return false;
      ethertype = (b[p + 12] << 8) | b[p + 13];
      p += 14;
      // 802.1Q, 802.1ad (QinQ) and the old 0x9100 tag: skip every tag
      while (
        (ethertype === 0x8100 || ethertype === 0x88a8 || ethertype === 0x9100) &&
        p + 4 <= end
      ) {
        ethertype = (b[p + 2] << 8) | b[p + 3];
        p += 4;
      }
      break;
    }
    case 113:
      if (cap < 16) return false;
      ethertype = (b[p + 14] << 8) | b[p + 15];
      p += 16;
      break;
    case 276:
      if (cap < 20) return false;
      ethertype = (b[p] << 8) | b[p + 1];
      p += 20;
      break;
    case 0:
    case 108: {
      if (cap < 4) return false;
      // BSD null: address family in the capturing host's byte order; LOOP: network order
      let fam = linktype === 108 ? b.readUInt32BE(p) : b.readUInt32LE(p);
      if (linktype === 0 && fam > 0xffff) fam = b.readUInt32BE(p);
      ethertype = fam === 2 ? 0x0800 : fam === 24 || fam === 28 || fam === 30 ? 0x86dd : -1;
      p += 4;
      break;
    }
    case 12:
    case 14:
    case 101:
      if (cap < 1) return false;
      ethertype = b[p] >> 4 === 6 ? 0x86dd : b[p] >> 4 === 4 ? 0x0800 : -1;
      break;
    case 228:
      ethertype = 0x0800;
      break;
    case 229:
      ethertype = 0x86dd;
      break;
    default:
      return false;
  }
  d.hasPorts = false;
  d.flags = 0;
  d.sport = 0;
  d.dport = 0;
  d.fragFirst = false;
  d.fragLater = false;
  d.icmpType = 0;
  d.icmpCode = 0;
  let l4: number;
  let l4len: number;
  if (ethertype === 0x0800) {
    if (end - p < 20 || b[p] >> 4 !== 4) return false;
    const ihl = (b[p] & 15) * 4;
    d.ipver = 4;
    d.ipLen = (b[p + 2] << 8) | b[p + 3];
    if (d.ipLen === 0) d.ipLen = end - p; // TSO captures carry 0
    d.proto = b[p + 9];
    d.src4 = b.readUInt32BE(p + 12);
    d.dst4 = b.readUInt32BE(p + 16);
    const frag = (b[p + 6] << 8) | b[p + 7];
    const offset = frag & 0x1fff;
    const more = (frag & 0x2000) !== 0;
    d.fragId = (b[p + 4] << 8) | b[p + 5];
    d.fragLater = offset !== 0;
    d.fragFirst = offset === 0 && more;
    l4 = p + ihl;
    l4len = d.ipLen - ihl;
  } else if (ethertype === 0x86dd) {
    if (end - p < 40 || b[p] >> 4 !== 6) return false;
    d.ipver = 6;
    d.ipLen = ((b[p + 4] << 8) | b[p + 5]) + 40;
    d.src6 = hex6(b, p + 8);
    d.dst6 = hex6(b, p + 24);
    let nh = b[p + 6];
    let q = p + 40;
    // skip extension headers to the transport header
    for (;;) {
      if (nh === 0 || nh === 43 || nh === 60 || nh === 135 || nh === 139 || nh === 140) {
        if (q + 8 > end) break;
        const next = b[q];
        q += (b[q + 1] + 1) * 8;
        nh = next;
      } else if (nh === 44) {
        if (q + 8 > end) break;
        const next = b[q];
        const fo = (b[q + 2] << 8) | b[q + 3];
        d.fragLater = fo >> 3 !== 0;
        d.fragFirst = fo >> 3 === 0 && (fo & 1) === 1;
        d.fragId = b.readUInt32BE(q + 4);
        q += 8;
        nh = next;
      } else if (nh === 51) {
        if (q + 2 > end) break;
        const next = b[q];
        q += (b[q + 1] + 2) * 4;
        nh = next;
      } else break;
    }
    d.proto = nh;
    l4 = q;
    l4len = d.ipLen - (q - p);
  } else return false;

  d.l4 = l4;
  if (d.fragLater) return true;
  const proto = d.proto;
  if (proto === 6) {
    if (l4 + 14 > end) return true;
    d.sport = (b[l4] << 8) | b[l4 + 1];
    d.dport = (b[l4 + 2] << 8) | b[l4 + 3];
    d.flags = b[l4 + 13];
    d.payload = l4len - (b[l4 + 12] >> 4) * 4;
    d.hasPorts = true;
  } else if (proto === 17 || proto === 132 || proto === 136) {
    if (l4 + 4 > end) return true;
    d.sport = (b[l4] << 8) | b[l4 + 1];
    d.dport = (b[l4 + 2] << 8) | b[l4 + 3];
    d.payload = proto === 17 ? l4len - 8 : l4len;
    d.hasPorts = true;
  } else if (proto === 1 || proto === 58) {
    if (l4 + 2 > end) return true;
    d.icmpType = b[l4];
    d.icmpCode = b[l4 + 1];
    // echo request/reply share the identifier: use it as both ports so the pair keys alike
    const echo =
      proto === 1 ? d.icmpType === 8 || d.icmpType === 0 : d.icmpType === 128 || d.icmpType === 129;
    if (echo && l4 + 6 <= end) d.sport = d.dport = (b[l4 + 4] << 8) | b[l4 + 5];
    else {
      d.sport = d.icmpType;
      d.dport = d.icmpCode;
    }
    d.payload = l4len - 8;
    d.hasPorts = true;
  } else {
    d.payload = l4len;
    d.hasPorts = true; // no ports: the 3-tuple keys the flow
  }
  return true;
}
