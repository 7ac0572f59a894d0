import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CaseStore } from '../../../store/case-store';
import { insertFlows, type FlowRow } from '../../../../../tests/helpers/flows';
import { runDetector } from '../../../../../tests/helpers/detect';
import { at } from '../../../../../tests/helpers/background';
import { labelledIds, selectedIds } from '../../../../../tests/helpers/evidence';
import { callbackDetector } from './index';

let store: CaseStore;
beforeEach(async () => {
  store = await CaseStore.open(':memory:');
});
afterEach(() => store.close());

/** Deterministic noise in [0, 1). */
const noise = (i: number) => ((i * 2654435761) % 1000) / 1000;

/**
 * An IoT camera trying its controller 2,000 times over 1.8 hours, irregularly (1-5 s apart): most
 * attempts unanswered (a SYN retransmitted once, logged as two records with one source port),
 * some refused, some accepted and cut off at once, as Zeek logs S0, REJ and S3.
 */
function deadC2(): FlowRow[] {
  const rows: FlowRow[] = [];
  let t = 10;
  for (let i = 0; i < 2000; i++) {
    const sport = 32768 + ((i * 37) % 28000);
    const u = noise(i + 3);
    const base = {
      src_ip: '192.168.1.197',
      src_port: sport,
      dst_ip: '185.244.25.183',
      dst_port: 4975,
      src_bytes: 120,
      label: 'c2',
    };
    if (u < 0.55) {
      rows.push({ ...base, ts: at(t), state: 'connecting', state_raw: 'S0', dst_bytes: 0 });
      rows.push({ ...base, ts: at(t + 3), state: 'connecting', state_raw: 'S0', dst_bytes: 0 });
    } else if (u < 0.7)
      rows.push({ ...base, ts: at(t), state: 'reset', state_raw: 'REJ', dst_bytes: 0 });
    else
      rows.push({
        ...base,
        ts: at(t),
        state: 'closing',
        state_raw: 'S3',
        src_bytes: 300,
        dst_bytes: 280,
      });
    t += 1 + noise(i) * 4.4;
  }
  return rows;
}

/** Healthy neighbours: a poller whose calls succeed, NTP retries, and a busy update server. */
function lookAlikes(): FlowRow[] {
  const rows: FlowRow[] = [];
  for (let i = 0; i < 700; i++)
    rows.push({
      ts: at(5 + i * 9),
      src_ip: '192.168.1.50',
      src_port: 40000 + i,
      dst_ip: '52.1.2.3',
      dst_port: 8883,
      state: i % 20 === 0 ? 'connecting' : 'closed',
      src_bytes: 400,
      dst_bytes: i % 20 === 0 ? 0 : 350,
      label: 'poller',
    });
  // the clock: NTP polls, most unanswered, for hours
  for (let i = 0; i < 400; i++)
    rows.push({
      ts: at(7 + i * 16),
      proto: 'udp',
      src_ip: '192.168.1.197',
      src_port: 123,
      dst_ip: '147.231.100.5',
      dst_port: 123,
      state: i % 3 ? 'new' : 'established',
      src_bytes: 76,
      dst_bytes: i % 3 ? 0 : 76,
      label: 'ntp',
    });
  // an update server that is down for everyone: five hosts keep failing to reach it
  for (let h = 0; h < 5; h++)
    for (let i = 0; i < 260; i++)
      rows.push({
        ts: at(11 + h + i * 25),
        src_ip: `192.168.1.${60 + h}`,
        src_port: 45000 + i,
        dst_ip: '93.184.216.99',
        dst_port: 443,
        state: 'connecting',
        src_bytes: 60,
        dst_bytes: 0,
        label: 'dead-updates',
      });
  return rows;
}

describe('callback detector', () => {
  it('reports a device that keeps failing to reach one outside endpoint, with its timeline', async () => {
    await insertFlows(store, [...deadC2(), ...lookAlikes()]);
    const alerts = await runDetector(store, callbackDetector);
    expect(alerts.map((a) => [a.src_ip, a.dst_ip, a.kind])).toEqual([
      ['192.168.1.197', '185.244.25.183', 'failed-callback'],
    ]);
    const a = alerts[0];
    const f = Object.fromEntries(a.features.map((x) => [x.name, x]));
    // one attempt per source port: the retransmitted SYNs are not counted twice
    expect(f.attempts.value).toBe(2000);
    expect(f.failed_share.value).toBe(1);
    expect(f.failed_share.note).toMatch(/unanswered, .* refused, .* cut off/);
    expect(f.span_minutes.value).toBeGreaterThan(100);
    expect(f.timeline.note).toMatch(/^attempts per 10 min \(UTC\): 16:00 \d+, 16:10 \d+/);
    expect(a.summary).toMatch(
      /^192\.168\.1\.197 tried 185\.244\.25\.183:4975\/tcp 2,000 times over 1\.[89] h, 100% failed/,
    );
    expect(a.score).toBeGreaterThan(0.7);
    expect(a.flow_count).toBe((await labelledIds(store, 'c2')).length);
    expect(await selectedIds(store, a.evidence)).toEqual(await labelledIds(store, 'c2'));
  });

  it('stays silent on a healthy poller, NTP retries and an endpoint everyone fails to reach', async () => {
    await insertFlows(store, lookAlikes());
    expect(await runDetector(store, callbackDetector)).toEqual([]);
    // without the peer rule the dead update server would be five "callbacks"
    expect(
      (await runDetector(store, callbackDetector, { maxPeers: 100 })).map((a) => a.src_ip).sort(),
    ).toEqual(['192.168.1.60', '192.168.1.61', '192.168.1.62', '192.168.1.63', '192.168.1.64']);
  });

  it('needs the attempts to go on: a short burst is not a callback', async () => {
    // 20 minutes of it in a capture of nearly two hours
    await insertFlows(store, [...deadC2().filter((r) => r.ts < at(20 * 60)), ...lookAlikes()]);
    expect(await runDetector(store, callbackDetector)).toEqual([]);
  });

  it('takes most of a short capture as a long span', async () => {
    // a 25-minute capture: the device tried all along, every SYN unanswered
    await insertFlows(
      store,
      deadC2().filter((r) => r.ts < at(25 * 60) && r.state === 'connecting'),
    );
    const alerts = await runDetector(store, callbackDetector);
    expect(alerts.map((a) => a.src_ip)).toEqual(['192.168.1.197']);
    const span = alerts[0].features.find((f) => f.name === 'span_minutes')!;
    expect(span.threshold).toBeLessThan(21);
    expect(span.value).toBeGreaterThanOrEqual(span.threshold!);
  });
});
