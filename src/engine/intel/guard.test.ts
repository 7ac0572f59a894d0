import { describe, expect, it } from 'vitest';
import { ipToBigInt, parseCidr } from '../util/ip';
import { guardRanges, guardReason, parseAllowList, subtractAllowed } from './guard';

const r = (c: string) => parseCidr(c)!;
const ip = (s: string) => ipToBigInt(s)!;

describe('guard rails', () => {
  const guards = guardRanges(['192.168.0.0/16', '203.0.112.0/24']);
  it('names the special or internal space an entry touches', () => {
    expect(guardReason(r('10.0.0.0/8'), guards)).toBe('private space (10.0.0.0/8)');
    expect(guardReason(r('10.1.2.3'), guards)).toBe('private space (10.0.0.0/8)');
    expect(guardReason(r('0.0.0.0/0'), guards)).toBe('overlaps this-network space (0.0.0.0/8)');
    expect(guardReason(r('ff02::1'), guards)).toBe('multicast space (ff00::/8)');
    expect(guardReason(r('203.0.112.9'), guards)).toBe('internal network 203.0.112.0/24');
    expect(guardReason(r('45.33.32.156'), guards)).toBeNull();
    expect(guardReason(r('2a00:1450::/32'), guards)).toBeNull();
  });

  it('subtracts allow-listed space, splitting a range around it', () => {
    const e = r('8.8.8.0/24');
    expect(subtractAllowed(e.lo, e.hi, parseAllowList(['8.8.8.8']))).toEqual([
      [ip('8.8.8.0'), ip('8.8.8.7')],
      [ip('8.8.8.9'), ip('8.8.8.255')],
    ]);
    expect(subtractAllowed(e.lo, e.hi, parseAllowList(['8.8.0.0/16']))).toEqual([]);
    expect(
      subtractAllowed(e.lo, e.hi, parseAllowList(['8.8.8.0', '8.8.8.255', '1.1.1.1'])),
    ).toEqual([[ip('8.8.8.1'), ip('8.8.8.254')]]);
  });

  it('refuses an allow-list entry that is not an address', () => {
    expect(() => parseAllowList(['8.8.8.8', 'dns.google'])).toThrow(
      /"dns.google" is not an IP address or CIDR/,
    );
  });
});
