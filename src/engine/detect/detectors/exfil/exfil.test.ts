import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CaseStore } from '../../../store/case-store';
import { insertFlows, type FlowRow } from '../../../../../tests/helpers/flows';
import { runDetector } from '../../../../../tests/helpers/detect';
import { labelledIds, selectedIds } from '../../../../../tests/helpers/evidence';
import { exfilDetector } from './index';

const T0 = Date.UTC(2024, 2, 1, 9, 0, 0);
const at = (s: number) => new Date(T0 + s * 1000).toISOString().replace('T', ' ').replace('Z', '');
const MB = 1e6;

/** An office: browsing, plus the traffic that moves a lot of bytes without leaking anything. */
function office(): FlowRow[] {
  const rows: FlowRow[] = [];
  for (let h = 1; h <= 40; h++)
    for (let k = 0; k < 10; k++)
      rows.push({
        ts: at(h * 13 + k * 97),
        src_ip: `10.0.0.${h}`,
        src_port: 40000 + k,
        dst_ip: `93.184.${h % 7}.${1 + (k % 5)}`,
        dst_port: 443,
        src_bytes: 800 + ((h * k * 131) % 20000),
        dst_bytes: 20000 + ((h * k * 977) % 400000),
        label: 'web',
      });
  // backup server pulling 600 MB from an internal file server (rsync over ssh)
  for (let k = 0; k < 20; k++)
    rows.push({
      ts: at(1000 + k * 30),
      src_ip: '10.0.0.80',
      src_port: 50000,
      dst_ip: '10.0.1.5',
      dst_port: 22,
      src_bytes: 30000,
      dst_bytes: 30 * MB,
      label: 'backup',
    });
  // a workstation downloading a 300 MB image from a public mirror
  for (let k = 0; k < 10; k++)
    rows.push({
      ts: at(2000 + k * 30),
      src_ip: '10.0.0.7',
      src_port: 51000,
      dst_ip: '151.101.1.1',
      dst_port: 443,
      src_bytes: 20000,
      dst_bytes: 30 * MB,
      label: 'download',
    });
  // an external partner uploading 200 MB to our SFTP server (inbound)
  for (let k = 0; k < 10; k++)
    rows.push({
      ts: at(2500 + k * 30),
      src_ip: '198.51.100.20',
      src_port: 52000,
      dst_ip: '10.0.1.6',
      dst_port: 22,
      src_bytes: 20 * MB,
      dst_bytes: 50000,
      label: 'inbound',
    });
  // a 20 MB upload to a cloud drive: unusual, but below the minimum
  rows.push({
    ts: at(3000),
    src_ip: '10.0.0.9',
    src_port: 53000,
    dst_ip: '142.250.1.1',
    dst_port: 443,
    src_bytes: 20 * MB,
    dst_bytes: 200000,
    label: 'cloud',
  });
  return rows;
}

