// Issue 5 formats: pcap -> flows packets/s next to Argus on the same capture (bench/pcap-rate.mjs),
// and Zeek TSV and Argus imports against the seed-CSV import of the same flows, in interleaved
// rounds (bench/zeek-vs-seed.mjs). Both run from source (tsx) in child processes; targets:
// >= 300k packets/s and <= 2x Argus; Zeek and Argus <= 2x seed.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const PACKETS = { '1M': 1_000_000, '10M': 5_000_000 };
const FLOWS = { '1M': 1_000_000, '10M': 10_000_000 };
// interleaved rounds of the three imports (seed, Zeek, Argus), the ratio per round and its median:
// this shared machine's speed drifts between minutes (BENCH_FORMATS_ROUNDS overrides)
const ROUNDS = { '1M': 3, '10M': 1 };

function runScript(ctx, script, args) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ctx.root, script), ...args], {
    cwd: ctx.root,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`${script} exited ${r.status}: ${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  for (const l of lines) ctx.log(`  ${l}`);
  return lines;
}

const num = (lines, prefix, re) =>
  Number(re.exec(lines.find((l) => l.startsWith(prefix)) ?? '')?.[1]?.replace(/,/g, ''));

export default {
  name: 'formats',
  async run(ctx) {
    for (const size of ctx.sizes) {
      if (PACKETS[size]) {
        const lines = runScript(ctx, 'bench/pcap-rate.mjs', ['--packets', String(PACKETS[size])]);
        ctx.record(`pcap ${size} packets`, {
          'parse packets/s': num(lines, 'netsift parse', /([\d,]+) packets\/s/),
          'import packets/s': num(lines, 'netsift import', /([\d,]+) packets\/s/),
          'argus packets/s': num(lines, 'argus -r', /([\d,]+) packets\/s/),
          'parse / argus time': num(lines, 'netsift parse / argus', /time: ([\d.]+)x/),
          target: '>= 300k packets/s, <= 2x Argus',
        });
      }
      if (FLOWS[size]) {
        const rounds = Number(process.env.BENCH_FORMATS_ROUNDS ?? ROUNDS[size]);
        const lines = runScript(ctx, 'bench/zeek-vs-seed.mjs', [
          '--flows',
          String(FLOWS[size]),
          '--rounds',
          String(rounds),
        ]);
        ctx.record(`zeek and argus vs seed ${size}`, {
          'seed seconds': num(lines, 'seed CSV', /in ([\d.]+) s/),
          'zeek seconds': num(lines, 'Zeek TSV', /in ([\d.]+) s/),
          'argus seconds': num(lines, 'Argus binetflow', /in ([\d.]+) s/),
          'zeek / seed': (lines.find((l) => l.startsWith('Zeek / seed')) ?? '').slice(13),
          'argus / seed': (lines.find((l) => l.startsWith('Argus / seed')) ?? '').slice(14),
          rounds,
          target: '<= 2x each',
        });
      }
    }
  },
};
