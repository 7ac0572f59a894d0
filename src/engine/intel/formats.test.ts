import { describe, expect, it } from 'vitest';
import { parseCidr } from '../util/ip';
import { checkFeedFormat, parseEntry, parseFeed, splitCsv } from './formats';

describe('feed line parsing', () => {
  it('parses IPs, CIDRs and a-b ranges like parseCidr does', () => {
    for (const t of [
      '1.2.3.4',
      '1.2.3.4/24',
      '0.0.0.0/0',
      '255.255.255.255/32',
      '2a00:1450::/32',
      '::ffff:1.2.3.4',
    ])
      expect(parseEntry(t)).toEqual({ lo: parseCidr(t)!.lo, hi: parseCidr(t)!.hi });
    expect(parseEntry('1.2.3.4-1.2.3.9')).toEqual({
      lo: parseCidr('1.2.3.4')!.lo,
      hi: parseCidr('1.2.3.9')!.lo,
    });
    for (const bad of [
      '1.2.3.4/33',
      '01.2.3.4',
      '1.2.3.4/',
      '1.2.3',
      '1.2.3.9-1.2.3.4',
      'abc',
      '2a00::/129',
    ])
      expect(parseEntry(bad)).toBeNull();
  });

  it('splits quoted CSV fields', () => {
    expect(splitCsv('"a,b", c ,"say ""hi"""')).toEqual(['a,b', 'c', 'say "hi"']);
  });

  it('reads a CSV column by name or number and says when the column is missing', () => {
    expect(
      parseFeed('ip,score\n1.2.3.4,9\n5.6.7.8,3\n', 'csv:ip').entries.map((e) => e.entry),
    ).toEqual(['1.2.3.4', '5.6.7.8']);
    expect(parseFeed('x;1.2.3.4\n', 'csv:1').invalidLines).toBe(1);
    expect(parseFeed('a,1.2.3.4\nb,5.6.7.8\n', 'csv:2').entries).toHaveLength(2);
    expect(() => parseFeed('address,score\n1.2.3.4,9\n', 'csv:ip')).toThrow(
      /line 1: no column "ip" in the CSV header \(address, score\)/,
    );
  });

  it('drops duplicates and counts prose lines as invalid', () => {
    const r = parseFeed('1.2.3.4\n1.2.3.4\nthis is not a list\n', 'ip-list');
    expect(r.entries).toHaveLength(1);
    expect(r.invalidSample).toEqual(['line 3: this is not a list']);
  });

  it('checks format names', () => {
    expect(checkFeedFormat('csv:dst_ip')).toBe('csv:dst_ip');
    expect(() => checkFeedFormat('csv:')).toThrow(/unknown feed format/);
  });
});
