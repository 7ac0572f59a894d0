import { describe, expect, it } from 'vitest';
import { KNOWN_SERVICE_PORTS, portLabel, serviceName } from './services';

describe('service names', () => {
  it('names common ports by protocol', () => {
    expect(KNOWN_SERVICE_PORTS).toBeGreaterThanOrEqual(150);
    expect(serviceName(443, 'tcp')).toBe('https');
    expect(serviceName(53, 'udp')).toBe('dns');
    expect(serviceName(53, 'tcp')).toBe('dns');
    expect(serviceName(5353, 'udp')).toBe('mdns');
    expect(serviceName(3389, 'TCP')).toBe('rdp');
    // a udp-only name still labels a tcp port when nothing else fits
    expect(serviceName(161, 'tcp')).toBe('snmp');
    expect(serviceName(40000, 'tcp')).toBeNull();
    expect(serviceName(null, 'icmp')).toBeNull();
    expect(portLabel(22, 'tcp')).toBe('22/ssh');
    expect(portLabel(40000, 'tcp')).toBe('40000');
    expect(portLabel(null)).toBe('');
  });
});
