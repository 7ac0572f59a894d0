import { describe, expect, it } from 'vitest';
import { timeTextToUs, usToIso } from './time-text';

describe('timestamp text to microseconds', () => {
  it('keeps microseconds that Date would drop', () => {
    expect(timeTextToUs('2017-01-27 16:30:05.123456')).toBe(
      Date.UTC(2017, 0, 27, 16, 30, 5) * 1000 + 123456,
    );
    expect(timeTextToUs('2017-01-27T16:30:05.1234569Z')).toBe(
      Date.UTC(2017, 0, 27, 16, 30, 5) * 1000 + 123456,
    );
    expect(timeTextToUs('2017-01-27')).toBe(Date.UTC(2017, 0, 27) * 1000);
  });
  it('applies an explicit offset; zone-less text is UTC', () => {
    expect(timeTextToUs('2017-01-27T18:30:00+02:00')).toBe(timeTextToUs('2017-01-27 16:30:00'));
    expect(timeTextToUs('2017-01-27T16:30:00-0130')).toBe(timeTextToUs('2017-01-27 18:00:00'));
  });
  it('refuses what is not a timestamp and prints like the DuckDB side', () => {
    expect(() => timeTextToUs('yesterday')).toThrow(/not a timestamp: 'yesterday'/);
    expect(usToIso(Date.UTC(2017, 0, 27) * 1000 + 999)).toBe('2017-01-27T00:00:00.000Z');
    expect(usToIso(null)).toBeNull();
  });
});
