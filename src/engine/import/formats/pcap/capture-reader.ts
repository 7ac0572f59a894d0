// Streams packet records out of a pcap or pcapng file. Large reads into one reusable buffer and
// DataView-free offset arithmetic keep the per-packet cost to a callback with a few integers: the
// packet bytes are never copied (the sink reads them in place, before the next refill).
import type { FileHandle } from 'node:fs/promises';
import { NetsiftError } from '../../../core/errors';

/** Called once per packet; `data` is valid only during the call. tsMicros is µs since the epoch. */
export type PacketSink = (
  tsMicros: number,
  data: Buffer,
  offset: number,
  caplen: number,
  origlen: number,
  linktype: number,
) => void;

export interface CaptureStats {
  container: 'pcap' | 'pcapng';
  packets: number;
  /** Packets whose captured length is below the original length (snaplen cut). */
  snapped: number;
  /** Bytes left over at the end that do not form a whole record (a capture cut mid-packet). */
  truncatedTailBytes: number;
  linktypes: number[];
  /** pcapng blocks of types we do not read (name resolution, statistics, custom). */
  skippedBlocks: number;
}

const CHUNK = 4 << 20;
const MAX_RECORD = 256 << 20;

export function captureKind(head: Buffer): 'pcap' | 'pcapng' | null {
  if (head.length < 4) return null;
  const m = head.readUInt32BE(0);
  if (m === 0xa1b2c3d4 || m === 0xd4c3b2a1 || m === 0xa1b23c4d || m === 0x4d3cb2a1) return 'pcap';
  if (m === 0x0a0d0d0a) return 'pcapng';
  return null;
}

interface Iface {
  linktype: number;
  snaplen: number;
  /** divide the raw timestamp by this to get µs */
  perMicro: number;
}

/**
 * Reads the whole file, calling `sink` per packet and `onChunk(bytesConsumed)` after every buffer
 * (for progress and cancel: it may throw to stop).
 */
