// `netsift generate`: a deterministic, labelled office capture in the seed's CSV format, streamed
// to disk second by second (bounded memory at any size), with per-flow labels, the list of
// injected incidents and the benign look-alikes.
import fs from 'node:fs';
import type { IncidentType } from '../../shared/incident-types';
import { NetsiftError } from '../core/errors';
import { benignSources } from './benign';
import { ConnTable } from './conn-table';
import type { GenContext, Source } from './context';
import { FlowSink } from './flow-sink';
import { planIncidents } from './incidents';
import { BENIGN_ROLES, lookalikeSources } from './lookalikes';
import { Rng } from './prng';
import { TextOut } from './text-out';
import { makeWorkstations } from './topology';

export interface GenerateOptions {
  /** Flow file; `.csv` or `.csv.gz`. Labels go next to it. */
  out: string;
  minutes?: number;
  /** Workstations (245 per /24, from 192.168.100.10). */
  hosts?: number;
  seed?: number;
  /** Benign volume factor; 1 is the default office. */
  rate?: number;
  /** Approximate total flows wanted; sets `rate` (overrides it). */
  flows?: number;
  /** Capture start, ISO 8601 (UTC when no zone). */
  start?: string;
  onProgress?: (p: { seconds: number; totalSeconds: number; flows: number }) => void;
}

export interface GeneratedIncident {
  id: string;
  type: IncidentType;
  attacker: string;
  victims: string[];
  start: string;
  end: string;
  flows: number;
}

export interface GenerateResult {
  flows: number;
  benignFlows: number;
  seconds: number;
  rate: number;
  incidents: GeneratedIncident[];
  benign: { role: string; ip: string }[];
  files: { flows: string; labels: string; incidents: string; benign: string };
}

export const DEFAULTS = { minutes: 70, hosts: 200, seed: 1, rate: 1, start: '2017-01-27T16:24:42Z' } as const;
// Benign flows per second = PER_RATE * hostScale * rate + PER_HOST * hostScale + FIXED, with
// hostScale = hosts / 200 (fitted on the default capture and a 9M-flow one); incidents add ~14k.
const PER_RATE = 29;
const PER_HOST = 1.45;
const FIXED = 1.7;
const INCIDENT_FLOWS = 14000;

export function companionFiles(out: string): GenerateResult['files'] {
  const gz = out.endsWith('.gz');
  const base = out.replace(/\.gz$/, '').replace(/\.csv$/, '');
  return {
    flows: out,
    labels: `${base}.labels.csv${gz ? '.gz' : ''}`,
    incidents: `${base}.incidents.csv`,
    benign: `${base}.benign.csv`,
  };
}

function parseStart(s: string): number {
  const iso = /[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s : `${s.replace(' ', 'T')}Z`;
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) throw new NetsiftError(`--start: not an ISO 8601 time: "${s}"`, 'usage');
  return Math.floor(ms / 1000) * 1000;
}

function check(name: string, v: number, min: number, max: number, integer: boolean): void {
  if (!Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v)))
    throw new NetsiftError(`--${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got ${v}`, 'usage');
}

const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export async function generateCapture(options: GenerateOptions): Promise<GenerateResult> {
  const minutes = options.minutes ?? DEFAULTS.minutes;
  const hosts = options.hosts ?? DEFAULTS.hosts;
  const seed = options.seed ?? DEFAULTS.seed;
  check('minutes', minutes, 1, 60 * 24 * 30, false);
  check('hosts', hosts, 1, 245 * 150, true);
  check('seed', seed, 0, 2 ** 32 - 1, true);
  const seconds = Math.max(60, Math.round(minutes * 60));
  let rate = options.rate ?? DEFAULTS.rate;
  if (options.flows !== undefined) {
    check('flows', options.flows, 1000, 1e10, false);
    const hostScale = hosts / 200;
    rate = Math.max(0.05, (options.flows - INCIDENT_FLOWS - seconds * (PER_HOST * hostScale + FIXED)) / (PER_RATE * hostScale * seconds));
  }
  check('rate', rate, 0.001, 100000, false);
  const startMs = parseStart(options.start ?? DEFAULTS.start);
  const files = companionFiles(options.out);

  const rng = new Rng(seed, 'topology');
  const workstations = makeWorkstations(hosts, rng);
  const weighted: number[] = [];
  workstations.forEach((w, i) => {
    for (let k = 0; k < w.weight; k++) weighted.push(i);
  });
  const labelNames = ['benign'];
  const ctx: GenContext = {
    sink: null as unknown as FlowSink, // set below, once the incident ids (label names) are known
    conns: new ConnTable(new Rng(seed, 'conns')),
    seed,
    seconds,
    rate,
    workstations,
    weighted: Uint32Array.from(weighted),
  };
  const incidents = planIncidents(ctx);
  for (const inc of incidents) labelNames.push(inc.id);
  ctx.sink = new FlowSink(labelNames);
  const sources: Source[] = [...benignSources(ctx), ...lookalikeSources(ctx), ...incidents.map((i) => i.source)];

  const flowsOut = new TextOut(files.flows);
  const labelsOut = new TextOut(files.labels);
  const sink = ctx.sink;
  try {
    for (let sec = 0; sec < seconds; sec++) {
      const ts = new Date(startMs + sec * 1000).toISOString();
      sink.setSecond(sec, ts.slice(0, 10) + ' ' + ts.slice(11, 19));
      ctx.conns.tick(sink, sec);
      for (const s of sources) s.tick(sec);
      if (sink.buffered > 1 << 22) {
        const chunk = sink.take();
        await Promise.all([flowsOut.write(chunk.flows), labelsOut.write(chunk.labels)]);
        options.onProgress?.({ seconds: sec + 1, totalSeconds: seconds, flows: sink.lines });
      }
    }
    const chunk = sink.take();
    await Promise.all([flowsOut.write(chunk.flows), labelsOut.write(chunk.labels)]);
  } finally {
    // close both even when one failed, then report the first failure with its file name
    const closed = await Promise.allSettled([flowsOut.close(), labelsOut.close()]);
    closed.forEach((c, i) => {
      if (c.status === 'rejected') {
        const file = i === 0 ? files.flows : files.labels;
        throw new NetsiftError(`${file}: cannot write: ${(c.reason as Error).message}`, 'input');
      }
    });
  }

  const result: GeneratedIncident[] = [];
  incidents.forEach((inc, i) => {
    const label = i + 1;
    if (sink.counts[label] === 0) return; // too short a capture for this one
    result.push({
      id: inc.id,
      type: inc.type,
      attacker: inc.attacker,
      victims: inc.victims,
      start: isoSeconds(startMs + sink.first[label] * 1000),
      end: isoSeconds(startMs + sink.last[label] * 1000),
      flows: sink.counts[label],
    });
  });
  fs.writeFileSync(
    files.incidents,
    ['id,type,attacker,victims,start,end', ...result.map((r) => [r.id, r.type, r.attacker, r.victims.join(';'), r.start, r.end].join(','))].join('\n') + '\n',
  );
  fs.writeFileSync(files.benign, ['role,ip', ...BENIGN_ROLES.map((b) => `${b.role},${b.ip}`)].join('\n') + '\n');
  options.onProgress?.({ seconds, totalSeconds: seconds, flows: sink.lines });
  return { flows: sink.lines, benignFlows: sink.counts[0], seconds, rate, incidents: result, benign: BENIGN_ROLES, files };
}
