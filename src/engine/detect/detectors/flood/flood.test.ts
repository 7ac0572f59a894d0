import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CaseStore } from '../../../store/case-store';
import { insertFlows, type FlowRow } from '../../../../../tests/helpers/flows';
import { runDetector } from '../../../../../tests/helpers/detect';
import { selectedIds } from '../../../../../tests/helpers/evidence';
import { floodDetector } from './index';

const T0 = Date.UTC(2024, 2, 1, 9, 0, 0);
const at = (s: number) => new Date(T0 + s * 1000).toISOString().replace('T', ' ').replace('Z', '');
const VICTIM = '10.0.0.80';

/** Busy but healthy traffic, and scans that fail a lot but never pile onto one port. */
function background(): FlowRow[] {
  const rows: FlowRow[] = [];
  for (let s = 0; s < 1200; s++) {
    // a busy web server: 12 clients a second, one in ten refused
    for (let k = 0; k < 12; k++)
      rows.push({
        ts: at(s + k / 12),
        src_ip: `10.0.1.${1 + ((s * 12 + k) % 200)}`,
        src_port: 40000 + k,
        dst_ip: VICTIM,
        dst_port: 443,
        state: k === 0 ? 'reset' : 'closed',
        src_bytes: 700,
        dst_bytes: k === 0 ? 0 : 9000,
        label: 'web',
      });
  }
  // vertical scan: 1,000 ports on one host in 20 s, nearly all refused
  for (let p = 1; p <= 1000; p++)
    rows.push({
      ts: at(300 + p / 50),
      src_ip: '10.0.0.66',
      src_port: 55555,
      dst_ip: '10.0.0.90',
      dst_port: p,
      state: 'reset',
      src_bytes: 44,
      dst_bytes: 40,
      label: 'scan',
    });
  // horizontal scan of rdp, half-open everywhere
  for (let h = 1; h < 255; h++)
    rows.push({
      ts: at(400 + h / 10),
      src_ip: '10.0.0.67',
      src_port: 55556,
      dst_ip: `10.0.2.${h}`,
      dst_port: 3389,
      state: 'connecting',
      src_bytes: 60,
      dst_bytes: 0,
      label: 'scan',
    });
  // monitoring: the same checks every minute, some refused
  for (let m = 0; m < 20; m++)
    for (let h = 1; h <= 30; h++)
      rows.push({
        ts: at(m * 60 + 5 + h / 3),
        src_ip: '10.0.0.2',
        src_port: 41000 + h,
        dst_ip: `10.0.3.${h}`,
        dst_port: 22,
        state: 'reset',
        src_bytes: 60,
        dst_bytes: 40,
        label: 'monitor',
      });
  return rows;
}

