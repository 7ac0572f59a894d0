import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertFlows, type FlowRow } from '../../../tests/helpers/flows';
import { CaseStore } from '../store/case-store';
import { fixtureStore } from './fixture.test-helper';
import { pairScatter } from './pair-scatter';
import { portDistribution } from './port-distribution';
import { chooseBucketSeconds, timeline } from './timeline';
import { topTalkers } from './top-talkers';

let store: CaseStore;
beforeAll(async () => {
  store = await fixtureStore();
});
afterAll(() => store.close());

describe('timeline', () => {
  it('chooses the smallest nice bucket that fits', () => {
    const h = 3600e6;
    expect(chooseBucketSeconds(0, 1999e6, 2000)).toBe(1);
    expect(chooseBucketSeconds(0, 2000e6, 2000)).toBe(5);
    expect(chooseBucketSeconds(0, h, 2000)).toBe(5);
    expect(chooseBucketSeconds(0, 24 * h, 2000)).toBe(60);
    expect(chooseBucketSeconds(0, 24 * h, 10)).toBe(3 * 3600);
    expect(chooseBucketSeconds(0, 500 * 365 * 24 * h, 10)).toBeGreaterThanOrEqual(50 * 365 * 86400);
  });

  it('buckets flows and bytes over the span of the selection', async () => {
    const t = await timeline(store, { maxBuckets: 2000 });
    // 16:00:00 .. 17:00:00 is 3601 one-second buckets: 5 s is the first size that fits
    expect(t.bucketSeconds).toBe(5);
    expect(t.span).toEqual({ from: '2017-01-27T16:00:00.000Z', to: '2017-01-27T17:00:00.000Z' });
    expect(t.buckets).toEqual([
      { t: '2017-01-27T16:00:00.000Z', flows: 4, bytes: 6000 + 100 + 100 + 300 },
      { t: '2017-01-27T16:00:10.000Z', flows: 1, bytes: 128 },
      { t: '2017-01-27T16:05:00.000Z', flows: 1, bytes: 32000 },
      { t: '2017-01-27T16:30:00.000Z', flows: 1, bytes: 1000 },
      { t: '2017-01-27T17:00:00.000Z', flows: 1, bytes: 280 },
    ]);
    const hourly = await timeline(store, { maxBuckets: 2 });
    expect(hourly.bucketSeconds).toBe(3600);
    expect(hourly.buckets.map((b) => b.flows)).toEqual([7, 1]);
    const f = await timeline(store, { filter: 'state reset' });
    expect(f.bucketSeconds).toBe(1);
    expect(f.buckets.map((b) => [b.t, b.flows])).toEqual([
      ['2017-01-27T16:00:01.000Z', 1],
      ['2017-01-27T16:00:02.000Z', 1],
    ]);
    expect(await timeline(store, { filter: 'port 9' })).toEqual({
      bucketSeconds: 1,
      span: null,
      buckets: [],
    });
  });
});

describe('top talkers and ports', () => {
  it('ranks hosts by bytes or flows over both sides', async () => {
    const byBytes = await topTalkers(store, { by: 'bytes', limit: 3 });
    expect(byBytes).toEqual([
      {
        ip: '10.0.0.9',
        flows: 4,
        bytes: 32000 + 200 + 280,
        bytes_out: 30000 + 0 + 0 + 80,
        bytes_in: 2000 + 100 + 100 + 200,
        kind: 'internal',
      },
      {
        ip: '203.0.113.9',
        flows: 1,
        bytes: 32000,
        bytes_out: 2000,
        bytes_in: 30000,
        kind: 'documentation',
      },
      {
        ip: '10.0.0.5',
        flows: 5,
        bytes: 6000 + 100 + 100 + 128 + 280,
        bytes_out: 1000 + 100 + 100 + 64 + 200,
        bytes_in: 5000 + 64 + 80,
        kind: 'internal',
      },
    ]);
    const byFlows = await topTalkers(store, { by: 'flows', limit: 2, filter: 'proto tcp' });
    expect(byFlows.map((t) => [t.ip, t.flows])).toEqual([
      ['10.0.0.9', 3], // tie on flows: more bytes first
      ['10.0.0.5', 3],
    ]);
    await expect(topTalkers(store, { by: 'bytes', limit: 0 })).rejects.toThrow(/limit/);
  });

  it('counts destination ports with service names and distinct sources', async () => {
    const p = await portDistribution(store, { limit: 3 });
    expect(p[0]).toEqual({
      port: 443,
      proto: 'tcp',
      service: 'https',
      flows: 2,
      bytes: 7000,
      sources: 2,
    });
    expect(p).toHaveLength(3);
    const udp = await portDistribution(store, { filter: 'proto udp', by: 'bytes' });
    expect(udp).toEqual([
      { port: 5353, proto: 'udp', service: 'mdns', flows: 1, bytes: 300, sources: 1 },
      { port: 33333, proto: 'udp', service: null, flows: 1, bytes: 280, sources: 1 },
    ]);
  });
});

