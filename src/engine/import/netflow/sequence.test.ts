// Sequence numbering as the standards say it and as exporters do it: gaps counted only when no
// numbering the exporter has followed so far explains the next number.
import { describe, expect, it } from 'vitest';
import { SequenceTracker } from './sequence';

describe('SequenceTracker', () => {
  it('IPFIX as RFC 7011 numbers it: data records before the message', () => {
    const t = new SequenceTracker(10);
    t.check(0, 2, 2, true);
    t.check(2, 3, 3, true);
    t.check(5, 1, 1, true);
    expect([t.gaps, t.missing]).toEqual([0, 0]);
    t.check(9, 1, 1, true);
    expect([t.gaps, t.missing]).toEqual([1, 3]);
  });

  it("softflowd's numbering: flow records up to and including the message, options records left out", () => {
    const t = new SequenceTracker(10);
    t.check(20, 21, 20, true); // templates, 1 options record and 20 flows
    t.check(48, 28, 28, true);
    t.check(76, 28, 28, true);
    t.check(96, 21, 20, true);
    expect([t.gaps, t.missing]).toEqual([0, 0]);
    t.check(152, 28, 28, true); // 28 more than the 28 of this message: one datagram lost
    expect([t.gaps, t.missing]).toEqual([1, 28]);
  });

  it('NetFlow v9 counting export packets; unknown record counts skip the check', () => {
    const t = new SequenceTracker(9);
    t.check(7, 30, 30, true);
    t.check(8, 30, 30, true);
    t.check(9, 0, 0, false);
    t.check(10, 5, 5, true);
    expect(t.gaps).toBe(0);
    t.check(13, 5, 5, true);
    expect([t.gaps, t.missing]).toEqual([1, 0]);
  });

  it('wraps at 2^32 and counts a restart (a number going back) as a gap without missing records', () => {
    const t = new SequenceTracker(5);
    t.check(2 ** 32 - 10, 30, 30, true);
    t.check(20, 30, 30, true);
    expect(t.gaps).toBe(0);
    t.check(0, 30, 30, true);
    expect([t.gaps, t.missing]).toEqual([1, 0]);
  });
});
