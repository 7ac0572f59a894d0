// Detection (issue 7): all registered detectors and the incident ensemble on the ~150k-flow sample
// size, 1M and 10M flows, with per-detector seconds. Runs bench/detect.mjs from source (tsx) in a
// child process so each size gets its own peak RSS; targets: ~150k under 2 s, 10M under 15 s,
// peak RSS under 2.5 GB on 2 cores.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const FLOWS = { '1M': 1_000_000, '10M': 10_000_000 };

export default {
  name: 'detect',
  async run(ctx) {
    for (const [size, flows] of [['150k', 150_000], ...ctx.sizes.map((s) => [s, FLOWS[s]])]) {
      if (!flows) continue;
      const r = spawnSync(
        process.execPath,
        ['--import', 'tsx', path.join(ctx.root, 'bench/detect.mjs'), '--flows', String(flows), '--runs', '1'],
        { cwd: ctx.root, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
      );
      if (r.status !== 0) throw new Error(`detect.mjs exited ${r.status}: ${r.stderr}`);
      const lines = r.stdout.trim().split('\n');
      for (const l of lines) ctx.log(`  ${l}`);
      const perDetector = Object.fromEntries(
        lines
          .map((l) => /^\s+([a-z-]+)\s+([\d.]+) s\s+(\d+) alerts/.exec(l))
          .filter(Boolean)
          .map((m) => [`${m[1]} s`, Number(m[2])]),
      );
      const rss = Number(/peak RSS (\d+) MB/.exec(r.stdout)?.[1]);
      const wall = Number(/detect run 1: ([\d.]+) s wall/.exec(r.stdout)?.[1]);
      ctx.record(`detect ${size}`, { 'total s': wall, ...perDetector, 'peak RSS MB': rss, target: size === '10M' ? '< 15 s, < 2.5 GB' : '' });
    }
  },
};
