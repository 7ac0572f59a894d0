import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CaseStore } from '../../../store/case-store';
import { insertFlows, type FlowRow } from '../../../../../tests/helpers/flows';
import { runDetector } from '../../../../../tests/helpers/detect';
import { labelledIds, selectedIds } from '../../../../../tests/helpers/evidence';
import { hbosDetector } from './index';

const T0 = Date.UTC(2024, 2, 1, 9, 0, 0);
const at = (s: number) => new Date(T0 + s * 1000).toISOString().replace('T', ' ').replace('Z', '');
/** Deterministic noise in [0, 1). */
const noise = (i: number) => (((i * 2654435761) >>> 0) % 10007) / 10007;

/** Ten minutes of an office: 40 hosts browsing, a monitoring sweep, a backup pull. */
function office(): FlowRow[] {
  const rows: FlowRow[] = [];
  let i = 0;
  for (let h = 1; h <= 40; h++)
    for (let w = 0; w < 60; w++) {
      const n = Math.floor(noise(++i) * 4); // 0..3 flows in this window
      for (let k = 0; k < n; k++) {
        const u = noise(++i);
        rows.push({ ts: at(w * 10 + k * 3 + u), src_ip: `10.0.0.${h}`, src_port: 40000 + (i % 20000), dst_ip: `93.184.216.${1 + Math.floor(u * 3)}`, dst_port: u < 0.2 ? 53 : 443, proto: u < 0.2 ? 'udp' : 'tcp', state: u > 0.97 ? 'reset' : 'closed', src_bytes: 300 + Math.floor(noise(++i) * 3000), dst_bytes: 2000 + Math.floor(noise(++i) * 60000), label: 'office' });
      }
    }
  // monitoring: every 30 s the same 25 checks, a third of them refused
  for (let m = 0; m < 20; m++)
    for (let t = 0; t < 25; t++)
      rows.push({ ts: at(m * 30 + 1 + t * 0.2), src_ip: '10.0.0.200', src_port: 30000 + m * 25 + t, dst_ip: `10.0.1.${1 + t}`, dst_port: [22, 80, 443][t % 3], state: t % 3 === 0 ? 'reset' : 'closed', src_bytes: 200, dst_bytes: t % 3 === 0 ? 40 : 900, label: 'monitor' });
  // backup: one rsync connection moving 100 MB per window for three windows
  for (let k = 0; k < 3; k++)
    rows.push({ ts: at(200 + k * 10), src_ip: '10.0.0.201', src_port: 50000, dst_ip: '10.0.1.50', dst_port: 22, state: 'established', src_bytes: 400000, dst_bytes: 100_000_000, label: 'backup' });
  return rows;
}

describe('hbos detector', () => {
  let store: CaseStore;
  beforeEach(async () => {
    store = await CaseStore.open(':memory:');
  });
  afterEach(() => store.close());

  it('reports the window in which a host suddenly probes 150 ports, naming the features', async () => {
    const rows = office();
    for (let p = 1; p <= 150; p++)
      rows.push({ ts: at(300 + p * 0.05), src_ip: '10.0.0.77', src_port: 61000, dst_ip: '10.0.1.9', dst_port: p, state: p % 15 === 0 ? 'closed' : 'reset', src_bytes: 60, dst_bytes: 40, label: 'attack' });
    await insertFlows(store, rows);
    const alerts = await runDetector(store, hbosDetector);
    expect(alerts.length).toBeGreaterThanOrEqual(1);
    expect(alerts.length).toBeLessThanOrEqual(3);
    expect(new Set(alerts.map((a) => a.src_ip))).toEqual(new Set(['10.0.0.77']));
    const a = alerts[0];
    expect(a).toMatchObject({ detector: 'hbos', kind: 'anomaly', dst_ip: null });
    expect(a.window_start).toBe('2024-03-01T09:05:00.000Z');
    expect(a.window_end).toBe('2024-03-01T09:05:10.000Z');
    const f = Object.fromEntries(a.features.map((x) => [x.name, x]));
    expect(f.hbos_score.direction).toBe('above');
    expect(f.hbos_score.value).toBeGreaterThanOrEqual(f.hbos_score.threshold!);
    expect(f.dst_ports.value).toBe(150);
    expect(f.failed.value).toBe(140);
    expect(a.features.length).toBe(4); // the score and the three rarest features
    expect(a.score).toBeGreaterThan(0);
    expect(a.score).toBeLessThanOrEqual(1);
    // the evidence is the host's window: here exactly the probes
    expect(a.flow_count).toBe(150);
    expect(await selectedIds(store, a.evidence)).toEqual(await labelledIds(store, 'attack'));
  });

  it('stays silent on ordinary traffic, a recurring monitoring sweep and a backup pull', async () => {
    await insertFlows(store, office());
    expect(await runDetector(store, hbosDetector)).toEqual([]);
  });

  it('would report the monitoring host if its sweeps were not recurring', async () => {
    await insertFlows(store, office());
    const alerts = await runDetector(store, hbosDetector, { recurWindows: 1000 });
    expect(alerts.length).toBeGreaterThan(0);
    expect(alerts.length).toBeLessThanOrEqual(3); // at most maxPerHost windows for the one host
    expect(new Set(alerts.map((a) => a.src_ip))).toEqual(new Set(['10.0.0.200']));
  });
});
