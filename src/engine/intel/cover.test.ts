import { describe, expect, it } from 'vitest';
import { coveringRanges } from './cover';

const show = (m: Map<bigint, number[]>) =>
  [...m].sort((a, b) => Number(a[0] - b[0])).map(([n, ix]) => `${n}:${ix.sort().join(',')}`);

describe('coveringRanges', () => {
  it('lists every range covering each address, nested and overlapping ones included', () => {
    const ranges = [
      { lo: 0n, hi: 100n },
      { lo: 10n, hi: 20n },
      { lo: 20n, hi: 30n },
      { lo: 200n, hi: 300n },
    ];
    expect(show(coveringRanges(ranges, [5n, 10n, 20n, 31n, 150n, 300n, 301n, 20n]))).toEqual([
      '5:0',
      '10:0,1',
      '20:0,1,2',
      '31:0',
      '300:3',
    ]);
  });
  it('handles first and last addresses, identical ranges and the top of the 128-bit space', () => {
    const top = (1n << 128n) - 1n;
    const ranges = [
      { lo: 5n, hi: top },
      { lo: 5n, hi: top },
    ];
    expect(show(coveringRanges(ranges, [4n, 5n, top]))).toEqual(['5:0,1', `${top}:0,1`]);
    expect(coveringRanges(ranges, []).size).toBe(0);
    expect(coveringRanges([], [1n]).size).toBe(0);
  });
});
