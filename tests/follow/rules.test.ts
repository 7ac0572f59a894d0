// Which names are complete at sight, never taken, or decided by settling; where a followed
// file's header ends; and the follow command's durations.
import { describe, expect, it } from 'vitest';
import { parseDetectEvery, parseDuration } from '../../src/cli/commands/follow-options';
import { TAIL_RULES, classifyName, headerLineCount } from '../../src/engine/follow/file-rules';
import { lagOf } from '../../src/engine/follow/lag';

describe('file names in a followed folder', () => {
  it('takes nfcapd files renamed into place at once and never its current file or temporary names', () => {
    expect(classifyName('/d/nfcapd.202612060152')).toBe('renamed-into-place');
    expect(classifyName('/d/2026/12/06/nfcapd.20261206015214')).toBe('renamed-into-place');
    for (const n of [
      'nfcapd.current.10500',
      '.conn.log.swp',
      'upload.csv.part',
      'x.tmp',
      'a.csv~',
      '.hidden',
      'f.partial',
    ])
      expect([n, classifyName(`/d/${n}`)]).toEqual([n, 'in-progress']);
    for (const n of [
      'conn.log',
      'conn.2026-12-06-01-00-00.log.gz',
      'cap-20261206.pcap',
      'flows.csv',
    ])
      expect([n, classifyName(`/d/${n}`)]).toEqual([n, 'settle']);
  });
});

describe("where a followed file's header ends", () => {
  it('knows it once a line after the header is complete', () => {
    const zeek = ['#separator \\x09', '#fields\tts', '#types\ttime'];
    expect(headerLineCount(TAIL_RULES.zeek, zeek)).toBeNull();
    expect(headerLineCount(TAIL_RULES.zeek, [...zeek, '1.0\tx'])).toBe(3);
    expect(headerLineCount(TAIL_RULES.argus, ['', 'StartTime,Dur'])).toBeNull();
    expect(headerLineCount(TAIL_RULES.argus, ['', 'StartTime,Dur', '2011/08/10 09:46:53,1'])).toBe(
      2,
    );
    expect(headerLineCount(TAIL_RULES.seed, [])).toBeNull();
    expect(headerLineCount(TAIL_RULES.seed, ['2024-01-01 00:00:00,tcp,new,a,1,b,2,3,4'])).toBe(0);
    expect(TAIL_RULES['nfdump-csv'].trailer!('Summary\r')).toBe(true);
    expect(TAIL_RULES.pcap).toBeUndefined();
  });
});

describe('follow options and the lag in words', () => {
  it('reads durations and detection intervals', () => {
    expect([
      parseDuration('24h'),
      parseDuration('90m'),
      parseDuration('7d'),
      parseDuration('45'),
      parseDuration('0s'),
      parseDuration('a day'),
    ]).toEqual([86400, 5400, 604800, 45, null, null]);
    expect(parseDetectEvery('60s')).toEqual({ seconds: 60 });
    expect(parseDetectEvery('10b')).toEqual({ batches: 10 });
    expect(parseDetectEvery('3 batches')).toEqual({ batches: 3 });
    expect(() => parseDetectEvery('often')).toThrow(
      /expected a time \(60s, 5m\) or a number of batches/,
    );
  });

  it('says how far behind, by wall time and by data time', () => {
    const now = Date.parse('2026-12-06T02:00:00Z');
    expect(
      lagOf(
        {
          oldestWaitingSince: now - 125_000,
          queuedFiles: 3,
          queuedBytes: 41 * 2 ** 20,
          unreadBytes: 0,
        },
        '2026-12-06T01:57:00.000Z',
        now,
      ),
    ).toEqual({
      behindSeconds: 125,
      newestFlow: '2026-12-06T01:57:00.000Z',
      dataBehindSeconds: 180,
      queuedFiles: 3,
      queuedBytes: 41 * 2 ** 20,
      unreadBytes: 0,
      text: '2 min 5 s behind (3 files, 41.0 MB waiting)',
    });
    expect(
      lagOf({ oldestWaitingSince: null, queuedFiles: 0, queuedBytes: 0, unreadBytes: 0 }, null, now)
        .text,
    ).toBe('caught up');
  });
});
