import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CaseStore } from '../../../store/case-store';
import { insertFlows, type FlowRow } from '../../../../../tests/helpers/flows';
import { runDetector } from '../../../../../tests/helpers/detect';
import { at, background } from '../../../../../tests/helpers/background';
import { labelledIds, selectedIds } from '../../../../../tests/helpers/evidence';
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
      rows.push({
        ts: at(s + i * 0.1),
        src_ip: '192.168.1.5',
        dst_ip: `192.168.1.${100 + (i % 10)}`,
        dst_port: [80, 443, 8080][i % 3],
        state: i === 7 ? 'reset' : 'established',
        dst_bytes: i === 7 ? 0 : 500,
        label: 'monitor',
      });
  return rows;
}

describe('scan detector', () => {
  it('finds a fast vertical scan with exact entity, features and evidence', async () => {
    const scan: FlowRow[] = [];
    for (let p = 1; p <= 200; p++)
      scan.push({
        ts: at(120 + p * 0.3),
        src_ip: '192.168.1.66',
        src_port: 55555,
        dst_ip: '192.168.1.20',
        dst_port: p,
        state: p % 50 === 25 ? 'established' : 'reset',
        dst_bytes: p % 50 === 25 ? 60 : 0,
        label: 'scan',
      });
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
      rows.push({
        ts: at(60 + i),
        src_ip: '10.9.9.9',
        dst_ip: `192.168.2.${i}`,
        dst_port: 22,
        state: 'connecting',
        dst_bytes: 0,
        label: 'hscan',
      });
    for (let p = 0; p < 34; p++)
      rows.push({
        ts: at(5 + p * 20),
        src_ip: '192.168.1.77',
        dst_ip: '192.168.1.21',
        dst_port: 1000 + p,
        state: 'reset',
        dst_bytes: 0,
        label: 'slow',
      });
    await insertFlows(store, [...background(12), ...rows]);
    const alerts = await runDetector(store, scanDetector);
    const by = Object.fromEntries(alerts.map((a) => [a.src_ip, a]));
    expect(Object.keys(by).sort()).toEqual(['10.9.9.9', '192.168.1.77']);
    expect(by['10.9.9.9'].kind).toBe('horizontal-scan');
    expect(feature(by['10.9.9.9'], 'trw')).toBe(1);
    expect(by['10.9.9.9'].summary).toMatch(/probed port 22 on 100 hosts/);
    expect(by['192.168.1.77'].kind).toBe('slow-scan');
    expect(feature(by['192.168.1.77'], 'peak_targets_horizon')).toBe(16);
    expect(await selectedIds(store, by['192.168.1.77'].evidence)).toEqual(
      await labelledIds(store, 'slow'),
    );
  });

  it('raises nothing on benign traffic with a periodic monitoring host', async () => {
    await insertFlows(store, [...background(), ...monitoring()]);
    expect(await runDetector(store, scanDetector)).toEqual([]);
  });

  it('does not flag a busy client whose many connections succeed', async () => {
    const rows: FlowRow[] = [];
    for (let i = 0; i < 150; i++)
      rows.push({
        ts: at(i * 3),
        src_ip: '192.168.1.44',
        dst_ip: `151.101.${i % 50}.${1 + i}`,
        dst_port: 443,
        dst_bytes: 5000,
      });
    await insertFlows(store, [...background(), ...rows]);
    expect(await runDetector(store, scanDetector)).toEqual([]);
  });

  it('classifies UDP scans', () => {
    const base = {
      targets: 50,
      hosts: 1,
      ports: 50,
      failedShare: 1,
      peakHorizon: 50,
      peakWindow: 20,
      maxPortsPerHost: 50,
      maxHostsPerPort: 1,
      durationSeconds: 30,
      trw: 0.5,
    };
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
      rows.push({
        ts: at(i * 5),
        src_ip: c,
        src_port: 40000 + i,
        dst_ip: srv,
        dst_port: 443,
        dst_bytes: 0,
      });
      rows.push({
        ts: at(i * 5 + 0.1),
        src_ip: srv,
        src_port: 443,
        dst_ip: c,
        dst_port: 40000 + i,
        dst_bytes: 0,
      });
    }
    // the scanner's probes get nothing back
    for (let p = 1; p <= 60; p++)
      rows.push({
        ts: at(100 + p),
        src_ip: '192.168.1.66',
        src_port: 50000,
        dst_ip: '192.168.1.20',
        dst_port: p,
        dst_bytes: 0,
        state: 'other',
      });
    // one probe answered
    rows.push({
      ts: at(130.5),
      src_ip: '192.168.1.20',
      src_port: 30,
      dst_ip: '192.168.1.66',
      dst_port: 50000,
      dst_bytes: 0,
      state: 'other',
    });
    await insertFlows(store, rows);
    const alerts = await runDetector(store, scanDetector);
    expect(alerts.map((a) => [a.src_ip, a.kind, feature(a, 'failed_new_targets')])).toEqual([
      ['192.168.1.66', 'vertical-scan', 59],
    ]);
    // read as bidirectional, everyone "failed": the setting matters
    expect((await runDetector(store, scanDetector, { replies: 'bytes' })).length).toBeGreaterThan(
      1,
    );
  });
});