describe('pairScatter', () => {
  it('computes per-window pair features with fences and always keeps outliers', async () => {
    const s = await CaseStore.open(':memory:', { threads: 1 });
    const rows: FlowRow[] = [];
    // window 16:00:00-16:00:10: 40 ordinary pairs with 1-2 ports each, one scanner with 200 ports
    for (let h = 1; h <= 40; h++)
      for (let k = 0; k < 1 + (h % 2); k++)
        rows.push({
          ts: '2017-01-27 16:00:01',
          src_ip: `10.0.1.${h}`,
          dst_ip: '10.0.2.1',
          dst_port: 80 + k,
        });
    for (let p = 1; p <= 200; p++)
      rows.push({ ts: '2017-01-27 16:00:05', src_ip: '10.0.9.9', dst_ip: '10.0.2.1', dst_port: p });
    // a second window with a single pair
    rows.push({ ts: '2017-01-27 16:00:12', src_ip: '10.0.1.1', dst_ip: '10.0.2.1', dst_port: 80 });
    await insertFlows(s, rows);
    const r = await pairScatter(s, { feature: 'num_dst_ports', windowSeconds: 10, limit: 5 });
    expect(r.totalPoints).toBe(42);
    expect(r.sampled).toBe(true);
    expect(r.points).toHaveLength(5);
    const scanner = r.points.filter((p) => p.outlier);
    expect(scanner).toEqual([
      {
        window: '2017-01-27T16:00:00.000Z',
        src: '10.0.9.9',
        dst: '10.0.2.1',
        value: 200,
        outlier: true,
      },
    ]);
    expect(r.fences).toEqual([
      { window: '2017-01-27T16:00:00.000Z', pairs: 41, q1: 1, q3: 2, lower: 0, upper: 5 },
      { window: '2017-01-27T16:00:10.000Z', pairs: 1, q1: 1, q3: 1, lower: 1, upper: 1 },
    ]);
    // the same sample from the same flows (another case: results are cached per case)
    const s2 = await CaseStore.open(':memory:', { threads: 1 });
    await insertFlows(s2, rows);
    const again = await pairScatter(s2, { feature: 'num_dst_ports', windowSeconds: 10, limit: 5 });
    expect(again.points).toEqual(r.points);
    s2.close();
    const conns = await pairScatter(s, { feature: 'num_conns', filter: 'src ip 10.0.9.9' });
    expect(conns.points).toEqual([
      {
        window: '2017-01-27T16:00:00.000Z',
        src: '10.0.9.9',
        dst: '10.0.2.1',
        value: 200,
        outlier: false,
      },
    ]);
    const up = await pairScatter(s, {
      feature: 'bytes_up',
      windowSeconds: 60,
      filter: 'src ip 10.0.1.1',
    });
    expect(up.points.map((p) => p.value)).toEqual([300]);
    await expect(pairScatter(s, { feature: 'nope' as 'num_conns' })).rejects.toThrow(
      /unknown pair feature/,
    );
    s.close();
  });
});
