// The charts' rollup (chart-rollup.ts) a full detection run keeps answers top talkers, top
// countries and AS and destination ports of the whole capture and of brushed ranges exactly as
// the plain queries over the flows do, partial windows at the ranges' ends included; once flows
// are added it is left alone until the next run; a site change and its run keep the answers; a
// case whose addresses come in several text forms is answered from the flows.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { insertFlows, type FlowRow } from '../../../../tests/helpers/flows';
import type { FlowQuery } from '../../../shared/query';
import { runDetection } from '../../analysis/runner';
import { topGeo } from '../../context/top-geo';
import { writeSite } from '../../site/site-model';
import { CaseStore } from '../../store/case-store';
import { dropMemo } from '../memo';
import { portDistribution } from '../port-distribution';
import { topTalkers } from '../top-talkers';
import { timeline } from '../timeline';
import { currentRollupWindow } from './pair-rollup';
import { keptTimeline } from './timeline-rollup';

const T0 = Date.parse('2024-05-01T08:00:00Z');
const ts = (s: number) => new Date(T0 + s * 1000).toISOString().slice(0, 23).replace('T', ' ');
const iso = (s: number) => new Date(T0 + s * 1000).toISOString();

/** A minute of traffic in 10 s windows: public and internal hosts, ICMP (no port), IPv6, a self pair. */
function traffic(seed = 7): FlowRow[] {
  const rows: FlowRow[] = [];
  let x = seed;
  const rnd = (n: number) => (x = (x * 1103515245 + 12345) % 2147483648) % n;
  const dsts = ['8.8.8.8', '8.8.4.4', '203.0.113.9', '198.51.100.7', '10.2.0.1', '2001:db8::5'];
  for (let i = 0; i < 1200; i++) {
    const icmp = rnd(12) === 0;
    rows.push({
      ts: ts(rnd(60_000) / 1000),
      proto: icmp ? 'icmp' : rnd(4) ? 'tcp' : 'udp',
      src_ip: rnd(8) ? `10.1.0.${1 + rnd(30)}` : '203.0.113.50',
      dst_ip: dsts[rnd(dsts.length)],
      dst_port: icmp ? null : [80, 443, 53, 22, 8080][rnd(5)],
      src_bytes: 40 + rnd(5000),
      dst_bytes: rnd(20000),
    });
  }
  rows.push({ ts: ts(12), src_ip: '10.1.0.5', dst_ip: '10.1.0.5', dst_port: 8080 });
  return rows;
}

/** Ranges that cut windows at both ends, one on window edges, one inside a window, the whole. */
const QUERIES: FlowQuery[] = [
  {},
  { range: { from: iso(15.25), to: iso(47.5) } },
  { range: { from: iso(10), to: iso(40) } },
  { range: { from: iso(0.5), to: iso(59.999) } },
  { range: { from: iso(21), to: iso(23) } },
];

async function answers(store: CaseStore) {
  dropMemo(store);
  const out: unknown[] = [];
  for (const q of QUERIES) {
    for (const by of ['bytes', 'flows'] as const) {
      out.push(await topTalkers(store, { ...q, by, limit: 40 }));
      out.push(await portDistribution(store, { ...q, by, limit: 40 }));
    }
    for (const by of ['country', 'asn'] as const) out.push(await topGeo(store, { ...q, by }));
    // the Charts tab's three, asked at once (one statement answers them: chart-summary.ts)
    out.push(
      await Promise.all([
        topTalkers(store, { ...q, by: 'bytes', limit: 12 }),
        portDistribution(store, { ...q, by: 'flows', limit: 12 }),
        topGeo(store, { ...q, by: 'country', limit: 12 }),
      ]),
    );
  }
  return out;
}

let store: CaseStore;
beforeEach(async () => {
  store = await CaseStore.open(':memory:', { threads: 2 });
  await store.run(`INSERT INTO geo_addrs VALUES
    ('8.8.8.8', 'US', 15169, 'GOOGLE'), ('8.8.4.4', 'US', 15169, 'GOOGLE'),
    ('203.0.113.9', 'NL', 1136, 'KPN'), ('203.0.113.50', 'NL', 1136, 'KPN'),
    ('198.51.100.7', 'DE', 3320, 'DTAG'), ('2001:db8::5', 'DE', 3320, 'DTAG')`);
  await insertFlows(store, traffic());
});
afterEach(() => store.close());