describe('scan detector: direction', () => {
  it('never makes a scan of a server answering 600 ephemeral ports; says backscatter, low', async () => {
    const rows: FlowRow[] = [];
    // the web server's answers written as their own records (source port 80), nothing back:
    // responses to requests the capture did not see, or backscatter of a spoofed flood
    for (let i = 0; i < 600; i++)
      rows.push({
        ts: at(100 + i / 600),
        src_ip: '192.168.1.80',
        src_port: 80,
        dst_ip: `203.0.${113 + (i % 3)}.${1 + (i % 250)}`,
        dst_port: 1024 + ((i * 7919) % 60000),
        state: 'connecting',
        dst_bytes: 0,
        label: 'reply',
      });
    // the same server really serving its clients
    for (let i = 0; i < 40; i++)
      rows.push({
        ts: at(i * 5),
        src_ip: `192.168.1.${10 + (i % 5)}`,
        src_port: 40000 + i,
        dst_ip: '192.168.1.80',
        dst_port: 80,
        dst_bytes: 4000,
      });
    await insertFlows(store, [...background(), ...rows]);
    const alerts = await runDetector(store, scanDetector);
    expect(alerts.map((a) => [a.src_ip, a.kind])).toEqual([['192.168.1.80', 'backscatter']]);
    expect(alerts[0].score).toBeLessThan(0.5);
    expect(alerts[0].summary).toMatch(
      /^192\.168\.1\.80 answered 600 hosts from tcp\/80 on 600 ephemeral ports .* not a scan$/,
    );
    expect(await selectedIds(store, alerts[0].evidence)).toEqual(await labelledIds(store, 'reply'));
  });

  it('reads SYN-ACK and reset-only records (per-direction flags) as replies', async () => {
    const rows: FlowRow[] = [];
    // Argus / pcap flags "SRC_DST": the source sent SYN-ACKs (or resets) nobody asked for
    for (let i = 0; i < 60; i++)
      rows.push({
        ts: at(50 + i),
        src_ip: '192.168.1.81',
        src_port: 8443,
        dst_ip: `198.51.100.${i + 1}`,
        dst_port: 30000 + i * 11,
        state: 'connecting',
        state_raw: i % 3 ? 'SA_' : 'R_',
        dst_bytes: 0,
        label: 'backscatter',
      });
    // an nmap SYN scan from a fixed high source port is a probe: flags "S_RA"
    for (let p = 1; p <= 60; p++)
      rows.push({
        ts: at(200 + p / 10),
        src_ip: '192.168.1.66',
        src_port: 50122,
        dst_ip: '192.168.1.21',
        dst_port: 1000 + p * 3,
        state: 'reset',
        state_raw: 'S_RA',
        dst_bytes: 0,
        label: 'scan',
      });
    await insertFlows(store, [...background(), ...rows]);
    const alerts = await runDetector(store, scanDetector);
    expect(alerts.map((a) => [a.src_ip, a.kind]).sort()).toEqual([
      ['192.168.1.66', 'vertical-scan'],
      ['192.168.1.81', 'backscatter'],
    ]);
    const bs = alerts.find((a) => a.kind === 'backscatter')!;
    expect(await selectedIds(store, bs.evidence)).toEqual(await labelledIds(store, 'backscatter'));
  });

  it('does not call peer-to-peer contacts (one random port per peer) a scan', async () => {
    const rows: FlowRow[] = [];
    // a DHT client: 120 peers, each on its own high port, half of them never answer
    for (let i = 0; i < 120; i++)
      rows.push({
        ts: at(30 + i * 4),
        proto: 'udp',
        src_ip: '192.168.1.12',
        src_port: 6881,
        dst_ip: `${60 + (i % 90)}.${i}.${(i * 7) % 250}.${1 + i}`,
        dst_port: 10000 + i * 397,
        state: i % 2 ? 'new' : 'established',
        dst_bytes: i % 2 ? 0 : 300,
      });
    // the same host's tcp/81 and tcp/23 sweep is a scan (and only the sweep is)
    for (let i = 0; i < 64; i++)
      for (const port of [81, 23])
        rows.push({
          ts: at(300 + i / 10),
          src_ip: '192.168.1.12',
          src_port: 20000 + i,
          dst_ip: `${100 + (i % 50)}.${i}.9.${1 + i}`,
          dst_port: port,
          state: 'connecting',
          dst_bytes: 0,
          label: 'sweep',
        });
    await insertFlows(store, [...background(), ...rows]);
    const alerts = await runDetector(store, scanDetector);
    expect(alerts.map((a) => [a.src_ip, a.kind])).toEqual([['192.168.1.12', 'horizontal-scan']]);
    expect(alerts[0].summary).toMatch(/probed ports 23, 81 on 64 hosts/);
    expect(await selectedIds(store, alerts[0].evidence)).toEqual(await labelledIds(store, 'sweep'));
  });

  it('in a one-way export, answers to requests in the capture are neither probes nor backscatter', async () => {
    const rows: FlowRow[] = [];
    const flow = (r: FlowRow) => rows.push({ src_bytes: 60, dst_bytes: 0, ...r });
    // nfdump flags; no flow carries reply bytes. A workstation's sessions with the web server, the
    // server resetting 30 of them (its resets are flows of their own back to the client's ports)
    for (let i = 0; i < 60; i++) {
      flow({
        ts: at(10 + i * 9),
        src_ip: '192.168.1.15',
        src_port: 40000 + i,
        dst_ip: '192.168.1.80',
        dst_port: 443,
        state: 'closed',
        state_raw: '...AP.SF',
      });
      flow({
        ts: at(10.01 + i * 9),
        src_ip: '192.168.1.80',
        src_port: 443,
        dst_ip: '192.168.1.15',
        dst_port: 40000 + i,
        state: i % 2 ? 'reset' : 'closed',
        state_raw: i % 2 ? '...AP.S.' : '...AP.SF',
      });
    }
    for (let i = 0; i < 30; i++)
      flow({
        ts: at(12 + i * 17),
        src_ip: '192.168.1.80',
        src_port: 443,
        dst_ip: '192.168.1.15',
        dst_port: 40000 + 2 * i + 1,
        state: 'reset',
        state_raw: '...A.R..',
      });
    // a scanner sweeping from one source port; every closed port answers with a reset to it
    for (let p = 1; p <= 80; p++) {
      flow({
        ts: at(300 + p / 10),
        src_ip: '192.168.1.66',
        src_port: 62884,
        dst_ip: '192.168.1.20',
        dst_port: 1000 + p * 7,
        state: 'connecting',
        state_raw: '......S.',
        label: 'scan',
      });
      flow({
        ts: at(300.01 + p / 10),
        src_ip: '192.168.1.20',
        src_port: 1000 + p * 7,
        dst_ip: '192.168.1.66',
        dst_port: 62884,
        state: 'reset',
        state_raw: '...A.R..',
      });
    }
    await insertFlows(store, rows);
    const alerts = await runDetector(store, scanDetector);
    expect(alerts.map((a) => [a.src_ip, a.kind])).toEqual([['192.168.1.66', 'vertical-scan']]);
    expect(await selectedIds(store, alerts[0].evidence)).toEqual(await labelledIds(store, 'scan'));
  });

  it("leaves outside sources' probes to the background detector", async () => {
    const rows: FlowRow[] = [];
    for (let p = 1; p <= 200; p++)
      rows.push({
        ts: at(120 + p * 0.3),
        src_ip: '45.33.32.156',
        src_port: 55555,
        dst_ip: '192.168.1.20',
        dst_port: p,
        state: 'reset',
        dst_bytes: 0,
      });
    await insertFlows(store, [...background(), ...rows]);
    expect(await runDetector(store, scanDetector)).toEqual([]);
  });

  it('finds scans in a lab whose hosts all sit in a special range, once the site says so', async () => {
    const { writeSite } = await import('../../../site/site-model');
    const rows: FlowRow[] = [];
    for (let h = 1; h <= 30; h++)
      for (let s = 0; s < 600; s += 20)
        rows.push({
          ts: at(s + h / 10),
          src_ip: `198.18.0.${h}`,
          src_port: 40000 + s,
          dst_ip: '198.18.1.10',
          dst_port: 443,
          dst_bytes: 3000,
        });
    for (let p = 1; p <= 100; p++)
      rows.push({
        ts: at(60 + p),
        src_ip: '198.18.0.66',
        src_port: 50000,
        dst_ip: '198.18.1.10',
        dst_port: p,
        state: 'reset',
        dst_bytes: 0,
        label: 'scan',
      });
    await insertFlows(store, rows);
    // the default networks (RFC 1918) hold none of them: every host is "outside"
    expect(await runDetector(store, scanDetector)).toEqual([]);
    await writeSite(store, ['198.18.0.0/15'], 'analyst');
    const alerts = await runDetector(store, scanDetector);
    expect(alerts.map((a) => [a.src_ip, a.kind])).toEqual([['198.18.0.66', 'vertical-scan']]);
  });
});
