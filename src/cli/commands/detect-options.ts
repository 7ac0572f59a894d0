// Options shared by `netsift analyze` and `netsift detect`: --window, --only, --param, --profile,
// and the short summary both print.
import type { FlagSpec, ParsedArgs } from '../args';
import type { CliIO } from '../command';
import {
  type DetectionOptions,
  type IncidentsSoFar,
  NetsiftError,
  parseNetworkList,
} from '../../engine/index';
import type { AnalysisReport } from '../../shared/report';

export const DETECT_FLAGS: Record<string, FlagSpec> = {
  window: { type: 'number', description: 'tumbling window in seconds', default: 10 },
  only: { type: 'string', description: 'comma-separated detector ids to run (default all)' },
  param: {
    type: 'string[]',
    description: 'detector parameter, e.g. --param scan.minTargets=30 (JSON or a,b,c lists)',
  },
  profile: {
    type: 'string',
    description: "'seed' runs iqr as the seed did (one alert per flow)",
    default: 'default',
  },
  internal: {
    type: 'string',
    description:
      "the site's internal networks, e.g. 147.32.0.0/16,10.0.0.0/8 (kept in the case; see netsift site)",
  },
  'memory-limit': {
    type: 'string',
    description:
      'DuckDB memory while detectors run (default 512MB); beyond it they spill to CASE.duckdb.tmp',
  },
};

/** --internal as canonical networks, or undefined when not given. */
export function internalFlag(flags: ParsedArgs['flags']): string[] | undefined {
  return flags.internal === undefined ? undefined : parseNetworkList(String(flags.internal));
}

function parseValue(v: string): unknown {
  try {
    return JSON.parse(v);
  } catch {
    if (v.includes(',')) {
      const parts = v.split(',').map((s) => s.trim());
      return parts.every((p) => p !== '' && Number.isFinite(Number(p))) ? parts.map(Number) : parts;
    }
    return v;
  }
}

export function detectionOptions(flags: ParsedArgs['flags']): DetectionOptions {
  const params: Record<string, Record<string, unknown>> = {};
  const profile = flags.profile as string;
  if (profile !== 'default' && profile !== 'seed')
    throw new NetsiftError(`--profile must be default or seed, got "${profile}"`, 'usage');
  if (profile === 'seed') params.iqr = { profile: 'seed' };
  for (const item of (flags.param as string[] | undefined) ?? []) {
    const m = /^([a-z0-9-]+)\.([A-Za-z0-9_]+)=(.*)$/s.exec(item);
    if (!m) throw new NetsiftError(`--param ${item}: expected detector.name=value`, 'usage');
    (params[m[1]] ??= {})[m[2]] = parseValue(m[3]);
  }
  const only =
    typeof flags.only === 'string'
      ? flags.only
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : undefined;
  const memoryLimit = typeof flags['memory-limit'] === 'string' ? flags['memory-limit'] : undefined;
  return {
    windowSeconds: flags.window as number,
    only,
    params,
    ...(memoryLimit ? { memoryLimit } : {}),
  };
}

const n = (x: number) => x.toLocaleString('en-US');

