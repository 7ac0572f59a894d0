// Writes packets to a classic pcap file (microsecond timestamps, one link type) or, when the
// packets mix link types, to pcapng with one interface per link type. Both open in Wireshark and
// tcpdump. Buffered, written with one file handle; the caller renames the finished file.
import fs from 'node:fs';

const FLUSH = 1 << 20;

export class CaptureWriter {
  private readonly fd: number;
  private chunks: Buffer[] = [];
  private pending = 0;
  private readonly ifaceOf = new Map<number, number>();
  packets = 0;
  bytes = 0;

  constructor(
    file: string,
    readonly container: 'pcap' | 'pcapng',
    linktypes: number[],
  ) {
    this.fd = fs.openSync(file, 'wx');
    if (container === 'pcap') {
      const h = Buffer.alloc(24);
      h.writeUInt32LE(0xa1b2c3d4, 0);
      h.writeUInt16LE(2, 4);
      h.writeUInt16LE(4, 6);
      h.writeUInt32LE(262144, 16); // snaplen
      h.writeUInt32LE(linktypes[0] ?? 1, 20);
      this.push(h);
      return;
    }
    // section header block: byte-order magic, version 1.0, section length unknown
    const shb = Buffer.alloc(28);
    shb.writeUInt32LE(0x0a0d0d0a, 0);
    shb.writeUInt32LE(28, 4);
    shb.writeUInt32LE(0x1a2b3c4d, 8);
    shb.writeUInt16LE(1, 12);
    shb.writeUInt16LE(0, 14);
    shb.writeBigInt64LE(-1n, 16);
    shb.writeUInt32LE(28, 24);
    this.push(shb);
    linktypes.forEach((lt, i) => {
      // interface description block, default timestamp resolution (microseconds)
      const idb = Buffer.alloc(20);
      idb.writeUInt32LE(1, 0);
      idb.writeUInt32LE(20, 4);
      idb.writeUInt16LE(lt, 8);
      idb.writeUInt32LE(262144, 12);
      idb.writeUInt32LE(20, 16);
      this.push(idb);
      this.ifaceOf.set(lt, i);
    });
  }

  /** One packet: `tsMicros` since the epoch, the captured bytes and the original length. */
  write(
    tsMicros: number,
    data: Buffer,
    off: number,
    caplen: number,
    origlen: number,
    linktype: number,
  ): void {
    const sec = Math.floor(tsMicros / 1e6);
    const usec = Math.round(tsMicros - sec * 1e6);
    const body = Buffer.from(data.subarray(off, off + caplen)); // the reader reuses its buffer
    if (this.container === 'pcap') {
      const h = Buffer.alloc(16);
      h.writeUInt32LE(sec >>> 0, 0);
      h.writeUInt32LE(usec, 4);
      h.writeUInt32LE(caplen, 8);
      h.writeUInt32LE(origlen, 12);
      this.push(h);
      this.push(body);
    } else {
      const iface = this.ifaceOf.get(linktype);
      if (iface === undefined) throw new Error(`link type ${linktype} has no interface block`);
      const pad = (4 - (caplen % 4)) % 4;
      const len = 32 + caplen + pad;
      const h = Buffer.alloc(28);
      h.writeUInt32LE(6, 0); // enhanced packet block
      h.writeUInt32LE(len, 4);
      h.writeUInt32LE(iface, 8);
      const ts = BigInt(Math.round(tsMicros));
      h.writeUInt32LE(Number(ts >> 32n), 12);
      h.writeUInt32LE(Number(ts & 0xffffffffn), 16);
      h.writeUInt32LE(caplen, 20);
      h.writeUInt32LE(origlen, 24);
      const tail = Buffer.alloc(pad + 4);
      tail.writeUInt32LE(len, pad);
      this.push(h);
      this.push(body);
      this.push(tail);
    }
    this.packets++;
  }

  private push(b: Buffer): void {
    this.chunks.push(b);
    this.pending += b.length;
    this.bytes += b.length;
    if (this.pending >= FLUSH) this.flush();
  }

  private flush(): void {
    if (!this.pending) return;
    fs.writeSync(this.fd, Buffer.concat(this.chunks, this.pending));
    this.chunks = [];
    this.pending = 0;
  }

  close(): void {
    try {
      this.flush();
    } finally {
      fs.closeSync(this.fd);
    }
  }
}
