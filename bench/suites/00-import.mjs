// Import: DuckDB's bare read_csv into a table vs `netsift import`, on the same file, in child
// processes (peak RSS per process). Targets: netsift within 1.25x of bare; peak RSS < 2 GB at 10M.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

function run(args, cwd) {
  // the previous load's file may still be in the page cache, dirty: write it out first, or its
  // writeback lands in the middle of the next timed load
  execFileSync('sync');
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code, out, err, seconds: (performance.now() - t0) / 1000 }),
    );
  });
}

async function importTimings(db) {
  const inst = await DuckDBInstance.create(db, { access_mode: 'READ_ONLY' });
  const conn = await inst.connect();
  const r = await conn.runAndReadAll(
    'SELECT details::VARCHAR FROM imports ORDER BY id DESC LIMIT 1',
  );
  conn.closeSync();
  inst.closeSync();
  return JSON.parse(String(r.getRows()[0][0])).timings ?? {};
}

/** DuckDB settings every case sets (CASE_SETTINGS in src/engine/store/case-store.ts). */
const CASE_SETTINGS = "disabled_compression_methods = 'fsst';block_allocator_memory = '512MiB'";
/** read_csv options netsift adds for a file this big (csvBufferOption in src/engine/import/types.ts). */
const readOptions = (file) =>
  fs.statSync(file).size >= 64 * 2 ** 20 ? 'buffer_size = 16777216' : '';

/** One round on the same file: bare, bare with netsift's settings, netsift (own processes). */
async function round(ctx, file, work, i) {
  const bare = await run(
    ['bench/bare-load.mjs', file, path.join(work, `bare-${i}.duckdb`)],
    ctx.root,
  );
  if (bare.code !== 0) throw new Error(`bare load failed: ${bare.err}`);
  // the same load with the storage settings and read options netsift uses, so the figures show
  // how much of the gap those close and how much netsift's own work costs
  const tuned = await run(
    [
      'bench/bare-load.mjs',
      file,
      path.join(work, `bare-tuned-${i}.duckdb`),
      CASE_SETTINGS,
      readOptions(file),
    ],
    ctx.root,
  );
  if (tuned.code !== 0) throw new Error(`bare load failed: ${tuned.err}`);
  const db = path.join(work, `case-${i}.duckdb`);
  const ns = await run(['bench/child-import.mjs', file, '--case', db, '--json'], ctx.root);
  if (ns.code !== 0) throw new Error(`netsift import failed (exit ${ns.code}): ${ns.err}`);
  const timings = await importTimings(db);
  for (const f of fs.readdirSync(work)) fs.rmSync(path.join(work, f), { force: true });
  return {
    // both sides timed from outside their process (start, load, close), the same way
    bare: bare.seconds,
    tuned: tuned.seconds,
    netsift: ns.seconds,
    bareRows: JSON.parse(bare.out.trim().split('\n').pop()).rows,
    bareRss: JSON.parse(bare.out.trim().split('\n').pop()).maxRssMB,
    rss: Number(/maxRssMB=([\d.]+)/.exec(ns.err)?.[1] ?? NaN),
    sum: JSON.parse(ns.out),
    timings,
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const list = (xs) => xs.map((x) => x.toFixed(1)).join(', ');

export default {
  name: 'import',
  async run(ctx) {
    // this machine's speed drifts by 20-40% between minutes: rounds interleave the three loads and
    // the ratio is taken per round, its median reported with every round's figures
    const rounds = Number(process.env.BENCH_IMPORT_ROUNDS ?? 3);
    for (const size of ctx.sizes) {
      const file = await ctx.seedFile(size);
      const mb = fs.statSync(file).size / 1e6;
      const work = fs.mkdtempSync(path.join(ctx.cacheDir, 'run-'));
      try {
        const rs = [];
        for (let i = 0; i < rounds; i++) rs.push(await round(ctx, file, work, i));
        const ratios = rs.map((r) => r.netsift / r.bare);
        const rss = Math.max(...rs.map((r) => r.rss));
        const last = rs[rs.length - 1];
        ctx.record(`import ${size}`, {
          file: `${path.basename(file)} (${mb.toFixed(0)} MB), ${rounds} rounds`,
          flows: last.sum.flows,
          rejects: last.sum.rejects,
          'bare read_csv s': `${median(rs.map((r) => r.bare)).toFixed(1)}  [${list(rs.map((r) => r.bare))}]`,
          'bare rows/s': Math.round(last.bareRows / median(rs.map((r) => r.bare))),
          "bare, netsift's settings s": `${median(rs.map((r) => r.tuned)).toFixed(1)}  [${list(rs.map((r) => r.tuned))}]`,
          'bare peak RSS MB': Math.round(Math.max(...rs.map((r) => r.bareRss))),
          'netsift import s': `${median(rs.map((r) => r.netsift)).toFixed(1)}  [${list(rs.map((r) => r.netsift))}]`,
          'netsift rows/s': Math.round(last.sum.dataLines / median(rs.map((r) => r.netsift))),
          'netsift peak RSS MB': Math.round(rss),
          'ratio (target <= 1.25)': `${median(ratios).toFixed(2)}  [${ratios.map((x) => x.toFixed(2)).join(', ')}]`,
          "ratio to bare with netsift's settings": median(
            rs.map((r) => r.netsift / r.tuned),
          ).toFixed(2),
          'RSS target < 2048 MB': rss < 2048 ? 'met' : 'MISSED',
          'netsift phases s (last)': Object.entries(last.timings)
            .map(([k, v]) => `${k} ${Number(v).toFixed(1)}`)
            .join(', '),
        });
      } finally {
        fs.rmSync(work, { recursive: true, force: true });
      }
    }
  },
};
