// Address context (issue 17): GeoIP/ASN enrichment of a generated 10M-flow case (and 1M), and the
// one-off build of the Parquet cache from the packaged CSVs. Runs bench/geo-enrich.mjs from
// source (tsx) in a child process. Target: enrichment of 10M flows in a few seconds. Then the
// flows grid's pages with and without their context (bench/flows-page-context.mjs, 1M flows).
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
    // the flows grid's pages with and without their addresses' context (1M synthetic flows)
    const p = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join(ctx.root, 'bench/flows-page-context.mjs'), '--runs', '7'],
      { cwd: ctx.root, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
    );
    if (p.status !== 0) throw new Error(`flows-page-context.mjs exited ${p.status}: ${p.stderr}`);
    for (const l of p.stdout.trim().split('\n')) ctx.log(`  ${l}`);
    const row = (label) => {
      const m = new RegExp(`${label}.*?cpu +(\\d+) ms \\| \\+ context .*?cpu +(\\d+) ms`).exec(
        p.stdout,
      );
      return m ? `${m[1]} -> ${m[2]} ms CPU` : 'n/a';
    };
    ctx.record('flows page context 1M', {
      'page at 40%, id order': row('page at 40%'),
      'page 3 of dst port 22': row('page 3 of dst port 22'),
      target: 'context costs a small part of a page',
    });
  },
};
