import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CaseStore } from '../../../store/case-store';
import { insertFlows, type FlowRow } from '../../../../../tests/helpers/flows';
import { runDetector } from '../../../../../tests/helpers/detect';
import { labelledIds, selectedIds } from '../../../../../tests/helpers/evidence';
import { beaconDetector } from './index';
import { bowley, scoreBeacon } from './score';

const T0 = Date.UTC(2024, 2, 1, 9, 0, 0);
const at = (s: number) => new Date(T0 + s * 1000).toISOString().replace('T', ' ').replace('Z', '');
/** Deterministic noise in [0, 1). */
const noise = (i: number) => ((i * 2654435761) % 1000) / 1000;

/** Two hours of traffic that repeats, but is not a beacon (or is one by design). */
function lookAlikes(): FlowRow[] {
  const rows: FlowRow[] = [];
  // browsing the same site at irregular times with irregular sizes
  let t = 30;
  for (let i = 0; i < 40; i++) {
    t += 20 + Math.round(noise(i + 1) * 400);
    rows.push({
      ts: at(t),
      src_ip: '10.0.0.21',
      src_port: 50000 + i,
      dst_ip: '151.101.1.1',
      dst_port: 443,
      state: 'closed',
      src_bytes: 600 + Math.round(noise(i + 7) * 5000),
      dst_bytes: 5000 + Math.round(noise(i + 3) * 90000),
      label: 'web',
    });
  }
  // one long tls session the collector reports every 30 s: the same source port throughout
  for (let i = 0; i < 200; i++)
    rows.push({
      ts: at(100 + i * 30),
      src_ip: '10.0.0.23',
      src_port: 51515,
      dst_ip: '140.82.112.3',
      dst_port: 443,
      state: 'established',
      src_bytes: 1200,
      dst_bytes: 3400,
      label: 'session',
    });
  // NTP polls every 256 s exactly, periodic by design
  for (let i = 0; i < 28; i++)
    rows.push({
      ts: at(5 + i * 256),
      src_ip: '10.0.0.5',
      src_port: 40123 + i,
      dst_ip: '162.159.200.1',
      dst_port: 123,
      proto: 'udp',
      state: 'established',
      src_bytes: 76,
      dst_bytes: 76,
      label: 'ntp',
    });
  // internal monitoring every minute: not outbound
  for (let i = 0; i < 120; i++)
    rows.push({
      ts: at(7 + i * 60),
      src_ip: '10.0.0.2',
      src_port: 40000 + i,
      dst_ip: '10.0.0.9',
      dst_port: 22,
      state: 'closed',
      src_bytes: 300,
      dst_bytes: 900,
      label: 'monitor',
    });
  // a long udp flow (a game or a tunnel) reported every 30 s on one port, very regular
  for (let i = 0; i < 200; i++)
    rows.push({
      ts: at(200 + i * 30),
      src_ip: '10.0.0.24',
      src_port: 53123,
      dst_ip: '18.66.124.25',
      dst_port: 3480,
      proto: 'udp',
      state: 'established',
      src_bytes: 160,
      dst_bytes: 160,
      label: 'udp-session',
    });
  // a dashboard refreshing every 5 minutes: regular, but the page size changes every time
  for (let i = 0; i < 24; i++)
    rows.push({
      ts: at(60 + i * 300 + Math.round(noise(i + 40) * 20)),
      src_ip: '10.0.0.25',
      src_port: 45000 + i,
      dst_ip: '69.171.153.176',
      dst_port: 443,
      state: 'closed',
      src_bytes: 900,
      dst_bytes: 4000 + Math.round(noise(i + 50) * 40000),
      label: 'dashboard',
    });
  // a burst: 60 requests a second apart (a page with many assets), not a check-in
  for (let i = 0; i < 60; i++)
    rows.push({
      ts: at(3000 + i),
      src_ip: '10.0.0.22',
      src_port: 52000 + i,
      dst_ip: '104.16.1.1',
      dst_port: 443,
      state: 'closed',
      src_bytes: 500,
      dst_bytes: 2000,
      label: 'burst',
    });
  return rows;
}

describe('beacon score', () => {
  it('is high for regular calls and low for irregular ones', () => {
    expect(bowley(1, 2, 3)).toBe(0);
    expect(bowley(1, 1.1, 10)).toBeCloseTo(0.978, 3);
    const regular = scoreBeacon({
      conns: 60,
      d1: 118,
      d2: 120,
      d3: 122,
      dmad: 2,
      b1: 1480,
      b2: 1500,
      b3: 1520,
      bmad: 20,
      bmode: 1500,
      captureSeconds: 7200,
    });
    expect(regular.score).toBeGreaterThan(0.95);
    const irregular = scoreBeacon({
      conns: 60,
      d1: 10,
      d2: 40,
      d3: 300,
      dmad: 35,
      b1: 500,
      b2: 5000,
      b3: 60000,
      bmad: 4500,
      bmode: 700,
      captureSeconds: 7200,
    });
    expect(irregular.score).toBeLessThan(0.6);
  });
});