describe('chart rollup', () => {
  it('answers talkers, countries, AS and ports as the flows do', async () => {
    const fromFlows = await answers(store);
    expect(await currentRollupWindow(store, true)).toBeNull();
    await runDetection(store, { detectors: [] }).result;
    expect(await currentRollupWindow(store, true)).toBe(10);
    expect(await answers(store)).toEqual(fromFlows);
    // not vacuous: every chart has rows, the ranges' countries and ports among them
    for (const a of fromFlows) expect((a as unknown[]).length).toBeGreaterThan(0);

    // and the answers do come from the rollup: altered there, they change
    await store.run('UPDATE host_rollup SET flows = flows + 1000');
    await store.run('UPDATE port_rollup SET n = n + 1000');
    dropMemo(store);
    const range = QUERIES[1];
    expect((await topTalkers(store, { ...range, by: 'flows', limit: 1 }))[0].flows).toBeGreaterThan(
      1000,
    );
    expect((await topGeo(store, { ...range, by: 'country' }))[0].flows).toBeGreaterThan(1000);
    expect((await portDistribution(store, { ...range, limit: 1 }))[0].flows).toBeGreaterThan(1000);
  });

  it('is left alone once flows are added, until detection runs again', async () => {
    await runDetection(store, { detectors: [] }).result;
    await insertFlows(store, [
      { ts: ts(21), src_ip: '10.1.0.1', dst_ip: '8.8.8.8', dst_port: 9, src_bytes: 10 ** 9 },
      ...traffic(99).slice(0, 300),
    ]);
    expect(await currentRollupWindow(store, true)).toBeNull();
    const fromFlows = await answers(store);
    await runDetection(store, { detectors: [] }).result;
    expect(await currentRollupWindow(store, true)).toBe(10);
    expect(await answers(store)).toEqual(fromFlows);
  });

  it('keeps the answers through a site change and its detection run', async () => {
    await runDetection(store, { detectors: [] }).result;
    await writeSite(store, ['10.1.0.0/24', '203.0.113.0/24'], 'analyst');
    await runDetection(store, { detectors: [] }).result;
    const fromRollup = await answers(store);
    expect(await currentRollupWindow(store, true)).toBe(10);
    await store.run("DELETE FROM settings WHERE key = 'pair_rollup'");
    expect(await currentRollupWindow(store, true)).toBeNull();
    expect(await answers(store)).toEqual(fromRollup);
    const talkers = await topTalkers(store, { by: 'flows', limit: 40 });
    expect(talkers.find((t) => t.ip === '203.0.113.50')?.kind).toBe('internal');
  });

  it('keeps the whole capture timeline, as computed from the flows, until flows are added', async () => {
    const fromFlows = await timeline(store, { maxBuckets: 2000 });
    expect(fromFlows.buckets.length).toBeGreaterThan(10);
    expect(await keptTimeline(store, 2000)).toBeNull();
    await runDetection(store, { detectors: [] }).result;
    expect(await keptTimeline(store, 2000)).toEqual(fromFlows);
    expect(await keptTimeline(store, 500)).toBeNull(); // another bucket count: computed
    // and it is what the timeline answers: altered there, the answer changes
    await store.run(
      `UPDATE settings SET value = json_merge_patch(value, '{"timeline":{"bucketSeconds":7}}') WHERE key = 'timeline_rollup'`,
    );
    dropMemo(store);
    expect((await timeline(store, { maxBuckets: 2000 })).bucketSeconds).toBe(7);
    await insertFlows(store, [{ ts: ts(21), src_ip: '10.1.0.1', dst_ip: '8.8.8.8', dst_port: 9 }]);
    expect(await keptTimeline(store, 2000)).toBeNull();
    const after = await timeline(store, { maxBuckets: 2000 });
    expect(after.bucketSeconds).toBe(fromFlows.bucketSeconds);
    expect(after.buckets.reduce((n, b) => n + b.flows, 0)).toBe(
      fromFlows.buckets.reduce((n, b) => n + b.flows, 0) + 1,
    );
  });

  it('is not written when an address comes in two text forms (grouped by text, not number)', async () => {
    await insertFlows(store, [
      { ts: ts(31), src_ip: '2001:0db8::5', dst_ip: '8.8.8.8', dst_port: 443 },
      { ts: ts(32), src_ip: '2001:db8:0:0::5', dst_ip: '8.8.8.8', dst_port: 443 },
    ]);
    const fromFlows = await answers(store);
    await runDetection(store, { detectors: [] }).result;
    expect(await currentRollupWindow(store)).toBe(10); // the pair rollup is there
    expect(await currentRollupWindow(store, true)).toBeNull(); // the charts' is not
    expect(await answers(store)).toEqual(fromFlows);
  });
});
