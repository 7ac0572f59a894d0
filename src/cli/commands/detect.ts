// `netsift detect --case CASE.duckdb`: re-run detection on an imported case (no re-import), e.g.
// after a parameter change; the case then shows this run's alerts and incidents.
import fs from 'node:fs';
import { buildReport, CaseStore, NetsiftError, runDetection, writeSite } from '../../engine/index';
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
    '--case CASE.duckdb [--window S] [--only id,...] [--param det.name=value]... [--out REPORT.json]',
  summary: 're-run the detectors on a case without re-importing',
  flags: {
    case: { type: 'string', description: 'case file' },
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
    try {
      if (internal) await writeSite(store, internal, 'analyst');
      const t = performance.now();
      const soFar = incidentsSoFar(io, t, !!process.stderr.isTTY);
      const job = runDetection(store, { ...opts, onIncidents: soFar.onIncidents });
      job.onProgress((p) => io.progress(`detect: ${p.phase} ${p.done}/${p.total}`));
      await withSigint(job);
      io.progress('');
      const report = await buildReport(store, {
        stages: [{ stage: 'detect', seconds: (performance.now() - t) / 1000 }],
      });
      if (flags.out) fs.writeFileSync(flags.out as string, JSON.stringify(report, null, 1));
      printDetectionSummary(report, io, flags.top as number);
      const first = soFar.firstLine();
      if (first) io.out(first);
      if (flags.out) io.out(`report: ${flags.out}`);
      return 0;
    } finally {
      store.close();
    }
  },
};
