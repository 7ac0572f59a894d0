// npx tsx src/engine/query/bench/run-query-bench.ts CASE.duckdb [more...]
// Times the query layer's calls the workspace makes (cold = first call, warm = median of 3 more).
// Figures are printed, never asserted. Build synthetic cases with build-cases.ts.
import { CaseStore } from '../../store/case-store';
import {
  countFlows,
  hostSummary,
  pairScatter,
  portDistribution,
  queryFlows,
  timeline,
  topTalkers,
} from '../index';

async function time<T>(
  label: string,
  fn: () => Promise<T>,
  describe?: (r: T) => string,
): Promise<void> {
  let t0 = performance.now();
  const r = await fn();
  const cold = performance.now() - t0;
  const warm: number[] = [];
  for (let i = 0; i < 3; i++) {
    t0 = performance.now();
    await fn();
    warm.push(performance.now() - t0);
  }
  warm.sort((a, b) => a - b);
  console.log(
    `  ${label.padEnd(58)} cold ${cold.toFixed(0).padStart(5)} ms  warm ${warm[1].toFixed(0).padStart(5)} ms` +
      (describe ? `  (${describe(r)})` : ''),
  );
}

for (const file of process.argv.slice(2)) {
  const store = await CaseStore.open(file, { threads: 2, readOnly: true });
  const total = await store.flowCount();
  console.log(`${file}: ${total} flows, 2 threads`);
  const incident = { srcIps: ['10.0.66.6'], dstIps: ['10.0.1.20'] };
  const mid = Math.floor(total / 2);
  await time('first page, id order, unfiltered', () =>
    queryFlows(store, { offset: 0, limit: 100 }),
  );
  await time('middle page, id order, unfiltered', () =>
    queryFlows(store, { offset: mid, limit: 100 }),
  );
  await time('middle page, ts desc, unfiltered', () =>
    queryFlows(store, { offset: mid, limit: 100, sort: [{ column: 'ts', dir: 'desc' }] }),
  );
  await time('middle page, bytes desc, unfiltered', () =>
    queryFlows(store, { offset: mid, limit: 100, sort: [{ column: 'bytes', dir: 'desc' }] }),
  );
  await time(
    'incident first page (selector)',
    () => queryFlows(store, { selector: incident, offset: 0, limit: 100 }),
    (r) => `${r.rows.length} rows`,
  );
  await time(
    'incident count (selector, cached after cold)',
    () => countFlows(store, { selector: incident }),
    String,
  );
  await time('filter first page: dst port in [22 3389] and state reset', () =>
    queryFlows(store, { filter: 'dst port in [22 3389] and state reset', offset: 0, limit: 100 }),
  );
  await time(
    'filter count: src net 10.0.0.0/16 and bytes > 10k',
    () =>
      countFlows(store, {
        filter: `src net 10.0.0.0/16 and bytes > 10k and not dst port ${(Date.now() % 100) + 1}`,
      }),
    String,
  );
  await time(
    'timeline, unfiltered',
    () => timeline(store, {}),
    (r) => `${r.buckets.length} buckets of ${r.bucketSeconds}s`,
  );
  await time(
    'timeline, incident',
    () => timeline(store, { selector: incident }),
    (r) => `${r.buckets.length} buckets of ${r.bucketSeconds}s`,
  );
  await time('top talkers by bytes, unfiltered', () =>
    topTalkers(store, { by: 'bytes', limit: 20 }),
  );
  await time('port distribution, unfiltered', () => portDistribution(store, { limit: 20 }));
  const span = await timeline(store, {});
  const from = span.span!.from;
  const to = new Date(Date.parse(from) + 600_000).toISOString();
  await time(
    'pair scatter num_conns, 10 min range',
    () => pairScatter(store, { feature: 'num_conns', range: { from, to }, limit: 3000 }),
    (r) => `${r.points.length}/${r.totalPoints} points`,
  );
  await time(
    'pair scatter num_dst_ports, incident',
    () => pairScatter(store, { feature: 'num_dst_ports', selector: incident, limit: 3000 }),
    (r) => `${r.points.length}/${r.totalPoints} points`,
  );
  await time(
    'host summary 10.0.66.6',
    () => hostSummary(store, '10.0.66.6'),
    (r) => `${r.flows_as_src} out`,
  );
  store.close();
}
