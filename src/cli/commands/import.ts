// `netsift import FILE... --case CASE.duckdb`: imports flow files into a case (created when
// missing), with progress on stderr and a per-file summary that shows where every line went.
import {
  CaseStore,
  importFiles,
  type MappedField,
  NetsiftError,
  parseNetworkList,
  parseTimeWindow,
  readSite,
  refreshSuggestion,
  writeSite,
} from '../../engine/index';
import type { ImportFileSummary, ImportSummary } from '../../shared/model';
import type { CliIO, Command } from '../command';
import { describeContext } from '../context-summary';
import { describeSite } from './site-describe';
import { importIntoStore } from './import-store';

export function parseMap(items: string[]): Partial<Record<MappedField, string>> {
  const out: Partial<Record<MappedField, string>> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0 || eq === item.length - 1)
      throw new NetsiftError(`--map ${item}: expected field=column`, 'usage');
    out[item.slice(0, eq).trim() as MappedField] = item.slice(eq + 1);
  }
  return out;
}

const n = (x: number) => x.toLocaleString('en-US');

function mb(x: number): string {
  return `${(x / 1e6).toFixed(x < 1e7 ? 1 : 0)} MB`;
}

export function describeFile(f: ImportFileSummary): string[] {
  if (!f.record) return [`not imported: ${f.error ?? `${f.path}: unknown error`}`];
  const r = f.record;
  const t = (iso: string) => iso.replace('T', ' ').replace(/(\.000)?Z$/, '');
  const span = r.first_ts ? `${t(r.first_ts)} to ${t(r.last_ts!)} UTC` : 'no flows';
  const lines = [
    `${r.path}: ${r.format}, ${n(r.rows_read)} flows, ${n(r.rows_rejected)} rejected, ${span}, ${f.seconds.toFixed(1)} s` +
      (r.tz !== 'UTC' ? ` (zone-less times read as ${r.tz})` : ''),
    `  rows read + rows rejected = data lines: ${n(r.rows_read)} + ${n(r.rows_rejected)} = ${n(r.data_lines)}` +
      (f.blankLines
        ? ` (${n(f.blankLines)} blank line${f.blankLines === 1 ? '' : 's'} skipped)`
        : ''),
  ];
  for (const s of f.rejectSamples) {
    // a reject's text may hold line breaks (a quoted value over lines) or other control bytes
    const visible = s.raw.replace(
      // eslint-disable-next-line no-control-regex -- control bytes are exactly what is made visible
      /[\x00-\x1f\x7f]/g,
      (c) =>
        ({ '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c] ??
        `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
    );
    const raw = visible.length > 80 ? `${visible.slice(0, 80)}...` : visible;
    lines.push(`  line ${s.line}: ${s.reason}  [${raw}]`);
  }
  if (r.rows_rejected > f.rejectSamples.length)
    lines.push(
      `  ... ${n(r.rows_rejected - f.rejectSamples.length)} more rejected lines in the case (rejects table)`,
    );
  return lines;
}

function printSummary(sum: ImportSummary, io: CliIO): void {
  for (const f of sum.files) {
    for (const l of describeFile(f)) (f.record ? io.out : io.err)(l);
    for (const w of f.warnings ?? []) io.err(`warning: ${f.path}: ${w}`);
  }
  if (sum.context) {
    const c = describeContext(sum.context);
    c.out.forEach((l) => io.out(l));
    c.err.forEach((l) => io.err(l));
  }
  if (sum.files.length > 1)
    io.out(
      `total: ${n(sum.flows)} flows, ${n(sum.rejects)} rejected of ${n(sum.dataLines)} data lines in ` +
        `${sum.files.length - sum.failed} file(s)${sum.failed ? `, ${sum.failed} failed` : ''}, ${sum.seconds.toFixed(1)} s`,
    );
}

export const importCommand: Command = {
  name: 'import',
  synopsis:
    'FILE... (--case CASE.duckdb | --store clickhouse://USER@HOST:8123/DB [--case CASE.duckdb]) [--format auto|seed|csv|ID] [--tz ZONE] [--map field=column]... [--time-window FROM..TO] [--internal CIDR,...]',
  summary:
    'import flow files (seed CSV, mapped CSV, other registered formats; gzip ok) into a case',
  flags: {
    case: { type: 'string', description: 'case file (created when missing)' },
    store: {
      type: 'string',
      description:
        'import into a ClickHouse store instead (password: NETSIFT_CLICKHOUSE_PASSWORD or a prompt); with --case, the case records its URL',
    },
    'stage-dir': {
      type: 'string',
      description: 'with --store: folder for the temporary local case each file goes through',
    },
    format: {
      type: 'string',
      description: 'auto, seed, csv or a registered format id',
      default: 'auto',
    },
    tz: {
      type: 'string',
      description: 'zone of timestamps that carry none (IANA name)',
      default: 'UTC',
    },
    map: { type: 'string[]', description: 'CSV column for a field, e.g. --map src_ip="Source IP"' },
    'allow-duplicate': {
      type: 'boolean',
      description: 'import a file already in the case (same sha256)',
    },
    'time-window': {
      type: 'string',
      description:
        'plausible flow times FROM..TO (years or dates, default 1990..2100); flows outside are rejected',
    },
    json: { type: 'boolean', description: 'print the summary as JSON on stdout' },
    internal: {
      type: 'string',
      description:
        "the site's internal networks, e.g. 147.32.0.0/16,10.0.0.0/8 (kept in the case; see netsift site)",
    },
    'memory-limit': {
      type: 'string',
      description:
        'DuckDB memory limit; staging spills to disk beyond it (bounded RSS on huge files)',
      default: '1GB',
    },
  },
  async run({ positional, flags }, io) {
    if (positional.length === 0)
      throw new NetsiftError('give at least one FILE to import', 'usage');
    if (flags.store) return importIntoStore({ positional, flags }, io);
    if (!flags.case)
      throw new NetsiftError('--case CASE.duckdb (or --store URL) is required', 'usage');
    const mapping = parseMap((flags.map as string[] | undefined) ?? []);
    const timeWindow =
      typeof flags['time-window'] === 'string' ? parseTimeWindow(flags['time-window']) : undefined;
    const internal = flags.internal === undefined ? null : parseNetworkList(String(flags.internal));
    const store = await CaseStore.open(flags.case as string, {
      memoryLimit: flags['memory-limit'] as string,
    });
    try {
      if (internal) await writeSite(store, internal, 'analyst');
      const job = importFiles(store, positional, {
        format: flags.format as string,
        tz: flags.tz as string,
        mapping,
        allowDuplicate: !!flags['allow-duplicate'],
        timeWindow,
        keepGoing: true,
      });
      job.onProgress((p) => {
        const pct = p.total ? ` ${Math.floor((100 * p.done) / p.total)}%` : '';
        const rate = p.rate ? ` ${mb(p.rate)}/s` : '';
        io.progress(`importing ${p.message ?? ''}: ${p.phase}${pct}${rate}`);
      });
      const onSigint = () => job.cancel();
      process.once('SIGINT', onSigint);
      let sum: ImportSummary;
      try {
        sum = await job.result;
      } finally {
        process.off('SIGINT', onSigint);
        io.progress('');
      }
      // the site suggestion from what landed (adopted when the defaults hold none of the flows)
      if (sum.flows > 0) await refreshSuggestion(store);
      if (flags.json) io.out(JSON.stringify(sum, null, 2));
      else {
        printSummary(sum, io);
        for (const l of describeSite(await readSite(store))) io.out(l);
      }
      // 1: a file (or a context log) failed; 3: all imported, but some input was incomplete (see the warnings)
      const contextFailed = sum.context?.logs.some((l) => l.error) ?? false;
      if (sum.failed || contextFailed) return 1;
      return sum.files.some((f) => f.warnings?.length) ? 3 : 0;
    } finally {
      store.close();
    }
  },
};
