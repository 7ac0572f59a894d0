// Small readers for the wire format: unsigned integers of any length up to 8 bytes (reduced-size
// encoding), addresses, and hex for reject messages.
import { V4_MAPPED_BASE, bigIntToIp } from '../../util/ip';

/** Unsigned big-endian integer of 1-8 bytes; Infinity when it is beyond 2^53 (not exact in JS). */
export function readUint(buf: Buffer, off: number, len: number): number {
  if (len <= 6) return buf.readUIntBE(off, len);
  const hi = buf.readUIntBE(off, len - 4);
  if (hi >= 2 ** 21) return Infinity;
  return hi * 2 ** 32 + buf.readUInt32BE(off + len - 4);
}

export function ipv4Text(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

export function ipv4Num(v: number): bigint {
  return V4_MAPPED_BASE + BigInt(v >>> 0);
}

export function ipv6Num(buf: Buffer, off: number): bigint {
  return (buf.readBigUInt64BE(off) << 64n) | buf.readBigUInt64BE(off + 8);
}

/** RFC 5952 text of an IPv6 address (an IPv4-mapped one prints as its dotted quad, like bigIntToIp). */
export function ipv6Text(n: bigint): string {
  return bigIntToIp(n);
}

/** Lower-case hex of buf[start, end), at most `max` bytes (with "..." when cut). */
export function hex(buf: Buffer, start = 0, end = buf.length, max = 480): string {
  const stop = Math.min(end, start + max);
  const s = buf.subarray(start, stop).toString('hex');
  return stop < end ? `${s}...` : s;
}
