import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CaseStore } from '../../../store/case-store';
import { insertFlows, type FlowRow } from '../../../../../tests/helpers/flows';
import { runDetector } from '../../../../../tests/helpers/detect';
import { labelledIds, selectedIds } from '../../../../../tests/helpers/evidence';
import { bruteforceDetector as bruteforce } from './index';

const T0 = Date.UTC(2024, 2, 1, 9, 0, 0);
const at = (s: number) => new Date(T0 + s * 1000).toISOString().replace('T', ' ').replace('Z', '');

/** One SSH login attempt recorded twice (update, then close), as the seed format does. */
function attempt(
  src: string,
  dst: string,
  s: number,
  sport: number,
  bytes: number,
  label: string,
): FlowRow[] {
  return [
    {
      ts: at(s),
      src_ip: src,
      src_port: sport,
      dst_ip: dst,
      dst_port: 22,
      state: 'established',
      src_bytes: bytes,
      dst_bytes: 1500,
      label,
    },
    {
      ts: at(s + 1.5),
      src_ip: src,
      src_port: sport,
      dst_ip: dst,
      dst_port: 22,
      state: 'closed',
      src_bytes: 200,
      dst_bytes: 100,
      label,
    },
  ];
}

/** Benign traffic that shares a shape with brute force but not all of it. */
function lookAlikes(): FlowRow[] {
  const rows: FlowRow[] = [];
  // monitoring host checks ssh on the server every minute for 40 minutes
  for (let i = 0; i < 40; i++)
    rows.push(...attempt('10.0.0.2', '10.0.0.9', 30 + i * 60, 40000 + i, 600, 'monitor'));
  // a burst of 60 https requests: not an authentication port
  for (let i = 0; i < 60; i++)
    rows.push({
      ts: at(100 + i * 2),
      src_ip: '10.0.0.7',
      src_port: 50000 + i,
      dst_ip: '10.0.0.9',
      dst_port: 443,
      src_bytes: 900,
      dst_bytes: 4000,
      label: 'web',
    });
  // scp: 30 ssh connections in 5 minutes, sizes all over the place
  for (let i = 0; i < 30; i++)
    rows.push({
      ts: at(200 + i * 10),
      src_ip: '10.0.0.8',
      src_port: 51000 + i,
      dst_ip: '10.0.0.9',
      dst_port: 22,
      src_bytes: 5000 + ((i * 7919) % 13) * 20000,
      dst_bytes: 3000,
      label: 'scp',
    });
  // one long interactive session recorded as 50 updates of the same connection
  for (let i = 0; i < 50; i++)
    rows.push({
      ts: at(10 + i * 20),
      src_ip: '10.0.0.4',
      src_port: 52222,
      dst_ip: '10.0.0.9',
      dst_port: 22,
      src_bytes: 300,
      dst_bytes: 300,
      label: 'session',
    });
  return rows;
}

describe('bruteforce detector', () => {
  let store: CaseStore;
  beforeEach(async () => {
    store = await CaseStore.open(':memory:');
  });
  afterEach(() => store.close());

  it('reports one alert for an ssh password guesser, with exact evidence', async () => {
    const rows = lookAlikes();
    // 80 attempts, one every 3 s, similar sizes
    for (let i = 0; i < 80; i++)
      rows.push(
        ...attempt(
          '203.0.113.50',
          '10.0.0.9',
          600 + i * 3,
          33000 + i,
          2800 + (i % 5) * 40,
          'attack',
        ),
      );
    await insertFlows(store, rows);
    const alerts = await runDetector(store, bruteforce);
    expect(alerts).toHaveLength(1);
    const a = alerts[0];
    expect(a).toMatchObject({
      detector: 'bruteforce',
      kind: 'brute-force',
      src_ip: '203.0.113.50',
      dst_ip: '10.0.0.9',
    });
    const f = Object.fromEntries(a.features.map((x) => [x.name, x]));
    expect(f.attempts).toMatchObject({ value: 80, threshold: 20, direction: 'above' });
    expect(f.size_cv.value).toBeLessThan(0.1);
    expect(f.size_cv).toMatchObject({ threshold: 0.5, direction: 'below' });
    expect(f.rate_per_min.value).toBeGreaterThan(15);
    expect(a.score).toBeGreaterThan(0.5);
    expect(a.score).toBeLessThanOrEqual(1);
    expect(a.flow_count).toBe(160);
    expect(await selectedIds(store, a.evidence)).toEqual(await labelledIds(store, 'attack'));
    expect(a.evidence.dstPorts).toEqual([22]);
  });

  it('stays silent on monitoring, scp, long sessions and busy non-auth ports', async () => {
    await insertFlows(store, lookAlikes());
    expect(await runDetector(store, bruteforce)).toEqual([]);
  });

  it('honours its parameters', async () => {
    await insertFlows(store, lookAlikes());
    // with a whole-capture horizon, a low count and no allowance for steady pollers (burstFactor
    // 1: any horizon is a burst) the monitoring host's 40 probes qualify
    const alerts = await runDetector(store, bruteforce, {
      horizonSeconds: 3600,
      minAttempts: 30,
      burstFactor: 1,
    });
    expect(alerts.map((a) => a.src_ip)).toEqual(['10.0.0.2']);
    expect(await selectedIds(store, alerts[0].evidence)).toEqual(
      await labelledIds(store, 'monitor'),
    );
  });
});

