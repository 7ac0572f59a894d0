// Flow stores (issue 19): the seed file imported into a DuckDB case, a local clickhouse-server
// (Debian's 18.16, started on loopback for the run) and chdb (the current engine in process, when
// tests/chdb is installed), then the workspace's questions asked of each (bench/clickhouse.mjs,
// from source through tsx, one child process per size). Figures only; detection on ClickHouse is
// phase 2.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

export default {
  name: 'clickhouse',
  async run(ctx) {
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
      for (const [engine, figures] of Object.entries(JSON.parse(json.slice(5))))
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
  },
};
