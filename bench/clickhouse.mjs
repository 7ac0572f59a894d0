// Flow stores side by side (issue 19): the same seed file imported into a DuckDB case, a local
// clickhouse-server (Debian's 18.16, started here on loopback) and chdb (the current ClickHouse
// engine in process, when tests/chdb is installed), then the same workspace questions asked of
// each, then detection on each (all detectors, the case's default site): on the DuckDB case, and
// on ClickHouse with a local case for alerts and incidents (18.16 cannot run the detectors' SQL:
// it says so). Prints figures, asserts nothing.
//   node --import tsx bench/clickhouse.mjs FILE [--label 1M]
// Pair scatter is left out: the DuckDB side took 250-360 s at 1M flows here (its window-function
// sampling), ClickHouse 3-7 s. Each query is timed on its first run (the DuckDB case caches repeated answers per flows version,
// ClickHouse does not); import is timed whole, and for ClickHouse also its send + attach part
// (the rest is the same temporary-case import DuckDB does).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const file = process.argv[2];
const label = process.argv.includes('--label')
  ? process.argv[process.argv.indexOf('--label') + 1]
  : path.basename(file);
if (!file || !fs.existsSync(file))
  throw new Error('usage: bench/clickhouse.mjs FILE [--label NAME]');

const { CaseStore } = await import('../src/engine/store/case-store.ts');
const { DuckDbFlowStore } = await import('../src/engine/flowstore/duckdb-flow-store.ts');
const { ClickHouseFlowStore } =
  await import('../src/engine/flowstore/clickhouse/clickhouse-flow-store.ts');
const { ChdbExecutor, loadChdb } =
  await import('../src/engine/flowstore/clickhouse/chdb-executor.ts');
const { openClickHouseStore } = await import('../src/engine/flowstore/open-store.ts');
const { importFiles } = await import('../src/engine/import/pipeline.ts');
const { runDetection } = await import('../src/engine/analysis/runner.ts');
const { CLICKHOUSE_MISSING, PASSWORDS, startClickHouse } =
  await import('../tests/helpers/clickhouse-server.ts');

const QUERIES = [
  ['count all', (s) => s.countFlows({})],
  ['count filtered', (s) => s.countFlows({ filter: 'dst port 22 and src net 192.168.0.0/16' })],
  [
    'count time range',
    (s) => s.countFlows({ range: { from: '2017-01-27T16:40:00Z', to: '2017-01-27T16:50:00Z' } }),
  ],
  [
    'page by bytes, filtered',
    (s) =>
      s.queryFlows({
        filter: 'proto tcp',
        sort: [{ column: 'bytes', dir: 'desc' }],
        offset: 0,
        limit: 200,
      }),
  ],
  ['page 1000 in, id order', (s) => s.queryFlows({ offset: 1000, limit: 200 })],
  ['timeline 2000 buckets', (s) => s.timeline({ maxBuckets: 2000 })],
  ['top talkers by bytes', (s) => s.topTalkers({ by: 'bytes', limit: 20 })],
  ['ports by flows', (s) => s.portDistribution({ by: 'flows', limit: 20 })],
  ['host summary', (s) => s.hostSummary('192.168.1.10')],
];

const secs = (t) => (performance.now() - t) / 1000;
const results = {}; // engine -> { name: seconds }
const detectors = {}; // engine -> 'basic 0.1, scan 2.3, ...'

/** Detection on `caseStore` (the flows in it, or in `flowStore`), timed; its incidents counted. */
async function detect(engine, caseStore, flowStore) {
  const t = performance.now();
  try {
    const r = await runDetection(caseStore, { flowStore }).result;
    results[engine].detect = secs(t);
    results[engine].incidents = r.incidents;
    detectors[engine] = r.detectors.map((d) => `${d.id} ${d.seconds.toFixed(1)}`).join(', ');
  } catch (e) {
    results[engine].detect = 'refused';
    detectors[engine] = String(e.message).split('. ')[0];
  }
}