/** Deterministic noise in [0, 1). */
const noise = (i: number) => ((i * 2654435761) % 1000) / 1000;

/** A short database session every 5-15 s, identical sizes, for `minutes`: an application server's poll. */
function poller(
  src: string,
  dst: string,
  port: number,
  minutes: number,
  seed: number,
  label: string,
): FlowRow[] {
  const rows: FlowRow[] = [];
  let t = seed % 7;
  for (let i = 0; t < minutes * 60; i++) {
    rows.push({
      ts: at(t),
      src_ip: src,
      src_port: 30000 + ((seed * 977 + i) % 30000),
      dst_ip: dst,
      dst_port: port,
      state: 'closed',
      src_bytes: 420,
      dst_bytes: 610,
      label,
    });
    t += 5 + Math.round(noise(seed * 1000 + i) * 10);
  }
  return rows;
}

describe('bruteforce detector: peer baselines', () => {
  let store: CaseStore;
  beforeEach(async () => {
    store = await CaseStore.open(':memory:');
  });
  afterEach(() => store.close());

  it('stays silent on application servers polling a database, and finds the guesser among them', async () => {
    const rows: FlowRow[] = [];
    for (let k = 0; k < 8; k++)
      rows.push(...poller(`10.0.1.${10 + k}`, '10.0.2.5', 5432, 40, k + 1, 'poll'));
    // alone, each poller is past the fixed thresholds (30-60 similar attempts per 5 min)
    await insertFlows(store, rows);
    expect(await runDetector(store, bruteforce)).toEqual([]);
    // a host guessing the database password: 300 attempts in 5 minutes
    const guesses: FlowRow[] = [];
    for (let i = 0; i < 300; i++)
      guesses.push({
        ts: at(1200 + i),
        src_ip: '10.0.3.7',
        src_port: 40000 + i,
        dst_ip: '10.0.2.5',
        dst_port: 5432,
        state: 'closed',
        src_bytes: 380,
        dst_bytes: 240,
        label: 'attack',
      });
    await insertFlows(store, guesses);
    const alerts = await runDetector(store, bruteforce);
    expect(alerts.map((a) => a.src_ip)).toEqual(['10.0.3.7']);
    const ratio = alerts[0].features.find((f) => f.name === 'peer_ratio')!;
    expect(ratio).toMatchObject({ threshold: 5, direction: 'above' });
    expect(ratio.value).toBeGreaterThan(5);
    expect(ratio.note).toMatch(/among the service's 8 other clients/);
    expect(await selectedIds(store, alerts[0].evidence)).toEqual(
      await labelledIds(store, 'attack'),
    );
  });

  it('stays silent on a lone site poller that keeps its pace all capture long', async () => {
    // one application server, one database: no clientele to compare with, but no burst either
    await insertFlows(store, [
      ...poller('10.0.1.10', '10.0.2.5', 3306, 40, 3, 'poll'),
      ...lookAlikes(),
    ]);
    expect(await runDetector(store, bruteforce)).toEqual([]);
    // the same pace from outside the site is not given that benefit
    await insertFlows(store, poller('198.51.100.20', '10.0.2.5', 3306, 40, 4, 'outside'));
    expect((await runDetector(store, bruteforce)).map((a) => a.src_ip)).toEqual(['198.51.100.20']);
  });
});
