import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CaseStore } from '../../store/case-store';
import { insertFlows, type FlowRow } from '../../../../tests/helpers/flows';
import { runDetector } from '../../../../tests/helpers/detect';
import { at, background } from '../../../../tests/helpers/background';
import { labelledIds, selectedIds } from '../../../../tests/helpers/evidence';
import { scanDetector } from './index';
import { classifyScan } from './classify';

let store: CaseStore;
beforeEach(async () => {
  store = await CaseStore.open(':memory:');
});
afterEach(() => store.close());

const feature = (a: { features: { name: string; value: number }[] }, name: string) =>
  a.features.find((f) => f.name === name)?.value;

/** A monitoring host checking 30 services every 30 s: many targets, all recurring. */
function monitoring(): FlowRow[] {
  const rows: FlowRow[] = [];
  for (let s = 0; s < 600; s += 30)
    for (let i = 0; i < 30; i++)
      rows.push({ ts: at(s + i * 0.1), src_ip: '192.168.1.5', dst_ip: `192.168.1.${100 + (i % 10)}`, dst_port: [80, 443, 8080][i % 3], state: i === 7 ? 'reset' : 'established', dst_bytes: i === 7 ? 0 : 500, label: 'monitor' });
  return rows;
}

describe('scan detector', () => {
  it('finds a fast vertical scan with exact entity, features and evidence', async () => {
    const scan: FlowRow[] = [];
    for (let p = 1; p <= 200; p++)
      scan.push({ ts: at(120 + p * 0.3), src_ip: '192.168.1.66', src_port: 55555, dst_ip: '192.168.1.20', dst_port: p, state: p % 50 === 25 ? 'established' : 'reset', dst_bytes: p % 50 === 25 ? 60 : 0, label: 'scan' });
    await insertFlows(store, [...background(), ...monitoring(), ...scan]);
    const alerts = await runDetector(store, scanDetector);
    expect(alerts.map((a) => a.src_ip)).toEqual(['192.168.1.66']);
    const a = alerts[0];
    expect(a.kind).toBe('vertical-scan');
    expect(a.dst_ip).toBe('192.168.1.20');
    expect(feature(a, 'failed_new_targets')).toBe(196);
    expect(feature(a, 'new_targets')).toBe(200);
    expect(feature(a, 'failed_share')).toBeCloseTo(0.98, 2);
    expect(feature(a, 'dst_hosts')).toBe(1);
    expect(a.score).toBeGreaterThan(0.8);
    expect(a.summary).toMatch(/^192\.168\.1\.66 probed 196 ports on 1 host in 60 s; 98% failed$/);
    expect(await selectedIds(store, a.evidence)).toEqual(await labelledIds(store, 'scan'));
    expect(a.flow_count).toBe(200);
  });

  it('finds horizontal and slow scans, and TRW agrees on the horizontal one', async () => {
    const rows: FlowRow[] = [];
    for (let i = 1; i <= 100; i++)
      rows.push({ ts: at(60 + i), src_ip: '10.9.9.9', dst_ip: `192.168.2.${i}`, dst_port: 22, state: 'connecting', dst_bytes: 0, label: 'hscan' });
    for (let p = 0; p < 34; p++)
      rows.push({ ts: at(5 + p * 20), src_ip: '192.168.1.77', dst_ip: '192.168.1.21', dst_port: 1000 + p, state: 'reset', dst_bytes: 0, label: 'slow' });
    await insertFlows(store, [...background(12), ...rows]);
    const alerts = await runDetector(store, scanDetector);
    const by = Object.fromEntries(alerts.map((a) => [a.src_ip, a]));
    expect(Object.keys(by).sort()).toEqual(['10.9.9.9', '192.168.1.77']);
    expect(by['10.9.9.9'].kind).toBe('horizontal-scan');
    expect(feature(by['10.9.9.9'], 'trw')).toBe(1);
    expect(by['10.9.9.9'].summary).toMatch(/probed port 22 on 100 hosts/);
    expect(by['192.168.1.77'].kind).toBe('slow-scan');
    expect(feature(by['192.168.1.77'], 'peak_targets_horizon')).toBe(16);
    expect(await selectedIds(store, by['192.168.1.77'].evidence)).toEqual(await labelledIds(store, 'slow'));
  });

  it('raises nothing on benign traffic with a periodic monitoring host', async () => {
    await insertFlows(store, [...background(), ...monitoring()]);
    expect(await runDetector(store, scanDetector)).toEqual([]);
  });

  it('does not flag a busy client whose many connections succeed', async () => {
    const rows: FlowRow[] = [];
    for (let i = 0; i < 150; i++)
      rows.push({ ts: at(i * 3), src_ip: '192.168.1.44', dst_ip: `151.101.${i % 50}.${1 + i}`, dst_port: 443, dst_bytes: 5000 });
    await insertFlows(store, [...background(), ...rows]);
    expect(await runDetector(store, scanDetector)).toEqual([]);
  });

  it('classifies UDP scans', () => {
    const base = { targets: 50, hosts: 1, ports: 50, failedShare: 1, peakHorizon: 50, peakWindow: 20, maxPortsPerHost: 50, maxHostsPerPort: 1, durationSeconds: 30, trw: 0.5 };
    const t = { minTargets: 20, minFailedShare: 0.5, slowMinMinutes: 10, slowMaxPerHorizon: 40 };
    expect(classifyScan({ ...base, udpShare: 0.9 }, t)).toBe('udp-scan');
    expect(classifyScan({ ...base, udpShare: 0 }, t)).toBe('vertical-scan');
  });
});

describe('scan detector on unidirectional flows', () => {
  it('reads replies from reverse flows when no flow carries reply bytes', async () => {
    const rows: FlowRow[] = [];
    // clients and their servers' replies, each direction its own flow, no reply bytes anywhere
    for (let i = 0; i < 40; i++) {
      const c = `192.168.1.${10 + (i % 2)}`;
      const srv = `93.184.216.${i}`;
      rows.push({ ts: at(i * 5), src_ip: c, src_port: 40000 + i, dst_ip: srv, dst_port: 443, dst_bytes: 0 });
      rows.push({ ts: at(i * 5 + 0.1), src_ip: srv, src_port: 443, dst_ip: c, dst_port: 40000 + i, dst_bytes: 0 });
    }
    // the scanner's probes get nothing back
    for (let p = 1; p <= 60; p++) rows.push({ ts: at(100 + p), src_ip: '192.168.1.66', src_port: 50000, dst_ip: '192.168.1.20', dst_port: p, dst_bytes: 0, state: 'other' });
    // one probe answered
    rows.push({ ts: at(130.5), src_ip: '192.168.1.20', src_port: 30, dst_ip: '192.168.1.66', dst_port: 50000, dst_bytes: 0, state: 'other' });
    await insertFlows(store, rows);
    const alerts = await runDetector(store, scanDetector);
    expect(alerts.map((a) => [a.src_ip, a.kind, feature(a, 'failed_new_targets')])).toEqual([['192.168.1.66', 'vertical-scan', 59]]);
    // read as bidirectional, everyone "failed": the setting matters
    expect((await runDetector(store, scanDetector, { replies: 'bytes' })).length).toBeGreaterThan(1);
  });
});
