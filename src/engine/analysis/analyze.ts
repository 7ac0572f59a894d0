// analyze = import + detect + report, the batch path behind `netsift analyze`. Without a case
// file it works in a temporary case that is deleted afterwards. With a flow store (a ClickHouse
// server) the files go there and detection runs there; the case keeps alerts and incidents.
import fs from 'node:fs';
import path from 'node:path';
import type { ImportSummary } from '../../shared/model';
import type { AnalysisReport, StageTiming } from '../../shared/report';
import { buildReport, flowFigures } from './report';
import type { FlowStore } from '../flowstore/flow-store';
import { detectionRefusal } from '../flowstore/clickhouse/clickhouse-flow-sql';
import { NetsiftError } from '../core/errors';
import { runDetection, type DetectionOptions, type DetectionResult } from './runner';
import { importFiles, type ImportJobOptions } from '../import/pipeline';
import type { Job } from '../core/job';
import { CaseStore } from '../store/case-store';
import { makeOwnedTempDir, sweepStaleTempDirs } from '../util/owned-temp';

/** The temporary case folders of analyze without --case (see util/owned-temp.ts). */
export const TEMP_PREFIX = 'netsift-analyze-';
import { writeSite } from '../site/site-model';

export { buildReport } from './report';

export interface AnalyzeOptions extends DetectionOptions {
  /** Case file to import into (kept); a temporary case when absent. */
  casePath?: string;
  import?: ImportJobOptions;
  /** Called with each job as it starts (progress display, cancel). */
  onJob?: (job: Job<unknown>) => void;
  threads?: number;
  /** The site's internal networks (canonical, see parseNetworkList), stored in the case first. */
  internal?: string[];
  /**
   * Where the flows go and detection runs, when not in the case (contract: store). The caller
   * opens it with the case (openStore) and closes it.
   */
  openStore?: (caseStore: CaseStore) => Promise<FlowStore>;
}

export interface AnalyzeResult {
  report: AnalysisReport;
  imported: ImportSummary;
  detection: DetectionResult;
}

export async function analyzeFiles(
  paths: string[],
  opts: AnalyzeOptions = {},
): Promise<AnalyzeResult> {
  // a temporary case left by an analyze that was killed (SIGKILL skips the cleanup below) goes first
  if (!opts.casePath) sweepStaleTempDirs(TEMP_PREFIX);
  const tmpDir = opts.casePath ? null : makeOwnedTempDir(TEMP_PREFIX);
  const file = opts.casePath ?? path.join(tmpDir!, 'case.duckdb');
  const stages: StageTiming[] = [];
  let store: CaseStore | null = null;
  let flows: FlowStore | null = null;
  try {
    store = await CaseStore.open(file, { threads: opts.threads });
    if (opts.internal) await writeSite(store, opts.internal, 'analyst');
    if (opts.openStore) {
      flows = await opts.openStore(store);
      // a server that cannot run the detectors is told before anything is imported into it
      const refusal = flows.info.kind === 'clickhouse' ? detectionRefusal(flows.info) : null;
      if (refusal)
        throw new NetsiftError(`${refusal} (import with netsift import FILE --store URL)`, 'store');
    }
    let t = performance.now();
    const importJob = flows
      ? flows.importFiles(paths, opts.import ?? {})
      : importFiles(store, paths, opts.import ?? {});
    opts.onJob?.(importJob as Job<unknown>);
    const imported = await importJob.result;
    stages.push({ stage: 'import', seconds: (performance.now() - t) / 1000 });
    t = performance.now();
    const detectJob = runDetection(store, { ...opts, flowStore: flows ?? undefined });
    opts.onJob?.(detectJob as Job<unknown>);
    const detection = await detectJob.result;
    stages.push({ stage: 'detect', seconds: (performance.now() - t) / 1000 });
    t = performance.now();
    const report = await buildReport(store, {
      stages,
      flows: flows ? await flowFigures(flows) : undefined,
    });
    stages.push({ stage: 'report', seconds: (performance.now() - t) / 1000 });
    if (tmpDir) report.summary.case_path = null;
    return { report, imported, detection };
  } finally {
    await flows?.close();
    store?.close();
    if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
  }
}
