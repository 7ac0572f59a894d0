import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CaseStore } from '../../../store/case-store';
import { insertFlows, type FlowRow } from '../../../../../tests/helpers/flows';
import { runDetector } from '../../../../../tests/helpers/detect';
import { at, background } from '../../../../../tests/helpers/background';
import { selectedIds } from '../../../../../tests/helpers/evidence';
import { runDetection } from '../../../analysis/runner';
import { backgroundDetector } from './index';

let store: CaseStore;
beforeEach(async () => {
  store = await CaseStore.open(':memory:');
});
afterEach(() => store.close());

const WEB = '192.168.1.80';

/**
 * A day of the internet knocking: three scanners from one /24 and one loud sweeper probing many
 * closed ports, 60 sources trying telnet once or twice, 30 trying smb, 8 trying adb; next to
 * look-alikes: outside clients of the site's web server (answered) and a spoofed burst of failed
 * SYNs at that open service (a flood's business, not background).
 */
function internet(): FlowRow[] {
  const rows: FlowRow[] = [];
  const probe = (src: string, dst: string, port: number, s: number, label: string) =>
    rows.push({
      ts: at(s),
      src_ip: src,
      src_port: 40000 + (port % 20000),
      dst_ip: dst,
      dst_port: port,
      state: 'connecting',
      src_bytes: 60,
      dst_bytes: 0,
      label,
    });
  for (const [k, host] of ['34', '86', '110'].entries())
    for (let p = 0; p < 40; p++)
      probe(
        `79.124.62.${host}`,
        `192.168.1.${20 + (p % 2)}`,
        1000 + k * 40 + p,
        5 + k * 100 + p,
        'sweep',
      );
  for (let p = 1; p <= 300; p++)
    probe('104.156.155.13', '192.168.1.20', p * 7, 200 + p / 3, 'sweep');
  for (let i = 0; i < 60; i++) {
    probe(`${100 + i}.${i}.7.${i + 1}`, `192.168.1.${10 + (i % 10)}`, 23, 10 + i * 9, 'telnet');
    if (i % 4 === 0)
      probe(`${100 + i}.${i}.7.${i + 1}`, `192.168.1.${11 + (i % 9)}`, 23, 12 + i * 9, 'telnet');
  }
  for (let i = 0; i < 30; i++)
    probe(`${40 + i}.9.${i}.4`, `192.168.1.${10 + (i % 10)}`, 445, 7 + i * 17, 'smb');
  for (let i = 0; i < 8; i++)
    probe(`${20 + i}.1.2.${3 + i}`, '192.168.1.15', 5555, 33 + i * 50, 'adb');
  // look-alikes: the site's web server, answered, and a burst of spoofed SYNs at it
  for (let i = 0; i < 30; i++)
    rows.push({
      ts: at(i * 19),
      src_ip: `151.${i}.3.9`,
      src_port: 50000 + i,
      dst_ip: WEB,
      dst_port: 443,
      state: 'closed',
      src_bytes: 900,
      dst_bytes: 24000,
    });
  for (let i = 0; i < 200; i++)
    rows.push({
      ts: at(400 + i / 20),
      src_ip: `${1 + (i % 200)}.${i % 7}.5.${1 + (i % 250)}`,
      src_port: 1024 + i,
      dst_ip: WEB,
      dst_port: 443,
      state: 'connecting',
      src_bytes: 60,
      dst_bytes: 0,
    });
  return rows;
}

describe('background detector', () => {
  it('summarises outside sources probing closed services, per service, sweepers and the rest', async () => {
    await insertFlows(store, [...background(), ...internet()]);
    const alerts = await runDetector(store, backgroundDetector);
    const by = Object.fromEntries(alerts.map((a) => [a.entity, a]));
    expect(Object.keys(by).sort()).toEqual([
      'background:other',
      'background:port-sweep',
      'background:tcp/23',
      'background:tcp/445',
    ]);
    for (const a of alerts) {
      expect(a.kind).toBe('background-scan');
      expect(a.src_ip).toBeNull();
      expect(a.score).toBeGreaterThanOrEqual(0.42);
      expect(a.score).toBeLessThan(0.5);
    }
    const telnet = by['background:tcp/23'];
    expect(telnet.summary).toMatch(
      /^background scanning of tcp\/23 \(telnet\): 60 outside sources probed 10 site hosts \(75 probes\)/,
    );
    expect(telnet.evidence.srcIps).toHaveLength(60);
    const sweep = by['background:port-sweep'];
    // the three scanners of one /24 are one actor, named by their network
    expect(sweep.summary).toMatch(/79\.124\.62\.0\/24 \(3 sources\)/);
    expect(sweep.evidence.srcIps).toEqual([
      '104.156.155.13',
      '79.124.62.110',
      '79.124.62.34',
      '79.124.62.86',
    ]);
    // services listed in (protocol, port) order, the same on every run
    const ports = Array.from({ length: 10 }, (_, i) => `tcp/${7 * (i + 1)}`).join(', ');
    expect(sweep.features.find((f: { name: string }) => f.name === 'ports')?.note).toBe(
      `${ports}, ...`,
    );
    expect(sweep.evidence.protos).toEqual(['tcp']);
    expect(by['background:other'].evidence.srcIps).toHaveLength(8);
    // the evidence selects the probes exactly: never the web server's clients or the SYN burst
    const ids = async (label: string) =>
      (
        await store.all<{ id: number }>('SELECT id FROM flows WHERE label = $1 ORDER BY id', [
          label,
        ])
      ).map((r) => r.id);
    expect(await selectedIds(store, telnet.evidence)).toEqual(await ids('telnet'));
    expect(await selectedIds(store, sweep.evidence)).toEqual(await ids('sweep'));
    expect(await selectedIds(store, by['background:tcp/445'].evidence)).toEqual(await ids('smb'));
  });

  it('stays silent on outside clients of site services, answered or flooding an open port', async () => {
    await insertFlows(store, [...background(), ...internet().filter((r) => !r.label)]);
    expect(await runDetector(store, backgroundDetector)).toEqual([]);
  });

  it('ranks the summaries below what site hosts do, each source still searchable', async () => {
    const rows = [...background(), ...internet()];
    for (let p = 1; p <= 200; p++)
      rows.push({
        ts: at(120 + p * 0.3),
        src_ip: '192.168.1.66',
        src_port: 55555,
        dst_ip: '192.168.1.20',
        dst_port: p,
        state: 'reset',
        dst_bytes: 0,
      });
    await insertFlows(store, rows);
    await runDetection(store, { only: ['scan', 'background'] }).result;
    const incidents = await store.all<{ type: string; key: string; score: number; ips: string[] }>(
      'SELECT type, key, score, ips FROM incidents ORDER BY score DESC, id',
    );
    expect(incidents[0].key).toBe('vertical-scan:192.168.1.66');
    expect(incidents[0].type).toBe('vertical-scan');
    expect(
      incidents.slice(1).every((x) => x.type === 'background-scan' && x.score < incidents[0].score),
    ).toBe(true);
    expect(incidents).toHaveLength(5);
    // one of the telnet knockers, found through the incidents' addresses
    const hit = await store.all<{ key: string }>(
      "SELECT key FROM incidents WHERE list_contains(ips, '105.5.7.6')",
    );
    expect(hit.map((x) => x.key)).toEqual(['background-scan:background:tcp/23']);
  });
});