describe('exfil detector', () => {
  let store: CaseStore;
  beforeEach(async () => {
    store = await CaseStore.open(':memory:');
  });
  afterEach(() => store.close());

  it('reports a host uploading 120 MB to one external host, with exact evidence', async () => {
    const rows = office();
    // one long https connection recorded every 30 s, 6 MB a record
    for (let k = 0; k < 20; k++)
      rows.push({
        ts: at(1800 + k * 30),
        src_ip: '10.0.0.50',
        src_port: 44444,
        dst_ip: '185.199.108.9',
        dst_port: 443,
        src_bytes: 6 * MB,
        dst_bytes: 4000,
        label: 'attack',
      });
    await insertFlows(store, rows);
    const alerts = await runDetector(store, exfilDetector);
    expect(alerts).toHaveLength(1);
    const a = alerts[0];
    expect(a).toMatchObject({
      detector: 'exfil',
      kind: 'exfiltration',
      src_ip: '10.0.0.50',
      dst_ip: '185.199.108.9',
      flow_count: 20,
    });
    const f = Object.fromEntries(a.features.map((x) => [x.name, x]));
    expect(f.bytes_up).toMatchObject({ value: 120 * MB, threshold: 50 * MB, direction: 'above' });
    expect(f.robust_z.value).toBeGreaterThan(3.5);
    expect(f.robust_z).toMatchObject({ threshold: 3.5, direction: 'above' });
    expect(f.up_share.value).toBeGreaterThan(0.99);
    expect(a.summary).toContain('120 MB');
    expect(await selectedIds(store, a.evidence)).toEqual(await labelledIds(store, 'attack'));
  });

  it('stays silent on backups, downloads, inbound uploads and small uploads', async () => {
    await insertFlows(store, office());
    expect(await runDetector(store, exfilDetector)).toEqual([]);
    // the 20 MB upload is the only pair past a lower minimum
    const low = await runDetector(store, exfilDetector, { minBytesUp: 10 * MB });
    expect(low.map((a) => a.src_ip)).toEqual(['10.0.0.9']);
  });

  it('treats internal networks as the case defines them', async () => {
    const rows = office();
    for (let k = 0; k < 20; k++)
      rows.push({
        ts: at(1800 + k * 30),
        src_ip: '10.0.0.50',
        src_port: 44444,
        dst_ip: '185.199.108.9',
        dst_port: 443,
        src_bytes: 6 * MB,
        dst_bytes: 4000,
        label: 'attack',
      });
    await insertFlows(store, rows);
    expect(await runDetector(store, exfilDetector)).toHaveLength(1);
    // 10.0.0.0/24 is no longer ours: its hosts are external, so nothing leaves the network
    await store.setSetting('internal_networks', ['10.0.1.0/24']);
    expect(await runDetector(store, exfilDetector)).toEqual([]);
  });

  it('sees a 2 GB upload to an address in a reserved range: outside is whatever is not internal', async () => {
    const rows = office();
    // 240.0.0.0/4 is reserved space, not "the internet", but it is not the site's either
    for (let k = 0; k < 20; k++)
      rows.push({
        ts: at(1800 + k * 30),
        src_ip: '10.0.0.51',
        src_port: 44445,
        dst_ip: '240.12.0.7',
        dst_port: 443,
        src_bytes: 100 * MB,
        dst_bytes: 4000,
        label: 'attack',
      });
    // a camera streaming 3 GB of video to a multicast group is nobody's upload (not a host)
    for (let k = 0; k < 30; k++)
      rows.push({
        ts: at(100 + k * 30),
        proto: 'udp',
        src_ip: '10.0.0.52',
        src_port: 5004,
        dst_ip: '239.1.1.1',
        dst_port: 5004,
        src_bytes: 100 * MB,
        dst_bytes: 0,
        label: 'multicast',
      });
    await insertFlows(store, rows);
    const alerts = await runDetector(store, exfilDetector);
    expect(alerts.map((a) => [a.src_ip, a.dst_ip])).toEqual([['10.0.0.51', '240.12.0.7']]);
    expect(alerts[0].summary).toMatch(/sent 2 GB to 240\.12\.0\.7/);
    expect(await selectedIds(store, alerts[0].evidence)).toEqual(
      await labelledIds(store, 'attack'),
    );
  });

  it('groups an IPv6 host written two ways as one host, and selects both spellings', async () => {
    const rows = office();
    for (let k = 0; k < 20; k++)
      rows.push({
        ts: at(1800 + k * 30),
        src_ip: k % 2 ? 'fd00::5' : 'FD00:0:0::5',
        src_port: 44444,
        dst_ip: '2a00:1450:4001::1',
        dst_port: 443,
        src_bytes: 6 * MB,
        dst_bytes: 4000,
        label: 'attack',
      });
    await insertFlows(store, rows);
    const alerts = await runDetector(store, exfilDetector);
    expect(alerts).toHaveLength(1);
    expect(alerts[0].features.find((f) => f.name === 'bytes_up')?.value).toBe(120 * MB);
    expect(alerts[0].evidence.srcIps).toEqual(['FD00:0:0::5', 'fd00::5']);
    expect(await selectedIds(store, alerts[0].evidence)).toEqual(
      await labelledIds(store, 'attack'),
    );
  });
});
