// A filtered view's (or an incident's) kept pair-windows and port rows (kept-pairs.ts) give the
// pair scatter (every feature), top talkers and destination ports exactly the answers the flows give, for the whole capture and for brushed ranges
// that cut windows at both ends; they are kept by the scatter, read by later calls, left alone
// for a range without a whole window, and dropped when the flows change. The flows' answers come
// from the same case opened read-only (where nothing is kept).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { insertFlows, type FlowRow } from '../../../../tests/helpers/flows';
import type { FlowSelector } from '../../../shared/model';
import { PAIR_FEATURES, type FlowQuery } from '../../../shared/query';
import { CaseStore } from '../../store/case-store';
import { dropMemo } from '../memo';
import { pairScatter } from '../pair-scatter';
import { topTalkers } from '../top-talkers';
import { portDistribution } from '../port-distribution';
import { keptPairsWritten } from './kept-pairs';

const T0 = Date.parse('2024-05-01T08:00:00Z');
const ts = (s: number) => new Date(T0 + s * 1000).toISOString().slice(0, 23).replace('T', ' ');
const iso = (s: number) => new Date(T0 + s * 1000).toISOString();

/** Two minutes of traffic in 10 s windows: many pairs, ports, both protocols, IPv6, null ports. */
function traffic(seed: number, n = 3000): FlowRow[] {
  const rows: FlowRow[] = [];
  // mulberry32: exact in doubles (a plain LCG overflows 2^53 and soon repeats itself)
  let x = seed >>> 0;
  const rnd = (k: number) => {
    x = (x + 0x6d2b79f5) >>> 0;
    let t = Math.imul(x ^ (x >>> 15), 1 | x);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) % k;
  };
  const dsts = ['8.8.8.8', '203.0.113.9', '198.51.100.7', '10.2.0.1', '10.2.0.2', '2001:db8::5'];
  for (let i = 0; i < n; i++) {
    const icmp = rnd(15) === 0;
    rows.push({
      ts: ts(rnd(120_000) / 1000),
      proto: icmp ? 'icmp' : rnd(4) ? 'tcp' : 'udp',
      src_ip: rnd(6) ? `10.1.0.${1 + rnd(40)}` : '203.0.113.50',
      dst_ip: dsts[rnd(dsts.length)],
      dst_port: icmp ? null : [80, 443, 53, 22, 8080, 3389][rnd(6)],
      src_bytes: 40 + rnd(5000),
      dst_bytes: rnd(20000),
    });
  }
  // one host sweeping ports: the scatter's outliers
  for (let p = 1; p <= 60; p++)
    rows.push({
      ts: ts(33 + p / 100),
      proto: 'tcp',
      src_ip: '10.1.0.66',
      dst_ip: '10.2.0.1',
      dst_port: p,
    });
  return rows;
}

const FILTERS = [
  'dst port 443',
  'proto tcp',
  'not dst net 10.0.0.0/8',
  'src net 10.1.0.0/24 and dst port in [22 53]',
];
/** Whole, cut at both ends, on window edges, and one range inside a single window. */
const RANGES: FlowQuery['range'][] = [
  undefined,
  { from: iso(15.25), to: iso(97.5) },
  { from: iso(20), to: iso(60) },
  { from: iso(41), to: iso(43) },
];

/** An incident's evidence: a span and the sweeping host, and the same with a filter. */
const SELECTOR: FlowSelector = {
  from: iso(20),
  to: iso(110),
  anyOf: [{ srcIps: ['10.1.0.66'] }, { dstIps: ['203.0.113.9'], dstPorts: [443, 22] }],
};
const VIEWS: { filter?: string; selector?: FlowSelector }[] = [
  ...FILTERS.map((filter) => ({ filter })),
  { selector: SELECTOR },
  { filter: 'proto tcp', selector: SELECTOR },
];

async function answers(store: CaseStore) {
  dropMemo(store);
  const out: unknown[] = [];
  for (const view of VIEWS)
    for (const range of RANGES) {
      const q = { ...view, ...(range ? { range } : {}) };
      for (const feature of PAIR_FEATURES)
        out.push(await pairScatter(store, { ...q, feature, windowSeconds: 10, limit: 50 }));
      for (const by of ['bytes', 'flows'] as const) {
        out.push(await topTalkers(store, { ...q, by, limit: 15 }));
        out.push(await portDistribution(store, { ...q, by, limit: 15 }));
      }
    }
  return out;
}

const keptTables = async (store: CaseStore) =>
  (
    await store.one<{ n: number }>(
      "SELECT count(*) AS n FROM duckdb_tables() WHERE database_name = 'netsift_kept' AND table_name LIKE 'pairs%'",
    )
  )?.n ?? 0;

let dir: string;
let file: string;
beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsift-kept-'));
  file = path.join(dir, 'case.duckdb');
  const s = await CaseStore.open(file, { threads: 2 });
  await insertFlows(s, traffic(11));
  s.close();
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

async function fromFlows(): Promise<unknown[]> {
  const ro = await CaseStore.open(file, { readOnly: true, threads: 2 });
  try {
    const a = await answers(ro);
    expect(await keptTables(ro)).toBe(0); // a read-only case keeps nothing: these are the flows'
    return a;
  } finally {
    ro.close();
  }
}

describe('kept pair-windows of a filtered view', () => {
  it('answer the pair scatter and top talkers as the flows do, whole capture and brushed ranges', async () => {
    const expected = await fromFlows();
    const rw = await CaseStore.open(file, { threads: 2 });
    try {
      expect(keptPairsWritten(rw.cacheScope, { filter: FILTERS[0] }, 10e6)).toBe(false);
      const first = await answers(rw); // the scatter keeps each filter's pair-windows
      expect(await keptTables(rw)).toBe(VIEWS.length);
      // what the service asks to run a scatter among the quick charts
      expect(keptPairsWritten(rw.cacheScope, { filter: FILTERS[0] }, 10e6)).toBe(true);
      expect(keptPairsWritten(rw.cacheScope, { filter: FILTERS[0] }, 60e6)).toBe(false);
      const again = await answers(rw); // every answer read from them (memo dropped)
      expect(first).toEqual(expected);
      expect(again).toEqual(expected);
      // the sweep's pairs are outliers of the filtered scatter too (the test can fail)
      const sweep = await pairScatter(rw, {
        filter: 'proto tcp',
        feature: 'num_dst_ports',
        windowSeconds: 10,
        limit: 50,
      });
      expect(sweep.points.some((p) => p.outlier && p.src === '10.1.0.66')).toBe(true);
    } finally {
      rw.close();
    }
  });

  it('are dropped when flows are added, and the answers follow the new flows', async () => {
    const rw = await CaseStore.open(file, { threads: 2 });
    try {
      await answers(rw);
      expect(await keptTables(rw)).toBe(VIEWS.length);
      await insertFlows(rw, traffic(99, 800));
      const after = await answers(rw);
      rw.close();
      expect(after).toEqual(await fromFlows());
    } finally {
      rw.close();
    }
  });

  it('a filter alone on the talkers keeps nothing; a range without a whole window keeps nothing', async () => {
    const rw = await CaseStore.open(file, { threads: 2 });
    try {
      await topTalkers(rw, { filter: 'proto udp', by: 'bytes', limit: 5 });
      await pairScatter(rw, {
        filter: 'proto udp',
        range: RANGES[3],
        feature: 'num_conns',
        windowSeconds: 10,
      });
      expect(await keptTables(rw)).toBe(0);
    } finally {
      rw.close();
    }
  });
});