export async function readCapture(
  fh: FileHandle,
  file: string,
  sink: PacketSink,
  onChunk: (bytesDone: number) => Promise<void> | void,
): Promise<CaptureStats> {
  let buf = Buffer.allocUnsafe(CHUNK);
  let start = 0; // first unconsumed byte in buf
  let end = 0; // end of valid bytes in buf
  let fileOff = 0; // file offset of buf[0]
  let eof = false;
  const stats: CaptureStats = {
    container: 'pcap',
    packets: 0,
    snapped: 0,
    truncatedTailBytes: 0,
    linktypes: [],
    skippedBlocks: 0,
  };

  /** Ensures at least `need` bytes from `start`; false at EOF when not enough remain. */
  async function fill(need: number): Promise<boolean> {
    while (end - start < need && !eof) {
      if (start > 0) {
        buf.copyWithin(0, start, end);
        fileOff += start;
        end -= start;
        start = 0;
      }
      if (need > buf.length) {
        const bigger = Buffer.allocUnsafe(Math.max(need, buf.length * 2));
        buf.copy(bigger, 0, 0, end);
        buf = bigger;
      }
      const { bytesRead } = await fh.read(buf, end, buf.length - end, fileOff + end);
      if (bytesRead === 0) eof = true;
      end += bytesRead;
    }
    return end - start >= need;
  }

  const noteLinktype = (lt: number): void => {
    if (!stats.linktypes.includes(lt)) stats.linktypes.push(lt);
  };

  if (!(await fill(24))) throw new NetsiftError(`${file}: too short to be a capture file`);
  const kind = captureKind(buf.subarray(start, start + 4));
  if (!kind) throw new NetsiftError(`${file}: not a pcap or pcapng file (bad magic number)`);
  stats.container = kind;

  if (kind === 'pcap') {
    const magic = buf.readUInt32LE(start);
    const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
    const nano = magic === 0xa1b23c4d || magic === 0x4d3cb2a1;
    const u32 = le ? (o: number) => buf.readUInt32LE(o) : (o: number) => buf.readUInt32BE(o);
    const snaplen = u32(start + 16);
    const linktype = u32(start + 20) & 0x0fffffff;
    noteLinktype(linktype);
    const maxIncl = Math.max(snaplen, 262144) + 65536;
    start += 24;
    for (;;) {
      // walk all whole records in the buffer without awaiting
      const b = buf;
      let p = start;
      const lim = end;
      while (lim - p >= 16) {
        const incl = le ? b.readUInt32LE(p + 8) : b.readUInt32BE(p + 8);
        if (incl > maxIncl || incl > MAX_RECORD)
          throw new NetsiftError(
            `${file}: corrupt pcap record at byte ${fileOff + p} (captured length ${incl} > snaplen ${snaplen})`,
          );
        if (lim - p < 16 + incl) break;
        const sec = le ? b.readUInt32LE(p) : b.readUInt32BE(p);
        const frac = le ? b.readUInt32LE(p + 4) : b.readUInt32BE(p + 4);
        const orig = le ? b.readUInt32LE(p + 12) : b.readUInt32BE(p + 12);
        if (orig > incl) stats.snapped++;
        stats.packets++;
        sink(sec * 1e6 + (nano ? Math.floor(frac / 1000) : frac), b, p + 16, incl, orig, linktype);
        p += 16 + incl;
      }
      start = p;
      await onChunk(fileOff + start);
      if (eof) break;
      // whatever is left is a partial record: read on (fill returns false only at the end)
      await fill(end - start >= 16 ? 16 + u32(start + 8) : 16);
    }
    stats.truncatedTailBytes = end - start;
    return stats;
  }

  // pcapng: a sequence of blocks, each with type, total length, body, total length
  let le = true;
  let ifaces: Iface[] = [];
  for (;;) {
    // all whole blocks in the buffer, without awaiting
    for (;;) {
      if (end - start < 12) break;
      const btype = buf.readUInt32LE(start); // 0x0a0d0d0a reads the same both ways
      if (btype === 0x0a0d0d0a) {
        const bom = buf.readUInt32LE(start + 8);
        if (bom === 0x1a2b3c4d) le = true;
        else if (bom === 0x4d3c2b1a) le = false;
        else
          throw new NetsiftError(
            `${file}: corrupt pcapng section header at byte ${fileOff + start}`,
          );
      }
      const len = le ? buf.readUInt32LE(start + 4) : buf.readUInt32BE(start + 4);
      if (len < 12 || len % 4 !== 0 || len > MAX_RECORD)
        throw new NetsiftError(
          `${file}: corrupt pcapng block at byte ${fileOff + start} (length ${len})`,
        );
      if (end - start < len) break;
      if (btype === 0x0a0d0d0a) ifaces = [];
      readBlock(start, len);
      start += len;
    }
    await onChunk(fileOff + start);
    if (eof) break;
    await fill(
      end - start >= 12 ? (le ? buf.readUInt32LE(start + 4) : buf.readUInt32BE(start + 4)) : 12,
    );
  }

  function readBlock(s: number, len: number): void {
    const b = buf;
    const type = le ? b.readUInt32LE(s) : b.readUInt32BE(s);
    const u32 = le ? (o: number) => b.readUInt32LE(o) : (o: number) => b.readUInt32BE(o);
    const u16 = le ? (o: number) => b.readUInt16LE(o) : (o: number) => b.readUInt16BE(o);
    if (type === 1) {
      const lt = u16(s + 8);
      const iface: Iface = { linktype: lt, snaplen: u32(s + 12) || 0xffffffff, perMicro: 1 };
      // options: if_tsresol (code 9) sets the timestamp unit; default 10^-6
      let o = s + 16;
      while (o + 4 <= s + len - 4) {
        const code = u16(o);
        const olen = u16(o + 2);
        if (code === 0) break;
        if (code === 9 && olen >= 1) {
          const r = b[o + 4];
          const unitsPerSec = r & 0x80 ? 2 ** (r & 0x7f) : 10 ** r;
          iface.perMicro = unitsPerSec / 1e6;
        }
        o += 4 + ((olen + 3) & ~3);
      }
      ifaces.push(iface);
      noteLinktype(lt);
    } else if (type === 6 || type === 2) {
      const ifId = type === 6 ? u32(s + 8) : u16(s + 8);
      const iface = ifaces[ifId];
      if (!iface)
        throw new NetsiftError(
          `${file}: packet block at byte ${fileOff + s} names unknown interface ${ifId}`,
        );
      const raw = u32(s + 12) * 4294967296 + u32(s + 16);
      const cap = Math.min(u32(s + 20), len - 32);
      const orig = u32(s + 24);
      if (orig > cap) stats.snapped++;
      stats.packets++;
      sink(Math.floor(raw / iface.perMicro), b, s + 28, cap, orig, iface.linktype);
    } else if (type === 3) {
      const iface = ifaces[0];
      if (!iface)
        throw new NetsiftError(
          `${file}: simple packet block at byte ${fileOff + s} before any interface`,
        );
      const orig = u32(s + 8);
      const cap = Math.min(orig, iface.snaplen, len - 16);
      if (orig > cap) stats.snapped++;
      stats.packets++;
      // simple packet blocks carry no time: NaN tells the flow table to reuse the previous one
      sink(Number.NaN, b, s + 12, cap, orig, iface.linktype);
    } else if (type !== 0x0a0d0d0a) {
      stats.skippedBlocks++;
    }
  }
  stats.container = 'pcapng';
  stats.truncatedTailBytes = end - start;
  await onChunk(fileOff + start);
  return stats;
}
