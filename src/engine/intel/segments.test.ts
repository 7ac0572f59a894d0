import { describe, expect, it } from 'vitest';
import { toSegments } from './segments';

const show = (r: { lo: bigint; hi: bigint }[]) =>
  toSegments(r).map((s) => `${s.lo}-${s.hi}:${s.members.sort().join(',')}`);

describe('toSegments', () => {
  it('keeps disjoint ranges as they are (sorted)', () => {
    expect(
      show([
        { lo: 10n, hi: 20n },
        { lo: 0n, hi: 5n },
        { lo: 21n, hi: 21n },
      ]),
    ).toEqual(['0-5:1', '10-20:0', '21-21:2']);
  });
  it('splits overlapping and nested ranges so every address finds all ranges that cover it', () => {
    expect(
      show([
        { lo: 0n, hi: 100n },
        { lo: 10n, hi: 20n },
        { lo: 20n, hi: 30n },
        { lo: 200n, hi: 300n },
      ]),
    ).toEqual(['0-9:0', '10-19:0,1', '20-20:0,1,2', '21-30:0,2', '31-100:0', '200-300:3']);
  });
  it('handles identical ranges from two feeds and the top of the 128-bit space', () => {
    const top = (1n << 128n) - 1n;
    expect(
      show([
        { lo: 5n, hi: top },
        { lo: 5n, hi: top },
      ]),
    ).toEqual([`5-${top}:0,1`]);
    expect(show([])).toEqual([]);
  });
});
