import { describe, expect, it } from 'vitest';
import { ignoredServices, listBinds } from './binds';

describe('named binds', () => {
  it('binds proto/port services as pairs and drops text that can name no port', () => {
    const s = ignoredServices(['udp/123', 'tcp/0', 'udp/0123', 'icmp', 'tcp/999999', 'udp/5353']);
    expect(s.count).toBe(3);
    expect(s.binds).toEqual({ p1: 'udp', n1: 123, p2: 'tcp', n2: 0, p3: 'udp', n3: 5353 });
    expect(s.skipSql()).toBe(
      'AND NOT ((proto = $p1 AND dst_port = $n1::INTEGER) OR (proto = $p2 AND dst_port = $n2::INTEGER) OR (proto = $p3 AND dst_port = $n3::INTEGER))',
    );
    expect(ignoredServices(['icmp']).skipSql()).toBe('');
  });

  it('binds a list one name per value', () => {
    expect(listBinds('port', [22, 23])).toEqual({
      sql: '$port0, $port1',
      binds: { port0: 22, port1: 23 },
    });
  });
});
