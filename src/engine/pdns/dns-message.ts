// Decodes a DNS message (RFC 1035) from a UDP payload in place: header, questions and the answer
// section's A, AAAA, CNAME and PTR records. Everything read is bounds-checked: a truncated or
// corrupt message yields the records decoded before the damage (flagged), never an exception or
// a read past the captured bytes. Compression pointers must point backwards (so a loop cannot
// spin) and names are cut at 255 bytes.

export const DNS_TYPES = { A: 1, CNAME: 5, PTR: 12, AAAA: 28 } as const;

export interface DnsRecord {
  name: string;
  type: number;
  ttl: number;
  /** A/AAAA: the address text; CNAME/PTR: the target name. */
  data: string;
}

export interface DnsMessage {
  id: number;
  response: boolean;
  rcode: number;
  questions: { name: string; type: number }[];
  answers: DnsRecord[];
  /** The message ended (or broke) before all the records its header counts. */
  truncated: boolean;
}

/** Reads a possibly compressed name at `pos`; returns it and the offset after it, or null. */
export function readName(
  b: Buffer,
  start: number,
  end: number,
  pos: number,
): { name: string; next: number } | null {
  const labels: string[] = [];
  let len = 0;
  let next = -1;
  let p = pos;
  let floor = pos; // pointers must point strictly before the name part being read
  for (let hops = 0; hops < 128; hops++) {
    if (p >= end) return null;
    const c = b[p];
    if (c === 0) {
      if (next < 0) next = p + 1;
      return { name: labels.join('.'), next };
    }
    if ((c & 0xc0) === 0xc0) {
      if (p + 1 >= end) return null;
      const target = start + (((c & 0x3f) << 8) | b[p + 1]);
      if (target >= floor || target < start) return null;
      if (next < 0) next = p + 2;
      floor = target;
      p = target;
      continue;
    }
    if (c & 0xc0) return null; // 0x40 / 0x80: extended label types, not used
    if (p + 1 + c > end) return null;
    len += c + 1;
    if (len > 255) return null;
    let label = '';
    for (let i = p + 1; i <= p + c; i++) {
      const ch = b[i];
      // printable ASCII as is; anything else escaped the way dig prints it
      label +=
        ch > 0x20 && ch < 0x7f && ch !== 0x2e && ch !== 0x5c
          ? String.fromCharCode(ch)
          : `\\${ch.toString().padStart(3, '0')}`;
    }
    labels.push(label);
    p += 1 + c;
  }
  return null;
}

function ipv6Text(b: Buffer, o: number): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[o + i] << 8) | b[o + i + 1]).toString(16));
  // compress the longest run of zero groups (RFC 5952), as util/ip bigIntToIp does
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

/** Decodes the message at b[off .. off+len); null when not even the header and questions are there. */
export function decodeDns(b: Buffer, off: number, len: number): DnsMessage | null {
  const end = Math.min(b.length, off + len);
  if (end - off < 12) return null;
  const flags = b.readUInt16BE(off + 2);
  const qd = b.readUInt16BE(off + 4);
  const an = b.readUInt16BE(off + 6);
  if ((flags >> 11) & 0xf) return null; // opcode other than QUERY
  const msg: DnsMessage = {
    id: b.readUInt16BE(off),
    response: (flags & 0x8000) !== 0,
    rcode: flags & 0xf,
    questions: [],
    answers: [],
    truncated: false,
  };
  let p = off + 12;
  for (let i = 0; i < qd; i++) {
    const n = readName(b, off, end, p);
    if (!n || n.next + 4 > end) return i === 0 ? null : { ...msg, truncated: true };
    msg.questions.push({ name: n.name, type: b.readUInt16BE(n.next) });
    p = n.next + 4;
  }
  for (let i = 0; i < an; i++) {
    const n = readName(b, off, end, p);
    if (!n || n.next + 10 > end) {
      msg.truncated = true;
      break;
    }
    const type = b.readUInt16BE(n.next);
    const cls = b.readUInt16BE(n.next + 2) & 0x7fff; // mDNS sets the cache-flush bit
    const ttl = b.readUInt32BE(n.next + 4);
    const rdlen = b.readUInt16BE(n.next + 8);
    const rd = n.next + 10;
    if (rd + rdlen > end) {
      msg.truncated = true;
      break;
    }
    p = rd + rdlen;
    if (cls !== 1) continue;
    if (type === DNS_TYPES.A && rdlen === 4) {
      msg.answers.push({
        name: n.name,
        type,
        ttl,
        data: `${b[rd]}.${b[rd + 1]}.${b[rd + 2]}.${b[rd + 3]}`,
      });
    } else if (type === DNS_TYPES.AAAA && rdlen === 16) {
      msg.answers.push({ name: n.name, type, ttl, data: ipv6Text(b, rd) });
    } else if (type === DNS_TYPES.CNAME || type === DNS_TYPES.PTR) {
      const t = readName(b, off, rd + rdlen, rd);
      if (t) msg.answers.push({ name: n.name, type, ttl, data: t.name });
    }
  }
  return msg;
}
