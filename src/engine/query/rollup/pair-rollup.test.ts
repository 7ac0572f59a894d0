// The pair rollup a full detection run keeps (issue 14 item 7) answers the pair scatter and top
// talkers of the whole capture and of a brushed range exactly as the flows do, partial windows
// at the range's ends included; once flows change it is left alone until the next run.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { insertFlows, type FlowRow } from '../../../../tests/helpers/flows';
import { PAIR_FEATURES, type FlowQuery } from '../../../shared/query';
import { runDetection } from '../../analysis/runner';
import { CaseStore } from '../../store/case-store';
import { dropMemo } from '../memo';
import { pairScatter } from '../pair-scatter';
import { topTalkers } from '../top-talkers';
import { flowsSignatureOn, pairRollupUsable, writePairRollup } from './pair-rollup';
import { DuckDbFlowSql } from '../../flowstore/duckdb-flow-sql';
import { addressNames, windowPairs } from '../../detect/shared-tables';
import { rollupSpan } from './rollup-span';

/** A minute of traffic in 10 s windows: chatty pairs, a port sweep, ICMP (no ports), a self pair. */
function traffic(): FlowRow[] {
  const rows: FlowRow[] = [];
  let x = 11;
  const rnd = (n: number) => (x = (x * 1103515245 + 12345) % 2147483648) % n;
  const ts = (s: number) =>
    new Date(Date.parse('2024-05-01T08:00:00Z') + s * 1000)
      .toISOString()
      .slice(0, 23)
      .replace('T', ' ');
  for (let i = 0; i < 900; i++) {
    const s = rnd(60_000) / 1000;
    rows.push({
      ts: ts(s),
      src_ip: `10.1.0.${1 + rnd(25)}`,
      dst_ip: rnd(3) ? `10.2.0.${1 + rnd(6)}` : `2001:db8::${1 + rnd(4)}`,
      dst_port: rnd(10) ? [80, 443, 53, 22][rnd(4)] : null,
      proto: 'tcp',
      src_bytes: 40 + rnd(5000),
      dst_bytes: rnd(20000),
    });
  }
  for (let p = 1; p <= 120; p++)
    rows.push({
      ts: ts(31 + p / 100),
      src_ip: '10.1.0.99',
      dst_ip: '10.2.0.1',
      dst_port: p,
      dst_bytes: 0,
    });
  rows.push({ ts: ts(12), src_ip: '10.1.0.5', dst_ip: '10.1.0.5', dst_port: 8080 });
  return rows;
}

const RANGE = { from: '2024-05-01T08:00:15.250Z', to: '2024-05-01T08:00:47.500Z' };
const QUERIES: FlowQuery[] = [
  {},
  { range: RANGE },
  { range: { from: RANGE.from, to: '2024-05-01T08:00:19Z' } },
];

async function answers(store: CaseStore) {
  dropMemo(store);
  const out: unknown[] = [];
  for (const q of QUERIES) {
    for (const feature of PAIR_FEATURES) {
      out.push(await pairScatter(store, { ...q, feature, windowSeconds: 10, limit: 50_000 }));
      // outliers that fill the limit: no sample is drawn beside them (a sample, when drawn, is
      // a hash sample of the rollup's address ids or of the texts: not compared)
      const few = await pairScatter(store, { ...q, feature, windowSeconds: 10, limit: 2 });
      const outliers = few.points.filter((p) => p.outlier);
      if (outliers.length >= 2) expect(few.points).toHaveLength(outliers.length);
      out.push({ ...few, points: outliers });
    }
    for (const by of ['bytes', 'flows'] as const)
      out.push(await topTalkers(store, { ...q, by, limit: 40 }));
  }
  return out;
}

let store: CaseStore;
beforeEach(async () => {
  store = await CaseStore.open(':memory:', { threads: 2 });
  await insertFlows(store, traffic());
});
afterEach(() => store.close());

