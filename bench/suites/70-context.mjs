// Address context (issue 17): GeoIP/ASN enrichment of a generated 10M-flow case (and 1M), and the
// one-off build of the Parquet cache from the packaged CSVs. Runs bench/geo-enrich.mjs from
// source (tsx) in a child process. Target: enrichment of 10M flows in a few seconds.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

export default {
  name: 'context',
  async run(ctx) {
    for (const size of ctx.sizes) {
      const r = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          path.join(ctx.root, 'bench/geo-enrich.mjs'),
          '--size',
          size,
          '--runs',
          '3',
        ],
        { cwd: ctx.root, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
      );
      if (r.status !== 0) throw new Error(`geo-enrich.mjs exited ${r.status}: ${r.stderr}`);
      const lines = r.stdout.trim().split('\n');
      for (const l of lines) ctx.log(`  ${l}`);
      const runs = lines
        .filter((l) => l.startsWith('enrich run'))
        .map((l) => Number(/: ([\d.]+) s for/.exec(l)?.[1]));
      const last = lines.filter((l) => l.startsWith('enrich run')).pop() ?? '';
      ctx.record(`context ${size}`, {
        'geo cache build s (once)': Number(/\(cold\): ([\d.]+) s/.exec(r.stdout)?.[1]),
        'enrich s (first)': runs[0],
        'enrich s (best)': Math.min(...runs),
        'distinct addresses': Number(/flows, (\d+) distinct/.exec(last)?.[1]),
        target: 'a few seconds at 10M flows',
      });
    }
  },
};
