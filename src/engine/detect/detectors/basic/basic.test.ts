import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CaseStore } from '../../../store/case-store';
import { insertFlows, type FlowRow } from '../../../../../tests/helpers/flows';
import { runDetector } from '../../../../../tests/helpers/detect';
import { at, background } from '../../../../../tests/helpers/background';
import { labelledIds, selectedIds } from '../../../../../tests/helpers/evidence';
import { basicDetector } from './index';

let store: CaseStore;
beforeEach(async () => {
  store = await CaseStore.open(':memory:');
});
afterEach(() => store.close());

describe('basic detector', () => {
  it('aggregates suspicious ports per source and window, and spares DHCP broadcast', async () => {
    const rows: FlowRow[] = [
      // three port-0 flows and one port-81 flow in the same 10 s window: one alert (ports 0, 81 listed)
      { ts: at(100), src_ip: '192.168.1.50', dst_ip: '192.168.1.20', dst_port: 0, label: 'p' },
      { ts: at(101), src_ip: '192.168.1.50', dst_ip: '192.168.1.21', dst_port: 0, label: 'p' },
      { ts: at(102), src_ip: '192.168.1.50', dst_ip: '192.168.1.22', dst_port: 0, label: 'p' },
      { ts: at(103), src_ip: '192.168.1.50', dst_ip: '192.168.1.22', dst_port: 81, label: 'p' },
      // a DHCP discover is fine; a broadcast from a configured host is not
      { ts: at(200), src_ip: '0.0.0.0', src_port: 68, dst_ip: '255.255.255.255', dst_port: 67, proto: 'udp' },
      { ts: at(201), src_ip: '192.168.1.60', src_port: 5000, dst_ip: '255.255.255.255', dst_port: 9999, proto: 'udp', label: 'b' },
    ];
    await insertFlows(store, [...background(), ...rows]);
    const alerts = await runDetector(store, basicDetector, { ports: [0, 81, 82] });
    expect(alerts.map((a) => [a.src_ip, a.features[0].name, a.flow_count])).toEqual([
      ['192.168.1.50', 'suspicious_port_flows', 4],
      ['192.168.1.60', 'broadcast_flows', 1],
    ]);
    expect(alerts.every((a) => a.severity === 'low')).toBe(true);
    expect(alerts[0].window_start).toBe('2017-01-27T16:01:40.000Z');
    expect(await selectedIds(store, alerts[0].evidence)).toEqual(await labelledIds(store, 'p'));
    expect(await selectedIds(store, alerts[1].evidence)).toEqual(await labelledIds(store, 'b'));
  });

  it('flags zero-byte established flows, and nothing on clean traffic', async () => {
    await insertFlows(store, background());
    expect(await runDetector(store, basicDetector)).toEqual([]);
    await insertFlows(store, [
      { ts: at(30), src_ip: '192.168.1.70', dst_ip: '192.168.1.3', dst_port: 445, src_bytes: 0, dst_bytes: 0, label: 'z' },
      // same source, window and state but with bytes: not part of the evidence
      { ts: at(31), src_ip: '192.168.1.70', dst_ip: '192.168.1.3', dst_port: 445, src_bytes: 300, dst_bytes: 0 },
    ]);
    const alerts = await runDetector(store, basicDetector);
    expect(alerts.map((a) => [a.src_ip, a.features[0].name, a.features[0].value])).toEqual([['192.168.1.70', 'zero_byte_flows', 1]]);
    expect(await selectedIds(store, alerts[0].evidence)).toEqual(await labelledIds(store, 'z'));
  });
});
