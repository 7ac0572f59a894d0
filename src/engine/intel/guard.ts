// Guard rails: entries that touch special-purpose space (private, loopback, link-local, multicast,
// documentation, reserved) or the analyst's internal networks are never matched by default (a
// feed listing 10.0.0.0/8 would flag every internal host); the allow-list always wins.
import { SPECIAL_RANGES, parseCidr, type IpRange } from '../util/ip';
import type { FeedEntry } from './formats';

export interface GuardRange {
  lo: bigint;
  hi: bigint;
  reason: string;
}

export function guardRanges(internalNetworks: string[]): GuardRange[] {
  const out: GuardRange[] = SPECIAL_RANGES.map((s) => {
    const r = parseCidr(s.cidr)!;
    return { lo: r.lo, hi: r.hi, reason: `${s.kind} space (${s.cidr})` };
  });
  for (const c of internalNetworks) {
    const r = parseCidr(c);
    if (r) out.push({ lo: r.lo, hi: r.hi, reason: `internal network ${c}` });
  }
  return out;
}

/** Why an entry is guarded (first overlapping special/internal range), or null when it is not. */
export function guardReason(e: { lo: bigint; hi: bigint }, guards: GuardRange[]): string | null {
  for (const g of guards) {
    if (e.lo <= g.hi && e.hi >= g.lo) {
      const inside = e.lo >= g.lo && e.hi <= g.hi;
      return inside ? g.reason : `overlaps ${g.reason}`;
    }
  }
  return null;
}

export function splitGuarded(
  entries: FeedEntry[],
  guards: GuardRange[],
): { kept: FeedEntry[]; guarded: { entry: string; reason: string }[] } {
  const kept: FeedEntry[] = [];
  const guarded: { entry: string; reason: string }[] = [];
  for (const e of entries) {
    const why = guardReason(e, guards);
    if (why) guarded.push({ entry: e.entry, reason: why });
    else kept.push(e);
  }
  return { kept, guarded };
}

/** Parses allow-list entries (IPs, CIDRs or a-b ranges) to ranges; throws on a bad one. */
export function parseAllowList(list: string[]): IpRange[] {
  return list.map((s) => {
    const r = parseCidr(s.trim());
    if (!r) throw new Error(`allow-list entry "${s}" is not an IP address or CIDR`);
    return r;
  });
}

/**
 * Removes allow-listed space from [lo, hi]: returns the remaining pieces (none when fully allowed).
 * An entry 8.8.8.0/24 with 8.8.8.8 allowed still matches 8.8.8.0-8.8.8.7 and 8.8.8.9-8.8.8.255.
 */
export function subtractAllowed(
  lo: bigint,
  hi: bigint,
  allowed: { lo: bigint; hi: bigint }[],
): [bigint, bigint][] {
  let pieces: [bigint, bigint][] = [[lo, hi]];
  for (const a of allowed) {
    const next: [bigint, bigint][] = [];
    for (const [l, h] of pieces) {
      if (a.hi < l || a.lo > h) {
        next.push([l, h]);
        continue;
      }
      if (a.lo > l) next.push([l, a.lo - 1n]);
      if (a.hi < h) next.push([a.hi + 1n, h]);
    }
    pieces = next;
    if (pieces.length === 0) break;
  }
  return pieces;
}
