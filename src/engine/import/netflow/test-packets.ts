// Hand-built NetFlow v5 / v9 and IPFIX datagrams for tests: a byte builder and the packet and set
// layouts of RFC 3954 and RFC 7011, so a test can say exactly which bytes an exporter sent.

export class Bytes {
  private parts: Buffer[] = [];
  u8(x: number): this {
    this.parts.push(Buffer.from([x & 255]));
    return this;
  }
  u16(x: number): this {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(x);
    this.parts.push(b);
    return this;
  }
  u32(x: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(x >>> 0);
    this.parts.push(b);
    return this;
  }
  u64(x: number | bigint): this {
    const b = Buffer.alloc(8);
    b.writeBigUInt64BE(BigInt(x));
    this.parts.push(b);
    return this;
  }
  ip4(s: string): this {
    this.parts.push(Buffer.from(s.split('.').map(Number)));
    return this;
  }
  ip6(s: string): this {
    const [head, tail] = s.includes('::') ? s.split('::') : [s, ''];
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const groups = [...h, ...new Array(8 - h.length - t.length).fill('0'), ...t];
    for (const g of groups) this.u16(parseInt(g, 16));
    return this;
  }
  raw(b: Buffer | number[]): this {
    this.parts.push(Buffer.from(b));
    return this;
  }
  /** IPFIX variable-length field: 1-byte length, or 255 and a 2-byte length. */
  varField(b: Buffer, long = b.length >= 255): this {
    if (long) this.u8(255).u16(b.length);
    else this.u8(b.length);
    return this.raw(b);
  }
  build(): Buffer {
    return Buffer.concat(this.parts);
  }
}

export const bytes = () => new Bytes();

export interface V5Record {
  src: string;
  dst: string;
  sport?: number;
  dport?: number;
  proto?: number;
  pkts?: number;
  bytes?: number;
  /** sysUptime ms at the first and last packet */
  first?: number;
  last?: number;
  flags?: number;
}

export function v5Packet(o: {
  sysUptime?: number;
  secs?: number;
  nsecs?: number;
  seq?: number;
  engineType?: number;
  engineId?: number;
  sampling?: number;
  records: V5Record[];
  /** header record count, when it should lie */
  count?: number;
}): Buffer {
  const b = bytes()
    .u16(5)
    .u16(o.count ?? o.records.length)
    .u32(o.sysUptime ?? 100_000)
    .u32(o.secs ?? 1_700_000_000)
    .u32(o.nsecs ?? 0)
    .u32(o.seq ?? 0)
    .u8(o.engineType ?? 0)
    .u8(o.engineId ?? 0)
    .u16(o.sampling ?? 0);
  for (const r of o.records)
    b.ip4(r.src)
      .ip4(r.dst)
      .ip4('0.0.0.0')
      .u16(1)
      .u16(2)
      .u32(r.pkts ?? 1)
      .u32(r.bytes ?? 60)
      .u32(r.first ?? 90_000)
      .u32(r.last ?? 95_000)
      .u16(r.sport ?? 0)
      .u16(r.dport ?? 0)
      .u8(0)
      .u8(r.flags ?? 0)
      .u8(r.proto ?? 6)
      .u8(0)
      .u16(0)
      .u16(0)
      .u8(24)
      .u8(24)
      .u16(0);
  return b.build();
}

/** A set (flowset): id, length (header included, or `length` to lie), body, zero padding to 4. */
export function set(id: number, body: Buffer, o: { pad?: boolean; length?: number } = {}): Buffer {
  const pad = o.pad === false ? 0 : (4 - (body.length % 4)) % 4;
  return bytes()
    .u16(id)
    .u16(o.length ?? 4 + body.length + pad)
    .raw(body)
    .raw(new Array(pad).fill(0))
    .build();
}

export type Field = [id: number, length: number] | [id: number, length: number, pen: number];

/** A template record body: id, count, fields (IPFIX enterprise fields get the bit and PEN). */
export function templateRecord(id: number, fields: Field[], scopeCount?: number): Buffer {
  const b = bytes().u16(id).u16(fields.length);
  if (scopeCount !== undefined) b.u16(scopeCount);
  for (const [fid, len, pen] of fields) {
    if (pen)
      b.u16(fid | 0x8000)
        .u16(len)
        .u32(pen);
    else b.u16(fid).u16(len);
  }
  return b.build();
}

/** NetFlow v9 options template record: id, scope length, option length, scope then option fields. */
export function v9OptionsRecord(id: number, scope: Field[], fields: Field[]): Buffer {
  const b = bytes()
    .u16(id)
    .u16(scope.length * 4)
    .u16(fields.length * 4);
  for (const [t, len] of [...scope, ...fields]) b.u16(t).u16(len);
  return b.build();
}

export function v9Packet(o: {
  sysUptime?: number;
  secs?: number;
  seq?: number;
  sourceId?: number;
  sets: Buffer[];
  count?: number;
}): Buffer {
  return bytes()
    .u16(9)
    .u16(o.count ?? o.sets.length)
    .u32(o.sysUptime ?? 100_000)
    .u32(o.secs ?? 1_700_000_000)
    .u32(o.seq ?? 0)
    .u32(o.sourceId ?? 0)
    .raw(Buffer.concat(o.sets))
    .build();
}

export function ipfixPacket(o: {
  exportTime?: number;
  seq?: number;
  domain?: number;
  sets: Buffer[];
  /** header length, when it should lie */
  length?: number;
}): Buffer {
  const body = Buffer.concat(o.sets);
  return bytes()
    .u16(10)
    .u16(o.length ?? 16 + body.length)
    .u32(o.exportTime ?? 1_700_000_000)
    .u32(o.seq ?? 0)
    .u32(o.domain ?? 0)
    .raw(body)
    .build();
}
