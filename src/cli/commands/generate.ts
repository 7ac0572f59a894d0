// netsift generate: a deterministic labelled office capture (see src/engine/generate).
import { GENERATE_DEFAULTS as DEFAULTS, generateCapture, NetsiftError } from '../../engine/index';
import type { Command } from '../command';

export const generateCommand: Command = {
  name: 'generate',
  synopsis: '--out FILE.csv [--minutes M] [--hosts N] [--seed S] [--rate R | --flows F] [--start ISO]',
  summary: 'write a labelled synthetic capture (seed format) with injected attacks',
  flags: {
    out: { type: 'string', description: 'flow file to write (.csv or .csv.gz); labels go next to it' },
    minutes: { type: 'number', description: 'capture length', default: DEFAULTS.minutes },
    hosts: { type: 'number', description: 'workstations', default: DEFAULTS.hosts },
    seed: { type: 'number', description: 'random seed (same seed, same bytes)', default: DEFAULTS.seed },
    rate: { type: 'number', description: 'benign volume factor', default: DEFAULTS.rate },
    flows: { type: 'number', description: 'approximate total flows (sets --rate)' },
    start: { type: 'string', description: 'capture start, ISO 8601 UTC', default: DEFAULTS.start },
    json: { type: 'boolean', description: 'print the result as JSON' },
  },
  async run(args, io) {
    const f = args.flags;
    if (args.positional.length > 0) throw new NetsiftError(`unexpected argument "${args.positional[0]}"`, 'usage');
    if (typeof f.out !== 'string' || f.out === '') throw new NetsiftError('--out FILE.csv is required', 'usage');
    const started = Date.now();
    const r = await generateCapture({
      out: f.out,
      minutes: f.minutes as number,
      hosts: f.hosts as number,
      seed: f.seed as number,
      rate: f.rate as number,
      flows: f.flows as number | undefined,
      start: f.start as string,
      onProgress: (p) => io.progress(`generate: ${p.flows.toLocaleString('en-US')} flows, ${Math.round((100 * p.seconds) / p.totalSeconds)}%`),
    });
    const secs = (Date.now() - started) / 1000;
    if (f.json) {
      io.out(JSON.stringify({ ...r, elapsed_seconds: secs }, null, 2));
      return 0;
    }
    io.err('');
    io.out(`${r.files.flows}: ${r.flows.toLocaleString('en-US')} flows over ${r.seconds / 60} min in ${secs.toFixed(1)} s (${Math.round(r.flows / secs).toLocaleString('en-US')} flows/s)`);
    io.out(`labels: ${r.files.labels}; incidents: ${r.files.incidents}; benign look-alikes: ${r.files.benign}`);
    for (const i of r.incidents)
      io.out(`  ${i.id.padEnd(18)} ${(i.attacker || '(spoofed)').padEnd(16)} ${String(i.victims.length).padStart(4)} victims  ${i.start} .. ${i.end}  ${i.flows} flows`);
    return 0;
  },
};
