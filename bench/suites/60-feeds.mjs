// Threat-intel feeds (issue 4): blacklist matching of 1M / 10M flows against 100k ranges, and a
// refresh of all six default feeds from a local HTTP server. Runs bench/feeds-match.mjs from
// source (tsx) in a child process; targets: matching < 3 s at 10M flows, refresh < 5 s.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const FLOWS = { '1M': 1_000_000, '10M': 10_000_000 };

export default {
  name: 'feeds',
  async run(ctx) {
    for (const size of ctx.sizes) {
      const flows = FLOWS[size];
      if (!flows) continue;
      const r = spawnSync(
        process.execPath,
        ['--import', 'tsx', path.join(ctx.root, 'bench/feeds-match.mjs'), '--flows', String(flows)],
        {
          cwd: ctx.root,
          encoding: 'utf8',
          maxBuffer: 16 * 1024 * 1024,
        },
      );
      if (r.status !== 0) throw new Error(`feeds-match.mjs exited ${r.status}: ${r.stderr}`);
      const lines = r.stdout.trim().split('\n');
      for (const l of lines) ctx.log(`  ${l}`);
      const runs = lines
        .filter((l) => l.startsWith('matching run'))
        .map((l) => Number(/in ([\d.]+) s/.exec(l)?.[1]));
      const refresh = lines.find((l) => l.startsWith('refresh of'));
      ctx.record(`feeds ${size}`, {
        // run 1 copies the feed into the case; run 2 finds it there (same versions)
        'match seconds (first run)': runs[0],
        'match seconds (best)': Math.min(...runs),
        'match target': '< 3 s at 10M flows x 100k ranges',
        'refresh all defaults s': Number(/in ([\d.]+) s/.exec(refresh ?? '')?.[1]),
        'refresh target': '< 5 s',
      });
    }
  },
};