describe('beacon detector', () => {
  let store: CaseStore;
  beforeEach(async () => {
    store = await CaseStore.open(':memory:');
  });
  afterEach(() => store.close());

  it('reports a host calling home every two minutes, with exact evidence', async () => {
    const rows = lookAlikes();
    for (let i = 0; i < 58; i++)
      rows.push({
        ts: at(40 + i * 120 + Math.round((noise(i) - 0.5) * 10)),
        src_ip: '10.0.0.20',
        src_port: 33000 + i * 7,
        dst_ip: '185.220.101.7',
        dst_port: 443,
        state: 'closed',
        src_bytes: 420 + Math.round(noise(i + 11) * 40),
        dst_bytes: 1100 + Math.round(noise(i + 5) * 60),
        label: 'attack',
      });
    await insertFlows(store, rows);
    const alerts = await runDetector(store, beaconDetector);
    expect(alerts).toHaveLength(1);
    const a = alerts[0];
    expect(a).toMatchObject({
      detector: 'beacon',
      kind: 'beaconing',
      src_ip: '10.0.0.20',
      dst_ip: '185.220.101.7',
      flow_count: 58,
    });
    const f = Object.fromEntries(a.features.map((x) => [x.name, x]));
    expect(f.beacon_score.value).toBeGreaterThan(0.85);
    expect(f.beacon_score).toMatchObject({ threshold: 0.85, direction: 'above' });
    expect(f.connections).toMatchObject({ value: 58, threshold: 10, direction: 'above' });
    expect(f.interval_median_s.value).toBeGreaterThan(115);
    expect(f.interval_median_s.value).toBeLessThan(125);
    expect(f.interval_mad_s.direction).toBe('below');
    expect(f.interval_mad_s.value).toBeLessThan(f.interval_mad_s.threshold!);
    expect(f.bytes_mad.direction).toBe('below');
    expect(f.bytes_mad.value).toBeLessThan(f.bytes_mad.threshold!);
    expect(await selectedIds(store, a.evidence)).toEqual(await labelledIds(store, 'attack'));
  });

  it('stays silent on browsing, long sessions, NTP, internal polling and bursts', async () => {
    await insertFlows(store, lookAlikes());
    expect(await runDetector(store, beaconDetector)).toEqual([]);
    // with buckets shorter than the update period the session's records stay on one port: no beacon
    expect(await runDetector(store, beaconDetector, { bucketSeconds: 10 })).toEqual([]);
  });

  it("stays silent on a service's regular clientele, and still finds the beacon next to it", async () => {
    const rows = lookAlikes();
    // six workstations' update agents check in every 5 minutes with the same small request
    for (let h = 0; h < 6; h++)
      for (let i = 0; i < 24; i++)
        rows.push({
          ts: at(20 + h * 7 + i * 300 + Math.round(noise(h * 100 + i) * 8)),
          src_ip: `10.0.0.${40 + h}`,
          src_port: 41000 + h * 100 + i,
          dst_ip: '13.107.4.50',
          dst_port: 443,
          state: 'closed',
          src_bytes: 900,
          dst_bytes: 2100 + Math.round(noise(h + i) * 50),
          label: 'updates',
        });
    for (let i = 0; i < 58; i++)
      rows.push({
        ts: at(40 + i * 120 + Math.round((noise(i) - 0.5) * 10)),
        src_ip: '10.0.0.20',
        src_port: 33000 + i * 7,
        dst_ip: '185.220.101.7',
        dst_port: 443,
        state: 'closed',
        src_bytes: 420 + Math.round(noise(i + 11) * 40),
        dst_bytes: 1100 + Math.round(noise(i + 5) * 60),
        label: 'attack',
      });
    await insertFlows(store, rows);
    const alerts = await runDetector(store, beaconDetector);
    expect(alerts.map((a) => a.src_ip)).toEqual(['10.0.0.20']);
    expect(alerts[0].features.find((f) => f.name === 'peers')).toMatchObject({
      value: 0,
      threshold: 3,
    });
    // each agent alone is a textbook beacon: with no clientele allowed, all six are reported
    const loose = await runDetector(store, beaconDetector, { maxPeers: 100 });
    expect(loose.map((a) => a.src_ip).sort()).toEqual([
      '10.0.0.20',
      '10.0.0.40',
      '10.0.0.41',
      '10.0.0.42',
      '10.0.0.43',
      '10.0.0.44',
      '10.0.0.45',
    ]);
  });

  it('scores NTP when it is not excluded', async () => {
    await insertFlows(store, lookAlikes());
    const alerts = await runDetector(store, beaconDetector, { ignoreServices: [] });
    expect(alerts.map((a) => a.src_ip)).toEqual(['10.0.0.5']);
    expect(await selectedIds(store, alerts[0].evidence)).toEqual(await labelledIds(store, 'ntp'));
  });
});
