import { describe, expect, it } from 'vitest';
import { clauseFor } from '../features/workspace/selection';
import { fmtBytes, fmtDuration, fmtPort, fmtSpan, fmtTs } from './format';

describe('workspace formatting', () => {
  it('formats bytes, durations and ports for humans', () => {
    expect(fmtBytes(512)).toBe('512 B');
    expect(fmtBytes(1536)).toBe('1.5 KB');
    expect(fmtBytes(3 * 1024 ** 3)).toBe('3.0 GB');
    expect(fmtDuration(0.25)).toBe('250 ms');
    expect(fmtDuration(90)).toBe('1 min 30 s');
    expect(fmtDuration(2 * 86400 + 3 * 3600)).toBe('2 d 3 h');
    expect(fmtSpan('2024-01-01T00:00:00Z', '2024-01-01T01:10:00Z')).toBe('1 h 10 min');
    expect(fmtPort(22, 'tcp')).toBe('22 (ssh)');
    expect(fmtPort(40000, 'tcp')).toBe('40000');
    expect(fmtPort(null)).toBe('');
    expect(fmtTs('2024-03-01T10:02:03.456Z')).toBe('2024-03-01 10:02:03.456');
  });

  it('turns a cell into a filter clause only for filterable columns', () => {
    expect(clauseFor('src_ip', '10.0.0.5')).toBe('src ip 10.0.0.5');
    expect(clauseFor('dst_port', 443)).toBe('dst port 443');
    expect(clauseFor('state', 'reset')).toBe('state reset');
    expect(clauseFor('src_bytes', 100)).toBeNull();
    expect(clauseFor('src_ip', null)).toBeNull();
  });
});