describe('pair rollup', () => {
  it('answers the scatter and top talkers as the flows do, whole capture and brushed range', async () => {
    const fromFlows = await answers(store);
    expect(await pairRollupUsable(store, 10)).toBe(false);
    await runDetection(store, { detectors: [] }).result;
    expect(await pairRollupUsable(store, 10)).toBe(true);
    expect(await pairRollupUsable(store, 60)).toBe(false); // another window length: the flows
    // the brushed range has whole windows (20-40 s) and two partial ones; a range inside one
    // window and a filtered query are the flows' to answer
    expect(await rollupSpan(store, { range: RANGE }, 10)).toMatchObject({
      lo: 171455042,
      hi: 171455044,
    });
    expect(await rollupSpan(store, QUERIES[2], 10)).toBeNull();
    expect(await rollupSpan(store, { filter: 'dst port 22' }, 10)).toBeNull();
    expect(await answers(store)).toEqual(fromFlows);
    // and they do come from the rollup: altered there, they change
    await store.run('UPDATE pair_rollup SET n = n + 1000');
    await store.run("UPDATE pair_rollup_outliers SET value = value + 1000 WHERE f = 'ports'");
    await store.run('UPDATE host_rollup SET flows = flows + 1000'); // talkers: chart-rollup.ts
    dropMemo(store);
    const conns = await pairScatter(store, { feature: 'num_conns', windowSeconds: 10 });
    expect(Math.min(...conns.points.map((p) => p.value))).toBeGreaterThan(1000);
    // the destination ports' outliers come from the kept outliers table
    const ports = await pairScatter(store, { feature: 'num_dst_ports', windowSeconds: 10 });
    const out = ports.points.filter((p) => p.outlier);
    expect(out.length).toBeGreaterThan(0);
    expect(Math.min(...out.map((p) => p.value))).toBeGreaterThanOrEqual(1000);
    expect((await topTalkers(store, { by: 'flows', limit: 1 }))[0].flows).toBeGreaterThan(1000);
  });

  it('is left alone once flows are added, until detection runs again', async () => {
    await runDetection(store, { detectors: [] }).result;
    await insertFlows(store, [
      { ts: '2024-05-01 08:00:21', src_ip: '10.1.0.1', dst_ip: '10.2.0.1', dst_port: 9 },
    ]);
    expect(await pairRollupUsable(store, 10)).toBe(false);
    const fromFlows = await answers(store);
    await runDetection(store, { detectors: [] }).result;
    expect(await pairRollupUsable(store, 10)).toBe(true);
    expect(await answers(store)).toEqual(fromFlows);
  });

  it('is written in time order, a slice of windows at a time, with every pair-window', async () => {
    const conn = await store.connect();
    try {
      const ctx = {
        store,
        conn,
        sql: new DuckDbFlowSql(conn),
        windowSeconds: 10,
        params: {},
        internalNetworks: [],
        checkCancelled: () => undefined,
        shared: new Map<string, Promise<void>>(),
      };
      await windowPairs(ctx);
      await addressNames(ctx);
      const rows = async () =>
        (await conn.runAndReadAll('SELECT * FROM pair_rollup')).getRowObjectsJson();
      const fences = async () =>
        (
          await conn.runAndReadAll('SELECT * FROM pair_rollup_fences ORDER BY w')
        ).getRowObjectsJson();
      const outliers = async () =>
        (
          await conn.runAndReadAll('SELECT * FROM pair_rollup_outliers ORDER BY f, w, s, d')
        ).getRowObjectsJson();
      await writePairRollup(conn, 10_000_000, await flowsSignatureOn(conn));
      const whole = await rows();
      const wholeFences = await fences();
      const wholeOutliers = await outliers();
      expect(wholeOutliers.length).toBeGreaterThan(0);
      await writePairRollup(conn, 10_000_000, await flowsSignatureOn(conn), 50); // many slices
      const sliced = await rows();
      expect(await fences()).toEqual(wholeFences);
      expect(await outliers()).toEqual(wholeOutliers);
      expect(wholeFences).toHaveLength(6);
      expect(sliced.length).toBe(whole.length);
      expect(sliced.length).toBeGreaterThan(200);
      const ws = sliced.map((r) => Number(r.w));
      expect(ws).toEqual([...ws].sort((a, b) => a - b));
      const key = (r: Record<string, unknown>) => JSON.stringify(r);
      expect(sliced.map(key).sort()).toEqual(whole.map(key).sort());
    } finally {
      conn.closeSync();
    }
  });
});
