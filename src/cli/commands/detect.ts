// `netsift detect --case CASE.duckdb`: re-run detection on an imported case (no re-import), e.g.
// after a parameter change; the case then shows this run's alerts and incidents. A case whose
// flows are on a ClickHouse server (it records the URL; or --store URL) detects there.
import fs from 'node:fs';
import {
  buildReport,
  caseStoreLink,
  CaseStore,
  flowFigures,
  type FlowStore,
  NetsiftError,
  runDetection,
  writeSite,
} from '../../engine/index';
import { openStoreFromFlags } from '../open-store';
import type { Command } from '../command';
import {
  DETECT_FLAGS,
  detectionOptions,
  incidentsSoFar,
  internalFlag,
  printDetectionSummary,
  withSigint,
} from './detect-options';

export const detectCommand: Command = {
  name: 'detect',
  synopsis:
    '--case CASE.duckdb [--store clickhouse://USER@HOST:8123/DB [--mapping FILE]] [--window S] [--only id,...] [--param det.name=value]... [--out REPORT.json]',
  summary: 're-run the detectors on a case without re-importing',
  flags: {
    case: { type: 'string', description: 'case file' },
    store: {
      type: 'string',
      description:
        "the flows' ClickHouse server (default: the one the case records; password: NETSIFT_CLICKHOUSE_PASSWORD or a prompt)",
    },
    mapping: {
      type: 'string',
      description: 'with --store: JSON file naming the columns of an existing table',
    },
    out: { type: 'string', description: 'report JSON path' },
    ...DETECT_FLAGS,
    top: { type: 'number', description: 'incidents listed in the summary', default: 10 },
  },
  async run({ positional, flags }, io) {
    if (positional.length)
      throw new NetsiftError(
        `unexpected argument ${positional[0]} (detect takes no files; use analyze or import)`,
        'usage',
      );
    if (!flags.case) throw new NetsiftError('--case CASE.duckdb is required', 'usage');
    if (!fs.existsSync(flags.case as string))
      throw new NetsiftError(`${flags.case}: no such case file`, 'case');
    const opts = detectionOptions(flags);
    const internal = internalFlag(flags);
    const store = await CaseStore.open(flags.case as string);
    let flows: FlowStore | null = null;
    try {
      if (internal) await writeSite(store, internal, 'analyst');
      const link = await caseStoreLink(store);
      const url = (flags.store as string | undefined) ?? link?.url;
      if (url) {
        flows = await openStoreFromFlags(url, {
          caseStore: store,
          mapping: (flags.mapping as string | undefined) ?? link?.mapping ?? undefined,
        });
        io.err(`detecting on ${flows.info.location} (ClickHouse ${flows.info.serverVersion})`);
      }
      const t = performance.now();
      const soFar = incidentsSoFar(io, t, !!process.stderr.isTTY);
      const job = runDetection(store, {
        ...opts,
        onIncidents: soFar.onIncidents,
        flowStore: flows ?? undefined,
      });
      job.onProgress((p) => io.progress(`detect: ${p.phase} ${p.done}/${p.total}`));
      await withSigint(job);
      io.progress('');
      const report = await buildReport(store, {
        stages: [{ stage: 'detect', seconds: (performance.now() - t) / 1000 }],
        flows: flows ? await flowFigures(flows) : undefined,
      });
      if (flags.out) fs.writeFileSync(flags.out as string, JSON.stringify(report, null, 1));
      printDetectionSummary(report, io, flags.top as number);
      const first = soFar.firstLine();
      if (first) io.out(first);
      if (flags.out) io.out(`report: ${flags.out}`);
      return 0;
    } finally {
      await flows?.close();
      store.close();
    }
  },
};