describe('flood detector', () => {
  let store: CaseStore;
  beforeEach(async () => {
    store = await CaseStore.open(':memory:');
  });
  afterEach(() => store.close());

  it('reports a spoofed SYN flood once, on the victim, with exact evidence', async () => {
    const rows = background();
    // 60 s of 40 half-open or reset flows a second from 500 spoofed sources
    for (let s = 600; s < 660; s++)
      for (let k = 0; k < 40; k++) {
        const i = s * 40 + k;
        rows.push({
          ts: at(s + k / 40),
          src_ip: `198.51.${Math.floor((i % 500) / 250)}.${1 + (i % 250)}`,
          src_port: 1024 + (i % 60000),
          dst_ip: VICTIM,
          dst_port: 443,
          state: k % 7 === 0 ? 'reset' : 'connecting',
          src_bytes: 60,
          dst_bytes: k % 7 === 0 ? 54 : 0,
          label: 'attack',
        });
      }
    await insertFlows(store, rows);
    const alerts = await runDetector(store, floodDetector);
    expect(alerts).toHaveLength(1);
    const a = alerts[0];
    expect(a).toMatchObject({ detector: 'flood', kind: 'syn-flood', dst_ip: VICTIM, src_ip: null });
    expect(a.window_start).toBe('2024-03-01T09:10:00.000Z');
    expect(a.window_end).toBe('2024-03-01T09:11:00.000Z');
    const f = Object.fromEntries(a.features.map((x) => [x.name, x]));
    expect(f.failed_flows.value).toBe(2400 + 60); // the flood and the web server's own refusals
    expect(f.sources.value).toBe(500 + 200);
    expect(f.peak_failed_per_s).toMatchObject({ threshold: 5, direction: 'above' });
    expect(f.peak_failed_per_s.value).toBeGreaterThan(40);
    expect(f.failed_share.value).toBeGreaterThan(0.7);
    expect(a.summary).toContain('700 sources');
    // the flood's own sources lead, not the web clients that sent more flows in all
    expect(f.failing_sources.value).toBeGreaterThanOrEqual(500);
    expect(f.failing_sources.value).toBeLessThan(700);
    const top = /top: ([^)]*)\)/.exec(a.summary)![1].split(', ');
    expect(top).toHaveLength(3);
    for (const ip of top) expect(ip).toMatch(/^198\.51\./);
    // evidence: every flow to the victim port in that minute, the flood and the web clients
    const expected = await store.all<{ id: number }>(
      `SELECT id FROM flows WHERE dst_ip = $1 AND dst_port = 443 AND ts >= '2024-03-01 09:10:00' AND ts < '2024-03-01 09:11:00' ORDER BY id`,
      [VICTIM],
    );
    expect(expected.length).toBe(2400 + 720);
    expect(await selectedIds(store, a.evidence)).toEqual(expected.map((r) => r.id));
    expect(a.flow_count).toBe(expected.length);
  });

  it('names one very loud source as the attacker', async () => {
    const rows = background();
    // 200 half-open connections a second for 30 s (hping3 --flood is faster still)
    for (let s = 800; s < 830; s++)
      for (let k = 0; k < 200; k++)
        rows.push({
          ts: at(s + k / 200),
          src_ip: '10.0.0.99',
          src_port: 2000 + ((s * 200 + k) % 60000),
          dst_ip: '10.0.0.81',
          dst_port: 8080,
          state: 'connecting',
          src_bytes: 60,
          dst_bytes: 0,
          label: 'attack',
        });
    await insertFlows(store, rows);
    const alerts = await runDetector(store, floodDetector);
    expect(alerts.map((a) => [a.src_ip, a.dst_ip])).toEqual([['10.0.0.99', '10.0.0.81']]);
    const ids = await store.all<{ id: number }>(
      `SELECT id FROM flows WHERE label = 'attack' ORDER BY id`,
    );
    expect(await selectedIds(store, alerts[0].evidence)).toEqual(ids.map((r) => r.id));
  });

  it("stays silent on one client's retries and on a few clients failing together", async () => {
    const rows = background();
    // one workstation retries the web server 50-90 times in 10 s, several times over (a broken
    // page, a client stuck in a loop): failures pile onto one port, from one source
    for (const [start, n] of [
      [200, 50],
      [500, 90],
      [900, 70],
    ])
      for (let k = 0; k < n; k++)
        rows.push({
          ts: at(start + (k * 10) / n),
          src_ip: '10.0.1.77',
          src_port: 30000 + start + k,
          dst_ip: VICTIM,
          dst_port: 443,
          state: 'reset',
          src_bytes: 60,
          dst_bytes: 0,
          label: 'retry',
        });
    // four clients of an internal app whose service died: 30 s of failed reconnects each second
    for (let s = 600; s < 630; s++)
      for (let c = 0; c < 4; c++)
        for (let k = 0; k < 5; k++)
          rows.push({
            ts: at(s + (c * 5 + k) / 20),
            src_ip: `10.0.4.${c + 1}`,
            src_port: 20000 + s * 20 + c * 5 + k,
            dst_ip: '10.0.0.82',
            dst_port: 9000,
            state: 'reset',
            src_bytes: 60,
            dst_bytes: 0,
            label: 'outage',
          });
    await insertFlows(store, rows);
    expect(await runDetector(store, floodDetector)).toEqual([]);
    // without the rule (one failing source is "many", whatever its share) they would be floods
    expect(
      (await runDetector(store, floodDetector, { minSources: 1, maxTopShare: 1 })).length,
    ).toBeGreaterThanOrEqual(2);
  });

  it("never takes a scan's echo for a flood: resets sent back to the scanner's one port", async () => {
    const rows = background();
    // a one-way export (nfdump flags): the scanner's SYNs and, as flows of their own, the scanned
    // host's resets back to the scanner's single source port, 2,000 of them in 10 s
    for (let p = 1; p <= 2000; p++) {
      rows.push({
        ts: at(700 + p / 200),
        src_ip: '10.0.0.66',
        src_port: 57902,
        dst_ip: '10.0.0.91',
        dst_port: p,
        state: 'connecting',
        state_raw: '......S.',
        src_bytes: 44,
        dst_bytes: 0,
        label: 'scan',
      });
      rows.push({
        ts: at(700 + p / 200 + 0.001),
        src_ip: '10.0.0.91',
        src_port: p,
        dst_ip: '10.0.0.66',
        dst_port: 57902,
        state: 'reset',
        state_raw: '...A.R..',
        src_bytes: 40,
        dst_bytes: 0,
        label: 'echo',
      });
    }
    await insertFlows(store, rows);
    expect((await runDetector(store, floodDetector)).map((a) => a.dst_ip)).toEqual([]);
    // the same resets read as requests would be a flood on the scanner
    await store.run("UPDATE flows SET state_raw = NULL WHERE label = 'echo'");
    expect((await runDetector(store, floodDetector)).map((a) => a.dst_ip)).toEqual(['10.0.0.66']);
  });

  it('stays silent on busy servers, scans and monitoring', async () => {
    await insertFlows(store, background());
    expect(await runDetector(store, floodDetector)).toEqual([]);
    // even a lower rate threshold does not help: the failures are spread over ports and hosts
    expect(await runDetector(store, floodDetector, { minFailedPerSecond: 1 })).toEqual([]);
  });

  it('sees a flood on a server busy enough that most flows still succeed (failure surge)', async () => {
    const rows: FlowRow[] = [];
    for (let s = 0; s < 600; s++)
      for (let k = 0; k < 30; k++)
        rows.push({
          ts: at(s + k / 30),
          src_ip: `10.0.4.${1 + ((s + k) % 250)}`,
          src_port: 40000 + k,
          dst_ip: VICTIM,
          dst_port: 443,
          state: k === 0 ? 'reset' : 'closed',
          src_bytes: 700,
          dst_bytes: k === 0 ? 0 : 9000,
          label: 'web',
        });
    for (let s = 300; s < 360; s++)
      for (let k = 0; k < 20; k++)
        rows.push({
          ts: at(s + k / 20),
          src_ip: `198.51.${k}.${1 + (s % 200)}`,
          src_port: 1024 + s,
          dst_ip: VICTIM,
          dst_port: 443,
          state: 'connecting',
          src_bytes: 60,
          dst_bytes: 0,
          label: 'attack',
        });
    await insertFlows(store, rows);
    const alerts = await runDetector(store, floodDetector);
    expect(alerts).toHaveLength(1);
    const f = Object.fromEntries(alerts[0].features.map((x) => [x.name, x]));
    expect(f.failed_share.value).toBeLessThan(0.7);
    expect(f.surge).toMatchObject({ threshold: 5, direction: 'above' });
    expect(f.surge.value).toBeGreaterThan(5);
    expect(alerts[0].window_start).toBe('2024-03-01T09:05:00.000Z');
    expect(alerts[0].window_end).toBe('2024-03-01T09:06:00.000Z');
    expect((await selectedIds(store, alerts[0].evidence)).length).toBe(alerts[0].flow_count);
    expect(alerts[0].flow_count).toBe(60 * 20 + 60 * 30);
    // without the surge rule the share alone would miss it
    expect(await runDetector(store, floodDetector, { surgeFactor: 1000 })).toEqual([]);
  });
});
