// `netsift analyze FILE... [--case CASE.duckdb] [--out REPORT.json]`: import (into a temporary
// case unless --case), detect, write the report JSON, print the top incidents. With --store URL
// the files go into a ClickHouse server and detection runs there; the case (temporary unless
// --case) keeps the alerts and incidents.
import fs from 'node:fs';
import { analyzeFiles, type Job, NetsiftError, parseTimeWindow } from '../../engine/index';
import type { Command } from '../command';
import { openStoreFromFlags } from '../open-store';
import {
  DETECT_FLAGS,
  detectionOptions,
  internalFlag,
  incidentsSoFar,
  printDetectionSummary,
} from './detect-options';

const timeWindow = (flags: Record<string, unknown>) =>
  typeof flags['time-window'] === 'string' ? parseTimeWindow(flags['time-window']) : undefined;

export const analyzeCommand: Command = {
  name: 'analyze',
  synopsis:
    'FILE... [--case CASE.duckdb] [--store clickhouse://USER@HOST:8123/DB] [--out REPORT.json] [--window S] [--profile default|seed] [--format F] [--tz ZONE]',
  summary: 'import flow files, run the detectors, write a report of scored incidents',
  flags: {
    case: { type: 'string', description: 'case file to import into and keep (default: temporary)' },
    store: {
      type: 'string',
      description:
        'import into a ClickHouse server and detect there (password: NETSIFT_CLICKHOUSE_PASSWORD or a prompt)',
    },
    out: { type: 'string', description: 'report JSON path' },
    format: {
      type: 'string',
      description: 'input format: auto or a registered format id',
      default: 'auto',
    },
    tz: {
      type: 'string',
      description: 'zone of timestamps that carry none (IANA name)',
      default: 'UTC',
    },
    'time-window': {
      type: 'string',
      description: 'plausible flow times FROM..TO (default 1990..2100)',
    },
    ...DETECT_FLAGS,
    top: { type: 'number', description: 'incidents listed in the summary', default: 10 },
  },
  async run({ positional, flags }, io) {
    if (positional.length === 0)
      throw new NetsiftError('give at least one FILE to analyze', 'usage');
    const soFar = incidentsSoFar(io, performance.now(), !!process.stderr.isTTY);
    const opts = { ...detectionOptions(flags), onIncidents: soFar.onIncidents };
    const internal = internalFlag(flags);
    let current: Job<unknown> | null = null;
    // cancel on Ctrl-C or kill, so the temporary case is removed on the way out
    const onSigint = () => current?.cancel();
    process.once('SIGINT', onSigint);
    process.once('SIGTERM', onSigint);
    try {
      const { report } = await analyzeFiles(positional, {
        ...opts,
        casePath: flags.case as string | undefined,
        internal,
        openStore: flags.store
          ? (caseStore) => openStoreFromFlags(flags.store as string, { caseStore })
          : undefined,
        import: {
          format: flags.format as string,
          tz: flags.tz as string,
          timeWindow: timeWindow(flags),
        },
        onJob: (job) => {
          current = job;
          job.onProgress((p) =>
            io.progress(
              `${p.kind}: ${p.phase} ${p.total ? `${Math.floor((100 * p.done) / p.total)}%` : ''}`,
            ),
          );
        },
      });
      io.progress('');
      if (flags.out) fs.writeFileSync(flags.out as string, JSON.stringify(report, null, 1));
      printDetectionSummary(report, io, flags.top as number);
      const first = soFar.firstLine();
      if (first) io.out(first);
      if (flags.out) io.out(`report: ${flags.out}`);
      return 0;
    } finally {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigint);
    }
  },
};
