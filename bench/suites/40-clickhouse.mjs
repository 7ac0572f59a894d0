// Flow stores (issue 19): the seed file imported into a DuckDB case, a local clickhouse-server
// (Debian's 18.16, started on loopback for the run) and chdb (the current engine in process, when
// tests/chdb is installed), then the workspace's questions asked of each (bench/clickhouse.mjs,
// from source through tsx, one child process per size), and detection on each beside DuckDB's;
// at the end how detection time grows from the smallest size to the largest, per engine.
// Figures only.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

export default {
  name: 'clickhouse',
  async run(ctx) {
    const detectSeconds = {}; // engine -> size -> seconds
    for (const size of ctx.sizes) {
      const file = await ctx.seedFile(size);
      const r = spawnSync(
        process.execPath,
        ['--import', 'tsx', path.join(ctx.root, 'bench/clickhouse.mjs'), file, '--label', size],
        { cwd: ctx.root, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
      );
      if (r.status !== 0) throw new Error(`clickhouse.mjs exited ${r.status}: ${r.stderr}`);
      const lines = r.stdout.trim().split('\n');
      for (const l of lines.filter((l) => !l.startsWith('JSON '))) ctx.log(`  ${l}`);
      const json = lines.find((l) => l.startsWith('JSON '));
      if (!json) continue;
      for (const [engine, figures] of Object.entries(JSON.parse(json.slice(5)))) {
        if (typeof figures.detect === 'number')
          (detectSeconds[engine] ??= {})[size] = figures.detect;
        ctx.record(
          `flow store ${size} ${engine}`,
          Object.fromEntries(
            Object.entries(figures).map(([k, v]) => [
              `${k}${k === 'flows' || k.endsWith('MB') ? '' : ' s'}`,
              typeof v === 'number' ? Number(v.toFixed(3)) : v,
            ]),
          ),
        );
      }
    }
    // growth from the first size to the last (1M -> 10M by default)
    const [lo, hi] = [ctx.sizes[0], ctx.sizes[ctx.sizes.length - 1]];
    if (lo !== hi)
      for (const [engine, by] of Object.entries(detectSeconds))
        if (by[lo] && by[hi]) {
          const growth = by[hi] / by[lo];
          ctx.log(
            `  detection ${engine}: ${by[lo].toFixed(1)} s at ${lo}, ${by[hi].toFixed(1)} s at ${hi} (x${growth.toFixed(1)})`,
          );
          ctx.record(`detection growth ${lo} -> ${hi} ${engine}`, {
            [`${lo} s`]: Number(by[lo].toFixed(2)),
            [`${hi} s`]: Number(by[hi].toFixed(2)),
            growth: Number(growth.toFixed(2)),
          });
        }
  },
};
