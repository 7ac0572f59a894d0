import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CaseStore } from '../../../store/case-store';
import { insertFlows, type FlowRow } from '../../../../../tests/helpers/flows';
import { runDetector } from '../../../../../tests/helpers/detect';
import { at, background } from '../../../../../tests/helpers/background';
import { ipActivityDetector } from './index';

let store: CaseStore;
beforeEach(async () => {
  store = await CaseStore.open(':memory:');
});
afterEach(() => store.close());

describe('ip-activity detector', () => {
  it('reports a host over the p90 and the hard limit', async () => {
    const rows: FlowRow[] = [];
    for (let p = 1; p <= 150; p++) rows.push({ ts: at(p), src_ip: '192.168.1.99', dst_ip: '192.168.1.20', dst_port: p });
    await insertFlows(store, [...background(), ...rows]);
    const alerts = await runDetector(store, ipActivityDetector);
    expect(alerts.map((a) => a.src_ip)).toEqual(['192.168.1.99']);
    expect(alerts[0].features[0]).toMatchObject({ name: 'distinct_dst_ports', value: 150, threshold: 100, direction: 'above' });
    expect(alerts[0].flow_count).toBe(150);
  });

  it('respects the hard limit even above the percentile', async () => {
    const rows: FlowRow[] = [];
    for (let p = 1; p <= 60; p++) rows.push({ ts: at(p), src_ip: '192.168.1.99', dst_ip: '192.168.1.20', dst_port: p });
    await insertFlows(store, [...background(), ...rows]);
    expect(await runDetector(store, ipActivityDetector)).toEqual([]);
    expect(await runDetector(store, ipActivityDetector, { limit: 50 })).toHaveLength(1);
  });
});