export function printDetectionSummary(report: AnalysisReport, io: CliIO, top = 10): void {
  const s = report.summary;
  io.out(
    `${n(s.flows)} flows (${n(s.rejects)} rejected), ${n(s.windows)} windows of ${s.window_seconds} s, ` +
      `${n(s.alerts)} alerts, ${n(s.incidents)} incidents` +
      (s.suppressed_alerts ? `, ${n(s.suppressed_alerts)} alerts suppressed` : ''),
  );
  io.out(`stages: ${s.timings.map((t) => `${t.stage} ${t.seconds.toFixed(2)} s`).join(', ')}`);
  io.out(
    `detectors: ${s.detectors.map((d) => `${d.id} ${d.seconds.toFixed(2)} s (${n(d.alerts)})`).join(', ')}`,
  );
  const iqr = s.detectors.find((d) => d.id === 'iqr');
  if (iqr?.params.profile === 'seed') {
    // the seed's own figures: one alert per flow of a flagged (src, dst) pair-window
    const seedAlerts = report.alerts.filter((a) => a.detector === 'iqr');
    const pairs = new Set(seedAlerts.map((a) => `${a.src_ip}>${a.dst_ip}@${a.window_start}`));
    const sources = new Set(seedAlerts.map((a) => a.src_ip));
    io.out(
      `iqr seed profile: ${n(pairs.size)} flagged pair-windows, ${n(seedAlerts.length)} flows in them (= the seed's alerts), ${n(sources.size)} sources`,
    );
  }
  if (s.site) {
    const src =
      s.site.source === 'analyst'
        ? 'set by the analyst'
        : s.site.source === 'suggested'
          ? 'suggested from the data'
          : 'default';
    io.out(`internal networks: ${s.site.internal.join(', ')} (${src})`);
    if (s.site.note) io.out(`  note: ${s.site.note}`);
    if (s.site.suggestion && s.site.suggestion.join(',') !== s.site.internal.join(','))
      io.out(
        `  suggested from the data: ${s.site.suggestion.join(', ')} (netsift site --case CASE --suggest shows why)`,
      );
  }
  if (s.feed_versions.length)
    io.out(`feeds: ${s.feed_versions.map((f) => `${f.feed_id} ${f.version}`).join(', ')}`);
  if (report.incidents.length === 0) {
    io.out('no incidents');
    return;
  }
  io.out(`top incidents:`);
  for (const x of report.incidents.slice(0, top))
    io.out(
      `  #${x.id} ${x.severity.padEnd(8)} ${x.score.toFixed(2)} ${x.type.padEnd(15)} ${x.summary}`,
    );
  if (report.incidents.length > top) io.out(`  ... ${report.incidents.length - top} more`);
}

/** Cancels the job on Ctrl-C while it runs. */
export async function withSigint<T>(job: { cancel(): void; result: Promise<T> }): Promise<T> {
  const onSigint = () => job.cancel();
  process.once('SIGINT', onSigint);
  try {
    return await job.result;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/**
 * The incidents found so far as detection goes (issue 16): on a terminal, one stderr line whenever
 * the list changes, so the first incidents are in view long before the last detector ends; in
 * any case, when the first came, for the summary (firstLine). `t0` (performance.now()) is when
 * the command started: the figures say how long the analyst waited.
 */
export function incidentsSoFar(
  io: CliIO,
  t0: number,
  live: boolean,
): { onIncidents: (so: IncidentsSoFar) => void; firstLine(): string | null } {
  let last = '';
  let first: { seconds: number; count: number; after: string; left: number } | null = null;
  return {
    onIncidents: (so) => {
      const keys = so.incidents.map((x) => x.key).join(',');
      if (!so.incidents.length || keys === last) return;
      last = keys;
      const seconds = (performance.now() - t0) / 1000;
      first ??= {
        seconds,
        count: so.incidents.length,
        after: so.done.at(-1) ?? '',
        left: so.left.length,
      };
      if (!live) return;
      const top = [...so.incidents]
        .sort((a, b) => b.score - a.score)
        .slice(0, 3)
        .map((x) => `${x.type} ${x.attacker ?? x.victims[0] ?? ''} ${x.score.toFixed(2)}`);
      const more = so.left.length
        ? `${so.left.length} detectors still running`
        : 'all detectors done';
      io.progress('');
      io.err(
        `[${seconds.toFixed(1)} s] ${n(so.incidents.length)} incidents so far (${more}): ${top.join('; ')}`,
      );
    },
    firstLine: () =>
      first &&
      `first incidents after ${first.seconds.toFixed(1)} s: ${n(first.count)} once ${first.after} had run` +
        (first.left ? `, ${first.left} detectors still to run` : ''),
  };
}
