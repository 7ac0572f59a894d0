// Very large feed entries: one line covering a /8 of public IPv4 (16.7M addresses) or a /16 of
// IPv6 turns a feed into "half the internet is malicious" (one such entry raised a case from 7 to
// 48 incidents). They are guarded (listed, not matched) unless the analyst marks the feed as
// trusted for large ranges. Kept apart from guard.ts, which decides special-purpose space.
import { isV4Mapped } from '../util/ip';

/** An IPv4 entry this large or larger (a /8) is guarded. */
export const LARGE_V4 = 2n ** 24n;
/** An IPv6 entry this large or larger (a /16) is guarded. */
export const LARGE_V6 = 2n ** 112n;

function size(n: bigint): string {
  if (n <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(n).toLocaleString('en-US');
  const bits = n.toString(2).length - 1;
  return n === 1n << BigInt(bits) ? `2^${bits}` : `about 2^${bits}`;
}

/** Why an entry is too large to match untrusted, or null. */
export function largeRangeReason(e: { lo: bigint; hi: bigint }): string | null {
  const n = e.hi - e.lo + 1n;
  const v4 = isV4Mapped(e.lo) && isV4Mapped(e.hi);
  if (n < (v4 ? LARGE_V4 : LARGE_V6)) return null;
  return (
    `very large range (${size(n)} addresses, ${v4 ? '/8' : '/16'} or larger); ` +
    `trust the feed for large ranges to match it`
  );
}

/** The large entries of a list (those not already guarded for another reason). */
export function largeEntries(
  entries: { entry: string; lo: bigint; hi: bigint }[],
  alreadyGuarded: { entry: string }[],
): { entry: string; reason: string }[] {
  const skip = new Set(alreadyGuarded.map((g) => g.entry));
  const out: { entry: string; reason: string }[] = [];
  for (const e of entries) {
    if (skip.has(e.entry)) continue;
    const why = largeRangeReason(e);
    if (why) out.push({ entry: e.entry, reason: why });
  }
  return out;
}
