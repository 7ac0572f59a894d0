// Following live captures (issue 20): the sustained follow rate of appended Zeek lines and of
// nfcapd files dropped into a folder, and the lag at 2x that rate; then the same with incremental
// detection after every batch: flows/s imported and detected, and both lags at 2x that rate
// (bench/follow-rate.mjs, run from source through tsx in a child process). Figures only; the machine's load average is printed
// with them because the figures move with it.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const num = (lines, prefix, re) =>
  Number(re.exec(lines.find((l) => l.startsWith(prefix)) ?? '')?.[1]?.replace(/,/g, ''));

export default {
  name: 'follow',
  async run(ctx) {
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join(ctx.root, 'bench/follow-rate.mjs')],
      { cwd: ctx.root, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
    );
    if (r.status !== 0) throw new Error(`follow-rate.mjs exited ${r.status}: ${r.stderr}`);
    const lines = r.stdout.trim().split('\n');
    for (const l of lines) ctx.log(`  ${l}`);
    ctx.record('follow', {
      'zeek lines flows/s': num(lines, 'zeek follow rate', /: ([\d,]+) flows\/s/),
      'zeek import at once flows/s': num(lines, 'zeek import at once', /: ([\d,]+) flows\/s/),
      'zeek 2x: behind s': num(lines, 'zeek lag at 2x', /: ([\d.]+) s behind/),
      'zeek 2x: catch-up s': num(lines, 'zeek lag at 2x', /caught up ([\d.]+) s later/),
      'nfcapd files flows/s': num(lines, 'nfcapd follow rate', /: ([\d,]+) flows\/s/),
      'nfcapd import at once flows/s': num(lines, 'nfcapd import at once', /: ([\d,]+) flows\/s/),
      'nfcapd 2x: behind s': num(lines, 'nfcapd lag at 2x', /: ([\d.]+) s behind/),
      'nfcapd 2x: catch-up s': num(lines, 'nfcapd lag at 2x', /caught up ([\d.]+) s later/),
      'zeek+detect flows/s': num(lines, 'zeek follow rate with detection', /: ([\d,]+) flows\/s/),
      'zeek+detect 2x: import behind s': num(
        lines,
        'zeek lag at 2x with detection',
        /import was ([\d.]+) s behind/,
      ),
      'zeek+detect 2x: detection behind s': num(
        lines,
        'zeek lag at 2x with detection',
        /and detection ([\d.]+) s behind/,
      ),
      'zeek+detect 2x: detected after s': num(
        lines,
        'zeek lag at 2x with detection',
        /detected ([\d.]+) s later/,
      ),
      'load average': /load ([\d. ]+)\)?$/.exec(lines.at(-1) ?? '')?.[1] ?? '',
    });
  },
};
