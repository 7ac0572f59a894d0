// The flows grid's pages with address context joined (issue 17): prints figures, asserts nothing.
//   node --import tsx bench/flows-page-context.mjs [--flows 1000000] [--runs 5]
// Builds a synthetic case once (src/engine/query/bench/synthetic-case.ts: 20,000 public
// addresses) under bench/.cache/, adds country/AS from the packaged data (enrichGeo) and two
// passive-DNS names per public address over the day (dns_names), then times the pages the grid
// asks for: the first page (kept by the memo after its first read), pages deep in id order, sorted by
// bytes, filtered by address and by country; each without and with the page's context
// (decoratePage, as the service serves it), alternating. Each page is 200 rows, as the grid asks.
// Wall time moves with the machine's load; the process's CPU time per page (DuckDB's threads
// included) is the steadier figure to compare.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CACHE } from './data.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const flows = Number(arg('flows', 1_000_000));
const runs = Number(arg('runs', 5));
const log = (l) => process.stdout.write(`${l}\n`);

const { CaseStore } = await import('../src/engine/store/case-store.ts');
const { buildSyntheticFlows } = await import('../src/engine/query/bench/synthetic-case.ts');
const { enrichGeo } = await import('../src/engine/geo/geo-enrich.ts');
const { queryFlows } = await import('../src/engine/query/flows.ts');
const { keepFlowsVersion } = await import('../src/engine/query/id-segments.ts');
const { decoratePage } = await import('../src/engine/context/flow-page-context.ts');

fs.mkdirSync(CACHE, { recursive: true });
const file = path.join(CACHE, `page-context-${flows}.duckdb`);
if (!fs.existsSync(file)) {
  const t0 = performance.now();
  const s = await CaseStore.open(file, { threads: 2 });
  await buildSyntheticFlows(s, flows);
  const g = await enrichGeo(s.conn);
  // two names per public destination, each first answered at some time of the capture and
  // seen again for a quarter of it (most flows to the address then have a name)
  await s.run(`INSERT INTO dns_names
    WITH span AS (SELECT min(ts) AS t0, epoch(max(ts) - min(ts))::BIGINT AS secs FROM flows)
    SELECT 'host' || (hash(dst_ip) % 100000)::VARCHAR || '.n' || k::VARCHAR || '.example', dst_ip, 'A',
           NULL, 'pcap', 1, t, t + to_seconds(secs // 4), 300, 3
    FROM (SELECT DISTINCT dst_ip FROM flows WHERE NOT starts_with(dst_ip, '10.')),
         (SELECT unnest([1, 2]) AS k), span,
         LATERAL (SELECT t0 + to_seconds(((hash(dst_ip) + k * 7) % (secs * 3 // 4))::BIGINT) AS t)`);
  await s.run('CHECKPOINT');
  const n = await s.one('SELECT count(*) AS n FROM dns_names');
  log(
    `built ${file}: ${await s.flowCount()} flows, ${g.addresses} addresses with geo, ${n.n} names, ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  s.close();
}

const store = await CaseStore.open(file, { threads: 2, readOnly: true });
// as the service does: the flows' version is read once, not before every cached lookup
keepFlowsVersion(store.cacheScope);
const total = await store.flowCount();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One page without and with context, alternating; wall and CPU medians of each. */
async function time(label, req) {
  const m = { plain: { ms: [], cpu: [] }, context: { ms: [], cpu: [] } };
  let rows = null;
  for (let i = 0; i < runs; i++)
    for (const k of ['plain', 'context']) {
      const t = performance.now();
      const c = process.cpuUsage();
      const page = await queryFlows(store, { ...req, limit: 200 });
      const out = k === 'context' ? await decoratePage(store, page.rows) : page.rows;
      const u = process.cpuUsage(c);
      m[k].ms.push(performance.now() - t);
      m[k].cpu.push((u.user + u.system) / 1000);
      if (k === 'context') rows ??= out;
    }
  const fig = (k) =>
    `${median(m[k].ms).toFixed(0).padStart(5)} ms cpu ${median(m[k].cpu).toFixed(0).padStart(4)} ms`;
  const geo = rows.filter((x) => x.dst_country || x.dst_asn).length;
  const named = rows.filter((x) => x.dst_names?.length).length;
  log(
    `  ${label.padEnd(28)} page ${fig('plain')} | + context ${fig('context')}  (${rows.length} rows: ${geo} dst with country/AS, ${named} with a name)`,
  );
}

log(
  `${file}: ${total} flows, 200-row pages, ${runs} runs each alternating, medians (load ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')})`,
);
// the first page is kept by queryFlows' memo after its first read: this shows the context's own cost
await time('first page, id order', { offset: 0 });
await time('page at 40%, id order', { offset: Math.floor(total * 0.4) });
await time('page at 90%, id order', { offset: Math.floor(total * 0.9) });
await time('page 50 of bytes out desc', {
  offset: 10_000,
  sort: [{ column: 'src_bytes', dir: 'desc' }],
});
await time('page 3 of dst port 22', { offset: 400, filter: 'dst port 22' });
await time('page 3 of a public /8', { offset: 400, filter: 'dst net 52.0.0.0/8' });
await time('page 3 of dst country US', { offset: 400, filter: 'dst country US' });
store.close();
