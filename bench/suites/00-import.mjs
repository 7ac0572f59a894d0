// Import: DuckDB's bare read_csv into a table vs `netsift import`, on the same file, in child
// processes (peak RSS per process). Targets: netsift within 1.25x of bare; peak RSS < 2 GB at 10M.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

function run(args, cwd) {
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

export default {
  name: 'import',
  async run(ctx) {
    for (const size of ctx.sizes) {
      const file = await ctx.seedFile(size);
      const mb = fs.statSync(file).size / 1e6;
      const work = fs.mkdtempSync(path.join(ctx.cacheDir, 'run-'));
      try {
        const bare = await run(
          ['bench/bare-load.mjs', file, path.join(work, 'bare.duckdb')],
          ctx.root,
        );
        if (bare.code !== 0) throw new Error(`bare load failed: ${bare.err}`);
        const b = JSON.parse(bare.out.trim().split('\n').pop());
        // the same load with the one storage setting netsift changes (FSST off, see case-store.ts),
        // so the ratio shows how much of the gap that setting closes and how much the work does
        const bareNoFsst = await run(
          ['bench/bare-load.mjs', file, path.join(work, 'bare-nofsst.duckdb'), 'fsst'],
          ctx.root,
        );
        if (bareNoFsst.code !== 0) throw new Error(`bare load failed: ${bareNoFsst.err}`);
        const db = path.join(work, 'case.duckdb');
        const ns = await run(['bench/child-import.mjs', file, '--case', db, '--json'], ctx.root);
        if (ns.code !== 0) throw new Error(`netsift import failed (exit ${ns.code}): ${ns.err}`);
        const sum = JSON.parse(ns.out);
        const rss = Number(/maxRssMB=([\d.]+)/.exec(ns.err)?.[1] ?? NaN);
        const timings = await importTimings(db);
        // both sides timed from outside their process (start, load, close), the same way
        const ratio = ns.seconds / bare.seconds;
        ctx.record(`import ${size}`, {
          file: `${path.basename(file)} (${mb.toFixed(0)} MB)`,
          flows: sum.flows,
          rejects: sum.rejects,
          'bare read_csv s': bare.seconds.toFixed(1),
          'bare rows/s': Math.round(b.rows / bare.seconds),
          'bare, FSST off s': bareNoFsst.seconds.toFixed(1),
          'bare peak RSS MB': Math.round(b.maxRssMB),
          'netsift import s': ns.seconds.toFixed(1),
          'netsift rows/s': Math.round(sum.dataLines / ns.seconds),
          'netsift peak RSS MB': Math.round(rss),
          'ratio (target <= 1.25)': ratio.toFixed(2),
          'ratio to bare with FSST off': (ns.seconds / bareNoFsst.seconds).toFixed(2),
          'RSS target < 2048 MB': rss < 2048 ? 'met' : 'MISSED',
          'netsift phases s': Object.entries(timings)
            .map(([k, v]) => `${k} ${Number(v).toFixed(1)}`)
            .join(', '),
        });
      } finally {
        fs.rmSync(work, { recursive: true, force: true });
      }
    }
  },
};