async function measure(engine, store, importTimes) {
  const r = { ...importTimes };
  for (const [name, q] of QUERIES) {
    const t = performance.now();
    await q(store);
    r[name] = secs(t);
  }
  results[engine] = r;
}

/** Imports through the store, timing the whole and the part after the temp case (send + attach). */
async function importTimed(store) {
  const t = performance.now();
  let sendStart = null;
  const job = store.importFiles([file], { memoryLimit: '2GB' });
  job.onProgress((p) => {
    if (p.phase === 'send' && sendStart === null) sendStart = performance.now();
  });
  const sum = await job.result;
  if (sum.failed) throw new Error(sum.files[0].error);
  const total = secs(t);
  return {
    import: total,
    'import: send + attach': sendStart ? (performance.now() - sendStart) / 1000 : null,
    flows: sum.flows,
  };
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'netsift-bench-ch-'));
try {
  // DuckDB case
  {
    const c = await CaseStore.open(path.join(work, 'case.duckdb'), { memoryLimit: '2GB' });
    const t = performance.now();
    await importFiles(c, [file], { noGeo: true }).result;
    const imp = { import: secs(t), 'import: send + attach': null, flows: await c.flowCount() };
    await measure('duckdb', new DuckDbFlowStore(c), imp);
    await detect('duckdb', c);
    c.close();
  }
  // ClickHouse 18.16, a real server on loopback
  if (CLICKHOUSE_MISSING) console.log(`clickhouse-server: skipped (${CLICKHOUSE_MISSING})`);
  else {
    const server = await startClickHouse();
    try {
      const s = await openClickHouseStore(server.url(), { password: PASSWORDS.netsift });
      const imp = await importTimed(s);
      await measure(`clickhouse ${s.info.serverVersion}`, s, imp);
      const [size] = await s.ex
        .rows("SELECT sum(bytes_on_disk) AS b FROM system.parts WHERE active AND table = 'flows'")
        .catch(() =>
          s.ex.rows("SELECT sum(bytes) AS b FROM system.parts WHERE active AND table = 'flows'"),
        );
      results[`clickhouse ${s.info.serverVersion}`]['on disk MB'] = Number(size.b) / 1e6;
      const local = await CaseStore.open(path.join(work, 'local-18.duckdb'));
      await detect(`clickhouse ${s.info.serverVersion}`, local, s);
      local.close();
      await s.close();
    } finally {
      await server.stop();
    }
  }
  // chdb, the current engine in process
  const chdb = loadChdb(path.join(import.meta.dirname, '../tests/chdb'));
  if (!chdb.mod) console.log(`chdb: skipped (${chdb.why})`);
  else {
    const local = await CaseStore.open(path.join(work, 'local-chdb.duckdb'));
    const s = await ClickHouseFlowStore.create(
      await ChdbExecutor.open(chdb.mod, path.join(work, 'chdb')),
      { caseStore: local },
    );
    const imp = await importTimed(s);
    await measure(`chdb ${s.info.serverVersion}`, s, imp);
    await detect(`chdb ${s.info.serverVersion}`, local, s);
    await s.close();
    local.close();
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}

const engines = Object.keys(results);
const rows = [
  'import',
  'import: send + attach',
  ...QUERIES.map(([n]) => n),
  'on disk MB',
  'detect',
  'incidents',
];
const fmt = (v) =>
  v === null || v === undefined
    ? '-'
    : typeof v === 'number'
      ? v.toFixed(v < 10 ? 3 : 1)
      : String(v);
console.log(
  `flow stores on ${label} (${results[engines[0]]?.flows ?? ''} flows), seconds (first run)`,
);
console.log(`  ${''.padEnd(26)}${engines.map((e) => e.padStart(20)).join('')}`);
for (const r of rows)
  console.log(`  ${r.padEnd(26)}${engines.map((e) => fmt(results[e][r]).padStart(20)).join('')}`);
for (const e of engines) if (detectors[e]) console.log(`  detection on ${e}: ${detectors[e]}`);
console.log(`JSON ${JSON.stringify(results)}`);
